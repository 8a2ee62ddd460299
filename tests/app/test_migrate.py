"""`photoshare migrate` creates the schema on an empty database once; a second run has nothing to do."""

import json
import os
import secrets
import subprocess
import sys

import boto3
import pytest
from conftest import db_secret_value
from servers import ROOT

TABLES = {
    "users",
    "sessions",
    "login_failures",
    "photos",
    "thumbnails",
    "likes",
    "comments",
    "albums",
    "album_photos",
    "share_links",
    "share_unlocks",
    "api_tokens",
}


@pytest.fixture
def empty_database(database):
    name = f"pstest_{secrets.token_hex(4)}"
    with database.connect(database=None) as conn:
        conn.cursor().execute(f"CREATE DATABASE `{name}`")
    yield name
    with database.connect(database=None) as conn:
        conn.cursor().execute(f"DROP DATABASE `{name}`")


def run_photoshare(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "photoshare", *args],
        env={**os.environ, "PYTHONPATH": str(ROOT / "app"), **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_migrate_applies_the_schema_once(database, empty_database, aws_environment, bucket):
    secret_id = f"pstest-{secrets.token_hex(6)}/db/credentials"
    client = boto3.client("secretsmanager")
    client.create_secret(Name=secret_id, SecretString=db_secret_value(database, dbname=empty_database))
    env = {
        "PHOTOSHARE_BUCKET": bucket,
        "PHOTOSHARE_DB_SECRET_ID": secret_id,
        "PHOTOSHARE_DB_CA_BUNDLE": database.ca_file,
        "PHOTOSHARE_AWS_ENDPOINT_URL": aws_environment["AWS_ENDPOINT_URL"],
    }
    try:
        first = run_photoshare("migrate", env=env)
        assert first.returncode == 0, first.stderr + first.stdout
        events = [json.loads(line) for line in first.stdout.splitlines() if line.startswith("{")]
        (applied,) = [event for event in events if event["event"] == "migrations_applied"]
        assert applied["applied"] == ["0001.initial-schema", "0002.social"]
        assert database.password not in first.stdout + first.stderr
        second = run_photoshare("migrate", env=env)
        assert second.returncode == 0, second.stderr
        assert '"applied": []' in second.stdout
    finally:
        client.delete_secret(SecretId=secret_id, ForceDeleteWithoutRecovery=True)
    with (
        database.connect(database=empty_database) as conn,
        conn.cursor() as cur,
    ):
        cur.execute("SHOW TABLES")
        assert {row[0] for row in cur.fetchall()} >= TABLES


def test_migrate_says_what_is_wrong_when_the_secret_is_missing(aws_environment, bucket):
    env = {
        "PHOTOSHARE_BUCKET": bucket,
        "PHOTOSHARE_DB_SECRET_ID": "pstest-no-such/db/credentials",
        "PHOTOSHARE_AWS_ENDPOINT_URL": aws_environment["AWS_ENDPOINT_URL"],
    }
    run = run_photoshare("migrate", env=env)
    assert run.returncode == 1
    assert "cannot read its configuration secrets" in run.stderr


def test_the_command_refuses_to_start_without_a_bucket():
    run = run_photoshare("serve", env={"PHOTOSHARE_BUCKET": ""})
    assert run.returncode == 2
    assert "PHOTOSHARE_BUCKET is not set" in run.stderr
