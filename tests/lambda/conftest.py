"""Fixtures of the Lambda suite: a KMS key and the signing secret on the emulator,
a real webhook receiver, the handler module configured against them, and
Lambda's context object."""

from __future__ import annotations

import importlib
import secrets
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import boto3
import pytest
from lambda_build import run_build
from webhook_receiver import WebhookReceiver


class LambdaContext:
    """Lambda's context object for a function with timeout_seconds to run."""

    def __init__(self, timeout_seconds: float) -> None:
        self.deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


@pytest.fixture(scope="session")
def kms_key_id(aws_environment) -> Iterator[str]:
    kms = boto3.client("kms")
    key_id = kms.create_key(Description="photoshare lambda tests")["KeyMetadata"]["KeyId"]
    yield key_id
    kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)


@pytest.fixture(scope="session")
def signing_secret(aws_environment) -> Iterator[tuple[str, bytes]]:
    """(secret id, key bytes) of a webhook signing secret made for this session."""
    secretsmanager = boto3.client("secretsmanager")
    secret_id = f"pstest-{secrets.token_hex(6)}/webhook/signing-key"
    value = secrets.token_urlsafe(32)
    secretsmanager.create_secret(Name=secret_id, SecretString=value)
    yield secret_id, value.encode()
    secretsmanager.delete_secret(SecretId=secret_id, ForceDeleteWithoutRecovery=True)


@pytest.fixture(scope="session")
def receiver_server() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver().start()
    yield server
    server.stop()


@pytest.fixture
def receiver(receiver_server) -> Iterator[WebhookReceiver]:
    """The session's receiver, answering 200 and with no requests recorded."""
    receiver_server.reset()
    yield receiver_server
    receiver_server.reset()


@pytest.fixture(scope="session")
def handler_module(receiver_server, signing_secret, kms_key_id) -> Iterator[ModuleType]:
    """lambda/handler.py imported with its environment pointing at this session's resources."""
    environment = {
        "PHOTOSHARE_WEBHOOK_URL": receiver_server.url,
        "PHOTOSHARE_WEBHOOK_SECRET_ID": signing_secret[0],
        "PHOTOSHARE_KMS_KEY_ID": kms_key_id,
    }
    with pytest.MonkeyPatch.context() as mp:
        for name, value in environment.items():
            mp.setenv(name, value)
        yield importlib.import_module("handler")


@pytest.fixture
def lambda_context():
    return LambdaContext


@pytest.fixture(scope="session")
def lambda_zip(tmp_path_factory) -> Path:
    """The deployment package, built once per session."""
    output = tmp_path_factory.mktemp("package") / "photoshare-processor.zip"
    run = run_build("zip", "--output", str(output))
    assert run.returncode == 0, run.stderr
    return output
