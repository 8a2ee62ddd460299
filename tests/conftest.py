"""Fixtures every suite shares: the local cloud, a fresh database and a fresh bucket.

The session starts the local cloud if it is not running (a no-op otherwise),
creates one database on the real MariaDB and one bucket on the emulator's S3
API over HTTP, and removes both at the end. Function-scoped fixtures empty
them after each test so tests stay isolated.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
import pymysql
import pytest
from botocore.config import Config

from devtools import localcloud as localcloud_module

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = "/usr/bin/chromium"
# Debian's Chromium, headless, with no background traffic to hosts this closed network cannot reach.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass(frozen=True)
class Database:
    """A database on the local MariaDB and the admin credentials that reach it."""

    name: str
    host: str
    port: int
    username: str
    password: str
    # The CA that signs the MariaDB's certificate: every connection verifies it, as on RDS.
    ca_file: str

    def connect(self, **kwargs) -> pymysql.connections.Connection:
        """A connection to this database (database=None: to the server only), over verified TLS."""
        options = {"database": self.name, "autocommit": True, **kwargs}
        return pymysql.connect(
            host=self.host,
            port=self.port,
            user=self.username,
            password=self.password,
            ssl_ca=self.ca_file,
            ssl_verify_identity=True,
            **options,
        )


@pytest.fixture(scope="session")
def localcloud() -> localcloud_module.LocalCloud:
    return localcloud_module.up()


@pytest.fixture(scope="session", autouse=True)
def aws_environment(localcloud) -> Iterator[dict[str, str]]:
    """Point every AWS client of the session at the emulator, never at AWS."""
    env = localcloud.aws_environment()
    with pytest.MonkeyPatch.context() as mp:
        for key, value in env.items():
            mp.setenv(key, value)
        mp.delenv("AWS_PROFILE", raising=False)
        yield env


@pytest.fixture(scope="session")
def database(localcloud) -> Iterator[Database]:
    admin = localcloud.admin_credentials()
    name = f"pstest_{secrets.token_hex(4)}"
    db = Database(name, admin["host"], admin["port"], admin["username"], admin["password"], str(localcloud.ca.ca_file))
    with db.connect(database=None) as conn:
        conn.cursor().execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    yield db
    with db.connect(database=None) as conn:
        conn.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")


def truncate_tables(db: Database, keep: frozenset[str] = frozenset()) -> None:
    with db.connect() as conn, conn.cursor() as cur:
        cur.execute("SHOW TABLES")
        tables = [row[0] for row in cur.fetchall() if row[0] not in keep]
        cur.execute("SET FOREIGN_KEY_CHECKS = 0")
        for table in tables:
            cur.execute(f"TRUNCATE TABLE `{table}`")
        cur.execute("SET FOREIGN_KEY_CHECKS = 1")


@pytest.fixture
def clean_database(database) -> Iterator[Database]:
    """The session database, emptied after the test (yoyo's bookkeeping stays)."""
    yield database
    truncate_tables(database, keep=frozenset({"_yoyo_migration", "_yoyo_log", "_yoyo_version", "yoyo_lock"}))


@pytest.fixture(scope="session")
def s3_client(aws_environment):
    """Its presigned URLs are SigV4, as the app's are (S3 refuses SigV2 ones)."""
    return boto3.client("s3", endpoint_url=aws_environment["AWS_ENDPOINT_URL"], config=Config(signature_version="s3v4"))


@pytest.fixture(scope="session")
def bucket(s3_client) -> Iterator[str]:
    name = f"pstest-{secrets.token_hex(6)}"
    s3_client.create_bucket(Bucket=name)
    yield name
    empty_bucket_now(s3_client, name)
    s3_client.delete_bucket(Bucket=name)


def empty_bucket_now(s3_client, name: str) -> None:
    paginator = s3_client.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=name):
        doomed = [
            {"Key": v["Key"], "VersionId": v["VersionId"]}
            for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
        ]
        if doomed:
            s3_client.delete_objects(Bucket=name, Delete={"Objects": doomed, "Quiet": True})
    for upload in s3_client.list_multipart_uploads(Bucket=name).get("Uploads", []):
        s3_client.abort_multipart_upload(Bucket=name, Key=upload["Key"], UploadId=upload["UploadId"])


@pytest.fixture
def empty_bucket(s3_client, bucket) -> Iterator[str]:
    """The session bucket, emptied after the test."""
    yield bucket
    empty_bucket_now(s3_client, bucket)


def trusting_home(home: Path, ca_file: Path) -> dict[str, str]:
    """An environment whose HOME holds an NSS database that trusts ca_file, as Chromium on Linux reads it.

    That is how a person's browser trusts a company CA; no certificate check is switched off.
    """
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    subprocess.run(["certutil", "-N", "-d", f"sql:{nssdb}", "--empty-password"], check=True, capture_output=True)
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{nssdb}", "-t", "C,,", "-n", "photoshare-localcloud", "-i", str(ca_file)],
        check=True,
        capture_output=True,
    )
    return {**os.environ, "HOME": str(home)}


@pytest.fixture(scope="module")
def chromium(localcloud, tmp_path_factory) -> Iterator[Browser]:
    """Debian's Chromium driven by Playwright, which must never download a browser of its own.

    Module scope: Playwright's sync API keeps an event loop running on the main
    thread while it is open, and pytest-asyncio cannot run a test beside it.
    """
    from playwright.sync_api import sync_playwright  # only the browser tests load Playwright

    env = trusting_home(tmp_path_factory.mktemp("chromium-home"), localcloud.ca.ca_file)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=env)
        yield browser
        browser.close()


def pytest_report_header(config) -> list[str]:
    cloud = localcloud_module.load()
    return [f"local cloud: AWS emulator {cloud.endpoint_url}, MariaDB {cloud.mariadb_host}:{cloud.mariadb_port}"]
