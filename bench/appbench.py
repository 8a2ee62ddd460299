"""What the app benchmarks share: a database, a bucket and secrets of their own on the local
cloud, the app served by hypercorn in a subprocess, and wrk.

Everything made here has a random name and is removed at the end.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import boto3
import httpx
import pymysql

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "app")]

from devtools import localcloud  # noqa: E402
from photoshare.database import DatabaseCredentials  # noqa: E402
from photoshare.migrate import apply_migrations  # noqa: E402
from photoshare.settings import Secret  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PASSWORD = "correct horse battery"  # noqa: S105 - the benchmark user of a throwaway database


@dataclass
class Cloud:
    database: str
    admin: dict
    bucket: str
    db_secret_id: str
    webhook_secret_id: str
    environment: dict[str, str]

    def connect(self) -> pymysql.connections.Connection:
        return localcloud.load().admin_connect(database=self.database, autocommit=True)


@contextmanager
def bench_cloud():
    """A migrated database, a bucket and the app's secrets, all removed afterwards."""
    cloud = localcloud.load()
    aws = cloud.aws_environment()
    os.environ.update(aws)
    admin = cloud.admin_credentials()
    suffix = secrets.token_hex(4)
    name, bucket = f"psbench_{suffix}", f"psbench-{suffix}"
    server = cloud.admin_connect()
    server.cursor().execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
    s3, secrets_client = boto3.client("s3"), boto3.client("secretsmanager")
    s3.create_bucket(Bucket=bucket)
    db_secret, webhook_secret = f"{bucket}/db/credentials", f"{bucket}/webhook/signing-key"
    secret_value = {**admin, "dbname": name, "engine": "mysql"}
    secrets_client.create_secret(Name=db_secret, SecretString=json.dumps(secret_value))
    secrets_client.create_secret(Name=webhook_secret, SecretString=secrets.token_urlsafe(32))
    try:
        apply_migrations(
            DatabaseCredentials(admin["username"], Secret(admin["password"]), admin["host"], admin["port"], name),
            str(cloud.ca.ca_file),
        )
        yield Cloud(
            name,
            admin,
            bucket,
            db_secret,
            webhook_secret,
            {
                **aws,
                "PHOTOSHARE_BUCKET": bucket,
                "PHOTOSHARE_REGION": aws["AWS_REGION"],
                "PHOTOSHARE_AWS_ENDPOINT_URL": aws["AWS_ENDPOINT_URL"],
                "PHOTOSHARE_DB_SECRET_ID": db_secret,
                "PHOTOSHARE_WEBHOOK_SECRET_ID": webhook_secret,
                "PHOTOSHARE_DB_CA_BUNDLE": str(cloud.ca.ca_file),
            },
        )
    finally:
        server.cursor().execute(f"DROP DATABASE IF EXISTS `{name}`")
        server.close()
        for secret_id in (db_secret, webhook_secret):
            secrets_client.delete_secret(SecretId=secret_id, ForceDeleteWithoutRecovery=True)
        for upload in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", []):
            s3.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
            for item in page.get("Contents", []):
                s3.delete_object(Bucket=bucket, Key=item["Key"])
        s3.delete_bucket(Bucket=bucket)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(cloud: Cloud, *, workers: int, **settings: str):
    """`python -m photoshare serve` on a free port; yields (base URL, main process)."""
    port = free_port()
    env = {
        **os.environ,
        **cloud.environment,
        **settings,
        "PYTHONPATH": str(ROOT / "app"),
        "PHOTOSHARE_BIND": f"127.0.0.1:{port}",
        "PHOTOSHARE_WORKERS": str(workers),
    }
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "photoshare", "serve"], env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError(f"the app did not become ready:\n{log.read().decode()[-3000:]}")
                time.sleep(0.2)
            yield url, process
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(30)


def logged_in(url: str, username: str, *, register: bool = True) -> httpx.Client:
    """A client with a session of username: a new account, or (register=False) the existing one."""
    client = httpx.Client(base_url=url, timeout=120)
    token = client.get("/api/v1/session").json()["csrf_token"]
    path = "/api/v1/accounts" if register else "/api/v1/session"
    reply = client.post(path, json={"username": username, "password": PASSWORD}, headers={"X-CSRF-Token": token})
    reply.raise_for_status()
    client.headers["X-CSRF-Token"] = reply.json()["csrf_token"]
    return client


LATENCY_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(url: str, *, connections: int, seconds: int, threads: int = 2, headers: dict[str, str] | None = None) -> dict:
    """Requests per second and latency percentiles (ms) from one wrk run."""
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for name, value in (headers or {}).items():
        args += ["-H", f"{name}: {value}"]
    output = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    rate = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if rate is None:
        raise RuntimeError(f"wrk gave no figures for {url}:\n{output}")
    figures = {
        "requests_per_second": float(rate.group(1)),
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
    }
    for percentile in ("50", "75", "90", "99"):
        found = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if found is None:
            raise RuntimeError(f"wrk printed no {percentile}th percentile for {url}:\n{output}")
        figures[f"p{percentile}_ms"] = float(found.group(1)) * LATENCY_UNITS[found.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["non_2xx"] = int(errors.group(1)) if errors else 0
    return figures


def write_result(name: str, data: dict) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(data, indent=2) + "\n")
    return path
