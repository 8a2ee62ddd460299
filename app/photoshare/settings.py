"""The app's settings, read once from PHOTOSHARE_* environment variables.

Nothing secret lives in the environment on AWS: the database credentials and
the webhook signing key come from Secrets Manager. The one exception is
PHOTOSHARE_DEV_DATABASE_URL, an explicit development shortcut that holds a
password and is therefore kept in a Secret.
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

MIB = 1024 * 1024
# Amazon's RDS CAs (devtools/rdsca.py): the database's certificate is verified against them on AWS.
RDS_CA_BUNDLE = str(Path(__file__).with_name("certs") / "rds-ca-bundle.pem")
T = TypeVar("T")


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it and says what is expected."""


class Secret:
    """A value that never shows itself in repr(), str(), f-strings or logs; .reveal() returns it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> Any:
        raise TypeError("a Secret is never pickled, so it cannot leak into a cache or a queue")


@dataclass(frozen=True)
class Settings:
    bucket: str
    region: str = "us-east-1"
    aws_endpoint_url: str | None = None
    db_secret_id: str = "photoshare/db/credentials"  # noqa: S105 - the name of a secret, not one
    dev_database_url: Secret | None = None
    # The database is reached over TLS only; its certificate and host name are verified against these CAs.
    db_ca_bundle: str = RDS_CA_BUNDLE
    webhook_secret_id: str = "photoshare/webhook/signing-key"  # noqa: S105 - as above
    bind: str = "0.0.0.0:8080"
    workers: int = 2
    max_upload_bytes: int = 10 * MIB
    upload_part_bytes: int = 5 * MIB
    upload_idle_timeout: float = 30.0
    proxy_hops: int = 0
    presigned_url_ttl: int = 300
    feed_cache_seconds: int = 1
    session_idle_timeout: int = 3600
    session_absolute_timeout: int = 43200
    login_max_failures_per_account: int = 5
    login_max_failures_per_ip: int = 20
    login_throttle_window: int = 900
    password_hashing_threads: int = 2
    db_pool_size: int = 10
    db_timeout: float = 10.0
    sweep_interval: int = 300
    stale_upload_age: int = 3600
    log_level: str = "INFO"
    access_log: bool = True
    storage_quota_bytes: int = 1024 * MIB
    share_max_failures_per_link: int = 10
    share_max_failures_per_ip: int = 30
    metrics_allowed_networks: tuple[str, ...] = ("127.0.0.0/8", "::1/128")
    metrics_token_sha256: str | None = None

    def __post_init__(self) -> None:
        if self.upload_part_bytes < 5 * MIB:
            raise SettingsError("PHOTOSHARE_UPLOAD_PART_BYTES must be at least 5242880 (S3's smallest multipart part)")
        if self.session_idle_timeout > self.session_absolute_timeout:
            raise SettingsError("PHOTOSHARE_SESSION_IDLE_TIMEOUT must not exceed PHOTOSHARE_SESSION_ABSOLUTE_TIMEOUT")
        for network in self.metrics_allowed_networks:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError:
                raise SettingsError(
                    f"PHOTOSHARE_METRICS_ALLOWED_NETWORKS holds {network!r}, which is not an address or a network"
                    " such as 10.0.0.0/16"
                ) from None
        if self.metrics_token_sha256 is not None and re.fullmatch(r"[0-9a-f]{64}", self.metrics_token_sha256) is None:
            raise SettingsError("PHOTOSHARE_METRICS_TOKEN_SHA256 must be 64 lowercase hex digits (sha256sum's output)")
        if not Path(self.db_ca_bundle).is_file():
            raise SettingsError(
                f"PHOTOSHARE_DB_CA_BUNDLE names {self.db_ca_bundle!r}, which is not a file: it must be the PEM bundle"
                " of the CAs that sign the database's certificate"
            )
        if self.log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise SettingsError(f"PHOTOSHARE_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR, not {self.log_level!r}")

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] = os.environ, **overrides: Any) -> Settings:
        """Settings from PHOTOSHARE_<NAME> variables; keyword overrides win (tests and benchmarks)."""
        values: dict[str, Any] = {}
        for field in fields(cls):
            if field.name in overrides:
                continue
            name = f"PHOTOSHARE_{field.name.upper()}"
            raw = environ.get(name, "").strip()
            if raw:
                values[field.name] = PARSERS[field.name](name, raw)
        values.update(overrides)
        if not values.get("bucket"):
            raise SettingsError("PHOTOSHARE_BUCKET is not set; it names the assets bucket (see app/README.md)")
        return cls(**values)


def positive(kind: Callable[[str], T]) -> Callable[[str, str], T]:
    def parse(name: str, raw: str) -> T:
        try:
            value = kind(raw)
        except ValueError:
            raise SettingsError(f"{name} must be a {'whole ' if kind is int else ''}number, not {raw!r}") from None
        if value <= 0:  # type: ignore[operator]
            raise SettingsError(f"{name} must be greater than zero, not {raw!r}")
        return value

    return parse


def whole_number(name: str, raw: str) -> int:
    if not raw.isascii() or not raw.isdigit():
        raise SettingsError(f"{name} must be a whole number of zero or more, not {raw!r}")
    return int(raw)


def text(name: str, raw: str) -> str:
    return raw


def boolean(name: str, raw: str) -> bool:
    lowered = raw.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise SettingsError(f"{name} must be true or false, not {raw!r}")


def url(name: str, raw: str) -> str:
    if not raw.startswith(("http://", "https://")):
        raise SettingsError(f"{name} must be an http or https URL, not {raw!r}")
    return raw


def networks(name: str, raw: str) -> tuple[str, ...]:
    """A comma-separated list; an empty list (the word none) allows no network."""
    if raw.lower() == "none":
        return ()
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def secret_url(name: str, raw: str) -> Secret:
    if not raw.startswith("mysql://"):
        raise SettingsError(f"{name} must look like mysql://user:password@host:port/dbname")
    return Secret(raw)


PARSERS: dict[str, Callable[[str, str], Any]] = {
    "bucket": text,
    "region": text,
    "aws_endpoint_url": url,
    "db_secret_id": text,
    "dev_database_url": secret_url,
    "db_ca_bundle": text,
    "webhook_secret_id": text,
    "bind": text,
    "workers": positive(int),
    "max_upload_bytes": positive(int),
    "upload_part_bytes": positive(int),
    "upload_idle_timeout": positive(float),
    "proxy_hops": whole_number,
    "presigned_url_ttl": positive(int),
    "feed_cache_seconds": whole_number,
    "session_idle_timeout": positive(int),
    "session_absolute_timeout": positive(int),
    "login_max_failures_per_account": positive(int),
    "login_max_failures_per_ip": positive(int),
    "login_throttle_window": positive(int),
    "password_hashing_threads": positive(int),
    "db_pool_size": positive(int),
    "db_timeout": positive(float),
    "sweep_interval": positive(int),
    "stale_upload_age": positive(int),
    "log_level": text,
    "access_log": boolean,
    "storage_quota_bytes": positive(int),
    "share_max_failures_per_link": positive(int),
    "share_max_failures_per_ip": positive(int),
    "metrics_allowed_networks": networks,
    "metrics_token_sha256": text,
}
