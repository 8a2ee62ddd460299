"""Fixtures of the app suite: the app's secrets on the emulator, the migrated session database,
and the app itself, started with `async with app.test_app()` so its lifespan runs.

The app reads its database credentials from a real secret on the emulator,
exactly as on AWS: the secret holds the session database's name and the
local admin credentials.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import boto3
import pytest
from app_client import Visitor

from photoshare.app import create_app
from photoshare.database import DatabaseCredentials
from photoshare.migrate import apply_migrations
from photoshare.settings import Secret, Settings


@dataclass(frozen=True)
class AppSecrets:
    db_secret_id: str
    webhook_secret_id: str
    webhook_key: bytes


def db_secret_value(database, **overrides) -> str:
    return json.dumps(
        {
            "engine": "mysql",
            "username": database.username,
            "password": database.password,
            "host": database.host,
            "port": database.port,
            "dbname": database.name,
            **overrides,
        }
    )


@pytest.fixture(scope="session")
def app_secrets(aws_environment, database) -> Iterator[AppSecrets]:
    client = boto3.client("secretsmanager")
    prefix = f"pstest-{secrets.token_hex(6)}"
    db_secret_id, webhook_secret_id = f"{prefix}/db/credentials", f"{prefix}/webhook/signing-key"
    webhook_key = secrets.token_urlsafe(32)
    client.create_secret(Name=db_secret_id, SecretString=db_secret_value(database))
    client.create_secret(Name=webhook_secret_id, SecretString=webhook_key)
    yield AppSecrets(db_secret_id, webhook_secret_id, webhook_key.encode())
    for secret_id in (db_secret_id, webhook_secret_id):
        client.delete_secret(SecretId=secret_id, ForceDeleteWithoutRecovery=True)


@pytest.fixture(scope="session")
def migrated_database(database):
    credentials = DatabaseCredentials(
        database.username, Secret(database.password), database.host, database.port, database.name
    )
    apply_migrations(credentials, database.ca_file)
    return database


@pytest.fixture
def settings(aws_environment, app_secrets, migrated_database, clean_database, empty_bucket) -> Settings:
    """Settings for an app on the session database and bucket, both emptied after the test."""
    return Settings(
        bucket=empty_bucket,
        region=aws_environment["AWS_REGION"],
        aws_endpoint_url=aws_environment["AWS_ENDPOINT_URL"],
        db_secret_id=app_secrets.db_secret_id,
        webhook_secret_id=app_secrets.webhook_secret_id,
        db_ca_bundle=migrated_database.ca_file,
        max_upload_bytes=1024 * 1024,
        sweep_interval=3600,
        # Tests read the feed right after changing it; test_gallery.py checks the cache itself.
        feed_cache_seconds=0,
    )


@pytest.fixture
async def app(settings) -> AsyncIterator:
    quart_app = create_app(settings)
    async with quart_app.test_app() as test_app:
        yield test_app


@pytest.fixture
def visitor(app):
    """Someone with a browser: a fresh cookie jar for each call."""

    def new_visitor() -> Visitor:
        return Visitor(app.test_client())

    return new_visitor
