"""aiobotocore clients for S3 and Secrets Manager, opened while the app serves.

They sign with the instance role's session from the metadata service, on
AWS and in the local cloud alike; there they talk to the emulator at
PHOTOSHARE_AWS_ENDPOINT_URL.
"""

from __future__ import annotations

import logging
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

from aiobotocore.config import AioConfig
from aiobotocore.session import AioSession, get_session
from botocore.exceptions import BotoCoreError, ClientError

from photoshare.errors import SecretsUnavailableError
from photoshare.logs import log
from photoshare.settings import Settings

# Short timeouts and a few retries: a request that waits on AWS holds a worker slot.
S3_CONFIG = AioConfig(
    signature_version="s3v4",
    connect_timeout=5,
    read_timeout=30,
    retries={"mode": "standard", "max_attempts": 3},
    max_pool_connections=50,
)
SECRETS_CONFIG = AioConfig(connect_timeout=5, read_timeout=10, retries={"mode": "standard", "max_attempts": 3})


@dataclass
class AwsClients:
    session: AioSession
    s3: Any
    secrets: Any


async def open_clients(settings: Settings, stack: AsyncExitStack) -> AwsClients:
    session = get_session()
    common = {"region_name": settings.region, "endpoint_url": settings.aws_endpoint_url}
    s3 = await stack.enter_async_context(session.create_client("s3", config=S3_CONFIG, **common))
    secrets = await stack.enter_async_context(session.create_client("secretsmanager", config=SECRETS_CONFIG, **common))
    return AwsClients(session=session, s3=s3, secrets=secrets)


async def read_secret_string(secrets_client: Any, secret_id: str) -> str:
    """The SecretString of secret_id; SecretsUnavailableError (503) if Secrets Manager cannot give it."""
    try:
        response = await secrets_client.get_secret_value(SecretId=secret_id)
    except (BotoCoreError, ClientError) as err:
        code = err.response.get("Error", {}).get("Code") if isinstance(err, ClientError) else type(err).__name__
        log("secret_unreadable", level=logging.WARNING, secret_id=secret_id, error=code)
        raise SecretsUnavailableError() from None
    if "SecretString" not in response:
        raise SecretsUnavailableError(f"the secret {secret_id} holds binary data; it must be a SecretString")
    return response["SecretString"]
