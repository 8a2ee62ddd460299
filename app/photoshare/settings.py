"""The app's settings, read once from PHOTOSHARE_* environment variables by pydantic-settings.

Nothing secret lives in the environment on AWS: the database credentials and
the webhook signing key come from Secrets Manager. The one exception is
PHOTOSHARE_DEV_DATABASE_URL, an explicit development shortcut that holds a
password and is therefore kept in a Secret.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    GetCoreSchemaHandler,
    NonNegativeInt,
    PositiveFloat,
    PositiveInt,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails, core_schema
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    NoDecode,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

MIB = 1024 * 1024
# Amazon's RDS CAs (devtools/rdsca.py): the database's certificate is verified against them on AWS.
RDS_CA_BUNDLE = str(Path(__file__).with_name("certs") / "rds-ca-bundle.pem")
ENV_PREFIX = "PHOTOSHARE_"


class SettingsError(ValueError):
    """Settings are missing or malformed; one line per variable names it and says what is expected."""


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

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        """A setting typed Secret takes a Secret as it is, or wraps a str in one."""
        from_str = core_schema.no_info_after_validator_function(cls, core_schema.str_schema())
        return core_schema.union_schema([core_schema.is_instance_schema(cls), from_str])


def check(test: Callable[[Any], bool], problem: str) -> AfterValidator:
    """Refuse a value that fails test; problem says why, naming the value as {value!r} when it may be shown."""

    def validate(value: Any) -> Any:
        if not test(value):
            raise ValueError(problem.format(value=value))
        return value

    return AfterValidator(validate)


def is_network(value: str) -> bool:
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        return False
    return True


def comma_separated(value: Any) -> Any:
    """A comma-separated list; the word none is the empty list."""
    if not isinstance(value, str):
        return value
    if value.strip().lower() == "none":
        return ()
    return tuple(part.strip() for part in value.split(",") if part.strip())


HttpUrl = Annotated[
    str, check(lambda url: url.startswith(("http://", "https://")), "must be an http or https URL, not {value!r}")
]
MysqlUrl = Annotated[
    Secret,
    check(lambda url: url.reveal().startswith("mysql://"), "must look like mysql://user:password@host:port/dbname"),
]
PemFile = Annotated[
    str,
    check(
        lambda path: Path(path).is_file(),
        "names {value!r}, which is not a file: it must be the PEM bundle of the CAs that sign the database's"
        " certificate",
    ),
]
S3PartSize = Annotated[
    PositiveInt, check(lambda size: size >= 5 * MIB, "must be at least 5242880 (S3's smallest multipart part)")
]
Network = Annotated[str, check(is_network, "holds {value!r}, which is not an address or a network such as 10.0.0.0/16")]
# NoDecode: the variable is a comma-separated list, not JSON.
Networks = Annotated[tuple[Network, ...], NoDecode, BeforeValidator(comma_separated)]
Sha256Hex = Annotated[
    str,
    check(
        lambda digest: re.fullmatch(r"[0-9a-f]{64}", digest) is not None,
        "must be 64 lowercase hex digits (sha256sum's output)",
    ),
]
LogLevel = Annotated[
    Literal["DEBUG", "INFO", "WARNING", "ERROR"],
    BeforeValidator(lambda level: level.upper() if isinstance(level, str) else level),
]


# How pydantic's errors read to an operator. The only numeric bounds are those of PositiveInt,
# PositiveFloat and NonNegativeInt (zero); other limits are validators that give their reason.
PHRASES = {
    "missing": "is not set; it holds {description} (see app/README.md)",
    "string_too_short": "is empty; it holds {description} (see app/README.md)",
    "int_parsing": "must be a whole number, not {input!r}",
    "int_from_float": "must be a whole number, not {input!r}",
    "float_parsing": "must be a number, not {input!r}",
    "greater_than": "must be greater than zero, not {input!r}",
    "greater_than_equal": "must be a whole number of zero or more, not {input!r}",
    "bool_parsing": "must be true or false, not {input!r}",
    "literal_error": "must be {expected}, not {input!r}",
}


class Settings(BaseSettings):
    """Every field is read from PHOTOSHARE_<FIELD>; an empty variable counts as unset."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_ignore_empty=True,
        str_strip_whitespace=True,
        frozen=True,
        hide_input_in_errors=True,
    )

    bucket: str = Field(min_length=1, description="the assets bucket's name")
    region: str = "us-east-1"
    aws_endpoint_url: HttpUrl | None = None
    db_secret_id: str = "photoshare/db/credentials"  # noqa: S105 - the name of a secret, not one
    dev_database_url: MysqlUrl | None = None
    # The database is reached over TLS only; its certificate and host name are verified against these CAs.
    db_ca_bundle: PemFile = RDS_CA_BUNDLE
    webhook_secret_id: str = "photoshare/webhook/signing-key"  # noqa: S105 - as above
    bind: str = "0.0.0.0:8080"
    workers: PositiveInt = 2
    max_upload_bytes: PositiveInt = 10 * MIB
    upload_part_bytes: S3PartSize = 5 * MIB
    upload_idle_timeout: PositiveFloat = 30.0
    proxy_hops: NonNegativeInt = 0
    presigned_url_ttl: PositiveInt = 300
    feed_cache_seconds: NonNegativeInt = 1
    session_idle_timeout: PositiveInt = 3600
    session_absolute_timeout: PositiveInt = 43200
    login_max_failures_per_account: PositiveInt = 5
    login_max_failures_per_ip: PositiveInt = 20
    login_throttle_window: PositiveInt = 900
    password_hashing_threads: PositiveInt = 2
    db_pool_size: PositiveInt = 10
    db_timeout: PositiveFloat = 10.0
    sweep_interval: PositiveInt = 300
    stale_upload_age: PositiveInt = 3600
    log_level: LogLevel = "INFO"
    access_log: bool = True
    storage_quota_bytes: PositiveInt = 1024 * MIB
    share_max_failures_per_link: PositiveInt = 10
    share_max_failures_per_ip: PositiveInt = 30
    metrics_allowed_networks: Networks = ("127.0.0.0/8", "::1/128")
    metrics_token_sha256: Sha256Hex | None = None

    @model_validator(mode="after")
    def idle_within_absolute(self) -> Settings:
        if self.session_idle_timeout > self.session_absolute_timeout:
            raise ValueError("PHOTOSHARE_SESSION_IDLE_TIMEOUT must not exceed PHOTOSHARE_SESSION_ABSOLUTE_TIMEOUT")
        return self

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Settings(...) takes its arguments only, so tests that build one never pick up a developer's variables."""
        return (init_settings,)

    @classmethod
    def from_environ(cls, **overrides: Any) -> Settings:
        """Settings from the PHOTOSHARE_<NAME> variables; keyword overrides win (tests and benchmarks)."""
        try:
            return cls(**{**EnvSettingsSource(cls)(), **overrides})
        except ValidationError as err:
            raise SettingsError("\n".join(cls.explain(error) for error in err.errors())) from None

    @classmethod
    def explain(cls, error: ErrorDetails) -> str:
        """One line that names the variable and what it must hold; never the value of a Secret."""
        if not error["loc"]:  # a check across settings names them itself
            return str(error.get("ctx", {}).get("error", error["msg"]))
        field = str(error["loc"][0])
        variable = f"{ENV_PREFIX}{field.upper()}"
        if error["type"] == "value_error":
            return f"{variable} {error['ctx']['error']}"
        if error["type"] in PHRASES:
            description = cls.model_fields[field].description if field in cls.model_fields else None
            context = {"description": description or "a value", **error.get("ctx", {})}
            return f"{variable} {PHRASES[error['type']].format(input=error['input'], **context)}"
        return f"{variable}: {error['msg']}"
