"""The app's image: built FROM debian:trixie-slim, run with host networking against the local
cloud, as the web host role runs it (`migrate`, then `serve`)."""

import json
import secrets
import subprocess
import time

import httpx
import pytest
from conftest import db_secret_value
from servers import ROOT, free_port

pytestmark = pytest.mark.slow
BUILD_TIMEOUT = 900
CA_IN_CONTAINER = "/run/photoshare/db-ca.pem"


def docker(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def image():
    tag = f"photoshare-app:pstest-{secrets.token_hex(4)}"
    build = docker("build", "--network", "host", "-t", tag, str(ROOT / "app"), timeout=BUILD_TIMEOUT)
    assert build.returncode == 0, build.stderr[-3000:]
    yield tag
    docker("rmi", "-f", tag)


@pytest.fixture
def fresh_database(database):
    name = f"pstest_{secrets.token_hex(4)}"
    with database.connect(database=None) as conn:
        conn.cursor().execute(f"CREATE DATABASE `{name}`")
    yield name
    with database.connect(database=None) as conn:
        conn.cursor().execute(f"DROP DATABASE `{name}`")


@pytest.fixture
def image_environment(database, fresh_database, aws_environment, bucket):
    import boto3

    client = boto3.client("secretsmanager")
    prefix = f"pstest-{secrets.token_hex(6)}"
    db_secret, webhook_secret = f"{prefix}/db/credentials", f"{prefix}/webhook/signing-key"
    client.create_secret(Name=db_secret, SecretString=db_secret_value(database, dbname=fresh_database))
    client.create_secret(Name=webhook_secret, SecretString=secrets.token_urlsafe(32))
    yield {
        "PHOTOSHARE_BUCKET": bucket,
        "PHOTOSHARE_REGION": aws_environment["AWS_REGION"],
        "PHOTOSHARE_AWS_ENDPOINT_URL": aws_environment["AWS_ENDPOINT_URL"],
        "PHOTOSHARE_DB_SECRET_ID": db_secret,
        "PHOTOSHARE_WEBHOOK_SECRET_ID": webhook_secret,
        # The local CA signs both the database's and the emulator's certificates.
        "PHOTOSHARE_DB_CA_BUNDLE": CA_IN_CONTAINER,
        "AWS_CA_BUNDLE": CA_IN_CONTAINER,
        "AWS_ACCESS_KEY_ID": aws_environment["AWS_ACCESS_KEY_ID"],
        "AWS_SECRET_ACCESS_KEY": aws_environment["AWS_SECRET_ACCESS_KEY"],
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    for secret_id in (db_secret, webhook_secret):
        client.delete_secret(SecretId=secret_id, ForceDeleteWithoutRecovery=True)


def env_args(environment: dict[str, str]) -> list[str]:
    return [arg for name, value in environment.items() for arg in ("--env", f"{name}={value}")]


def ca_volume(database) -> list[str]:
    """The local MariaDB's CA, where PHOTOSHARE_DB_CA_BUNDLE points inside the container."""
    return ["--volume", f"{database.ca_file}:{CA_IN_CONTAINER}:ro"]


def test_the_image_runs_as_photoshare_from_debian_trixie(image):
    user = docker("run", "--rm", "--network", "host", "--entrypoint", "id", image, "-un")
    assert user.stdout.strip() == "photoshare"
    release = docker("run", "--rm", "--network", "host", "--entrypoint", "cat", image, "/etc/os-release")
    assert "VERSION_CODENAME=trixie" in release.stdout
    config = json.loads(docker("image", "inspect", image).stdout)[0]["Config"]
    assert (config["Entrypoint"], config["Cmd"], config["User"]) == (["photoshare"], ["serve"], "photoshare")
    assert config["Healthcheck"]["Test"] == ["CMD", "photoshare", "healthcheck"]


def test_migrate_then_serve_with_host_networking(image, image_environment, database, fresh_database):
    migrate = docker(
        "run", "--rm", "--network", "host", *ca_volume(database), *env_args(image_environment), image, "migrate"
    )
    assert migrate.returncode == 0, migrate.stdout + migrate.stderr
    assert "0001.initial-schema" in migrate.stdout
    assert "0002.social" in migrate.stdout
    assert database.password not in migrate.stdout + migrate.stderr
    again = docker(
        "run", "--rm", "--network", "host", *ca_volume(database), *env_args(image_environment), image, "migrate"
    )
    assert again.returncode == 0, again.stderr

    port = free_port()
    name = f"pstest-app-{secrets.token_hex(4)}"
    run = docker(
        "run",
        "--detach",
        "--name",
        name,
        "--network",
        "host",
        "--health-interval",
        "1s",
        *ca_volume(database),
        *env_args({**image_environment, "PHOTOSHARE_BIND": f"127.0.0.1:{port}", "PHOTOSHARE_WORKERS": "2"}),
        image,
    )
    assert run.returncode == 0, run.stderr
    try:
        deadline, health = time.monotonic() + 90, ""
        while time.monotonic() < deadline and health != "healthy":
            time.sleep(0.5)
            health = docker("inspect", "--format", "{{.State.Health.Status}}", name).stdout.strip()
        assert health == "healthy", docker("logs", name).stdout[-3000:]
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
        ready = httpx.get(f"{base}/readyz")
        assert (ready.status_code, ready.json()["status"]) == (200, "ready")
        assert docker("exec", name, "id", "-un").stdout.strip() == "photoshare"
        logs = docker("logs", name).stdout
        assert all(line.startswith("{") for line in logs.splitlines() if line.strip()), logs[-2000:]
    finally:
        docker("rm", "-f", name)
