"""The function's settings, read once from PHOTOSHARE_* environment variables.

None of them is a secret: the webhook signing key is read from Secrets Manager
(PHOTOSHARE_WEBHOOK_SECRET_ID names it).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from processor import DEFAULT_MAX_PIXELS


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it and says what is expected."""


@dataclass(frozen=True)
class Settings:
    webhook_url: str
    webhook_secret_id: str
    kms_key_id: str
    max_pixels: int = DEFAULT_MAX_PIXELS
    webhook_max_attempts: int = 5
    webhook_attempt_timeout: float = 10.0

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        settings = cls(
            webhook_url=required(environ, "PHOTOSHARE_WEBHOOK_URL"),
            webhook_secret_id=required(environ, "PHOTOSHARE_WEBHOOK_SECRET_ID"),
            kms_key_id=required(environ, "PHOTOSHARE_KMS_KEY_ID"),
            max_pixels=number(environ, "PHOTOSHARE_MAX_PIXELS", int, DEFAULT_MAX_PIXELS),
            webhook_max_attempts=number(environ, "PHOTOSHARE_WEBHOOK_MAX_ATTEMPTS", int, cls.webhook_max_attempts),
            webhook_attempt_timeout=number(
                environ, "PHOTOSHARE_WEBHOOK_ATTEMPT_TIMEOUT", float, cls.webhook_attempt_timeout
            ),
        )
        if urlsplit(settings.webhook_url).scheme not in ("http", "https"):
            raise SettingsError(f"PHOTOSHARE_WEBHOOK_URL must be an http or https URL, not {settings.webhook_url!r}")
        return settings


def required(environ: Mapping[str, str], name: str) -> str:
    value = environ.get(name, "").strip()
    if not value:
        raise SettingsError(f"{name} is not set; the function's environment must define it (see lambda/README.md)")
    return value


def number(environ: Mapping[str, str], name: str, kind: type[int] | type[float], default: float) -> float:
    raw = environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a {'whole ' if kind is int else ''}number, not {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be greater than zero, not {raw!r}")
    return value
