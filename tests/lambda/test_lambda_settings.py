"""Settings come from PHOTOSHARE_* variables, and a bad one is named in the error."""

import pytest
from settings import Settings, SettingsError

REQUIRED = {
    "PHOTOSHARE_WEBHOOK_URL": "https://photos.example.com/api/webhook",
    "PHOTOSHARE_WEBHOOK_SECRET_ID": "photoshare/webhook/signing-key",
    "PHOTOSHARE_KMS_KEY_ID": "alias/photoshare",
}


def test_defaults_apply_when_only_the_required_settings_are_given():
    settings = Settings.from_environ(REQUIRED)
    assert settings.max_pixels == 50_000_000
    assert (settings.webhook_max_attempts, settings.webhook_attempt_timeout) == (5, 10.0)
    assert settings.kms_key_id == "alias/photoshare"


def test_optional_settings_are_read():
    settings = Settings.from_environ(
        {**REQUIRED, "PHOTOSHARE_MAX_PIXELS": "1000", "PHOTOSHARE_WEBHOOK_ATTEMPT_TIMEOUT": "2.5"}
    )
    assert (settings.max_pixels, settings.webhook_attempt_timeout) == (1000, 2.5)


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_a_missing_setting_is_named(missing):
    environ = {name: value for name, value in REQUIRED.items() if name != missing}
    with pytest.raises(SettingsError, match=f"{missing} is not set"):
        Settings.from_environ(environ)


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("PHOTOSHARE_MAX_PIXELS", "fifty million", "a whole number"),
        ("PHOTOSHARE_WEBHOOK_ATTEMPT_TIMEOUT", "soon", "a number"),
        ("PHOTOSHARE_MAX_PIXELS", "0", "greater than zero"),
        ("PHOTOSHARE_WEBHOOK_MAX_ATTEMPTS", "-1", "greater than zero"),
        ("PHOTOSHARE_WEBHOOK_URL", "file:///etc/passwd", "an http or https URL"),
    ],
)
def test_a_malformed_setting_is_named(name, value, message):
    with pytest.raises(SettingsError, match=f"{name} must be {message}"):
        Settings.from_environ({**REQUIRED, name: value})
