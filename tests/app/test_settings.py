"""Settings come from PHOTOSHARE_* variables; secrets never show themselves."""

import logging
import os
import pickle

import pydantic
import pytest

from photoshare.database import DatabaseCredentials
from photoshare.errors import SecretsUnavailableError
from photoshare.settings import RDS_CA_BUNDLE, Secret, Settings, SettingsError


@pytest.fixture
def from_environ(monkeypatch):
    """Settings.from_environ() with exactly the given PHOTOSHARE_* variables set."""

    def load(variables: dict[str, str], **overrides) -> Settings:
        for name in [name for name in os.environ if name.startswith("PHOTOSHARE_")]:
            monkeypatch.delenv(name)
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        return Settings.from_environ(**overrides)

    return load


def test_defaults_follow_the_design_table(from_environ):
    settings = from_environ({"PHOTOSHARE_BUCKET": "photoshare-assets-1"})
    assert (settings.region, settings.bind, settings.workers) == ("us-east-1", "0.0.0.0:8080", 2)
    assert (settings.db_secret_id, settings.webhook_secret_id) == (
        "photoshare/db/credentials",
        "photoshare/webhook/signing-key",
    )
    assert (settings.max_upload_bytes, settings.proxy_hops, settings.presigned_url_ttl) == (10485760, 0, 300)
    assert settings.aws_endpoint_url is None
    assert settings.dev_database_url is None
    assert settings.db_ca_bundle == RDS_CA_BUNDLE
    assert settings.storage_quota_bytes == 1024**3
    assert settings.metrics_allowed_networks == ("127.0.0.0/8", "::1/128")
    assert settings.metrics_token_sha256 is None


def test_the_metrics_settings_take_networks_and_a_digest(from_environ):
    digest = "a" * 64
    settings = from_environ(
        {
            "PHOTOSHARE_BUCKET": "b",
            "PHOTOSHARE_METRICS_ALLOWED_NETWORKS": "10.0.0.0/16, 192.0.2.7",
            "PHOTOSHARE_METRICS_TOKEN_SHA256": digest,
            "PHOTOSHARE_STORAGE_QUOTA_BYTES": "5000000",
        }
    )
    assert settings.metrics_allowed_networks == ("10.0.0.0/16", "192.0.2.7")
    assert (settings.metrics_token_sha256, settings.storage_quota_bytes) == (digest, 5000000)
    closed = from_environ({"PHOTOSHARE_BUCKET": "b", "PHOTOSHARE_METRICS_ALLOWED_NETWORKS": "none"})
    assert closed.metrics_allowed_networks == ()


def test_every_setting_is_read_from_its_variable(from_environ):
    settings = from_environ(
        {
            "PHOTOSHARE_BUCKET": "b",
            "PHOTOSHARE_WORKERS": "4",
            "PHOTOSHARE_PROXY_HOPS": "1",
            "PHOTOSHARE_AWS_ENDPOINT_URL": "http://127.0.0.1:5000",
            "PHOTOSHARE_ACCESS_LOG": "false",
            "PHOTOSHARE_UPLOAD_IDLE_TIMEOUT": "2.5",
        }
    )
    assert (settings.workers, settings.proxy_hops, settings.access_log) == (4, 1, False)
    assert (settings.aws_endpoint_url, settings.upload_idle_timeout) == ("http://127.0.0.1:5000", 2.5)


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({}, "PHOTOSHARE_BUCKET is not set"),
        ({"PHOTOSHARE_BUCKET": "b", "PHOTOSHARE_WORKERS": "two"}, "PHOTOSHARE_WORKERS must be a whole number"),
        ({"PHOTOSHARE_BUCKET": "b", "PHOTOSHARE_MAX_UPLOAD_BYTES": "0"}, "must be greater than zero"),
        ({"PHOTOSHARE_BUCKET": "b", "PHOTOSHARE_PROXY_HOPS": "-1"}, "PHOTOSHARE_PROXY_HOPS must be a whole number"),
        ({"PHOTOSHARE_BUCKET": "b", "PHOTOSHARE_ACCESS_LOG": "maybe"}, "must be true or false"),
        ({"PHOTOSHARE_BUCKET": "b", "PHOTOSHARE_AWS_ENDPOINT_URL": "127.0.0.1:5000"}, "http or https URL"),
        ({"PHOTOSHARE_BUCKET": "b", "PHOTOSHARE_UPLOAD_PART_BYTES": "1024"}, "at least 5242880"),
        ({"PHOTOSHARE_BUCKET": "b", "PHOTOSHARE_DEV_DATABASE_URL": "postgres://x"}, "mysql://user:password@"),
        ({"PHOTOSHARE_BUCKET": "b", "PHOTOSHARE_METRICS_ALLOWED_NETWORKS": "10.0.0.0/33"}, "not an address"),
        ({"PHOTOSHARE_BUCKET": "b", "PHOTOSHARE_METRICS_TOKEN_SHA256": "my-token"}, "64 lowercase hex digits"),
        ({"PHOTOSHARE_BUCKET": "b", "PHOTOSHARE_STORAGE_QUOTA_BYTES": "0"}, "must be greater than zero"),
        ({"PHOTOSHARE_BUCKET": "b", "PHOTOSHARE_DB_CA_BUNDLE": "/nonexistent/ca.pem"}, "which is not a file"),
    ],
)
def test_a_bad_setting_is_named_with_what_is_expected(from_environ, environ, message):
    with pytest.raises(SettingsError, match=message):
        from_environ(environ)


def test_every_bad_setting_gets_a_line_of_its_own(from_environ):
    with pytest.raises(SettingsError) as refused:
        from_environ({"PHOTOSHARE_WORKERS": "two", "PHOTOSHARE_ACCESS_LOG": "maybe", "PHOTOSHARE_LOG_LEVEL": "loud"})
    assert str(refused.value).splitlines() == [
        "PHOTOSHARE_BUCKET is not set; it holds the assets bucket's name (see app/README.md)",
        "PHOTOSHARE_WORKERS must be a whole number, not 'two'",
        "PHOTOSHARE_LOG_LEVEL must be 'DEBUG', 'INFO', 'WARNING' or 'ERROR', not 'LOUD'",
        "PHOTOSHARE_ACCESS_LOG must be true or false, not 'maybe'",
    ]


def test_an_empty_variable_counts_as_unset_and_overrides_win(from_environ):
    settings = from_environ({"PHOTOSHARE_BUCKET": "b", "PHOTOSHARE_WORKERS": ""}, proxy_hops=2)
    assert (settings.workers, settings.proxy_hops) == (2, 2)


def test_settings_built_in_code_ignore_the_environment_and_stay_frozen(monkeypatch):
    monkeypatch.setenv("PHOTOSHARE_WORKERS", "9")
    settings = Settings(bucket="b")
    assert settings.workers == 2
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        settings.workers = 3


def test_a_secret_never_shows_its_value():
    secret = Secret("hunter2-hunter2")
    old_style = "%s" % (secret,)  # noqa: UP031 - old-style formatting must hide it too
    for shown in (repr(secret), str(secret), f"{secret}", old_style, repr([secret])):
        assert "hunter2" not in shown
    assert secret.reveal() == "hunter2-hunter2"
    with pytest.raises(TypeError, match="never pickled"):
        pickle.dumps(secret)


def test_the_development_database_url_is_kept_secret(from_environ):
    settings = from_environ(
        {"PHOTOSHARE_BUCKET": "b", "PHOTOSHARE_DEV_DATABASE_URL": "mysql://dev:s%40cret@127.0.0.1:3307/photos"}
    )
    assert "s@cret" not in repr(settings)
    assert "s%40cret" not in repr(settings)
    credentials = DatabaseCredentials.from_url(settings.dev_database_url)
    assert (credentials.username, credentials.password.reveal()) == ("dev", "s@cret")
    assert (credentials.host, credentials.port, credentials.dbname) == ("127.0.0.1", 3307, "photos")
    assert "s@cret" not in repr(credentials)
    with pytest.raises(SettingsError) as refused:
        from_environ(
            {"PHOTOSHARE_BUCKET": "b", "PHOTOSHARE_DEV_DATABASE_URL": "postgres://dev:hunter2@127.0.0.1/photos"}
        )
    assert "hunter2" not in str(refused.value)


def test_a_malformed_database_secret_is_refused_without_showing_it(caplog):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(SecretsUnavailableError) as refused:
        DatabaseCredentials.from_secret_string("photoshare/db/credentials", '{"password": "p4ssw0rd-value"}')
    assert "photoshare/db/credentials" in refused.value.message
    assert "p4ssw0rd-value" not in refused.value.message
    assert "p4ssw0rd-value" not in caplog.text
