"""The app served by a real hypercorn: `python -m photoshare serve` in a subprocess on a free port."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_environment(settings, **extra: str) -> dict[str, str]:
    """PHOTOSHARE_* variables for the settings object the in-process tests use."""
    values = {
        "PHOTOSHARE_BUCKET": settings.bucket,
        "PHOTOSHARE_REGION": settings.region,
        "PHOTOSHARE_AWS_ENDPOINT_URL": settings.aws_endpoint_url,
        "PHOTOSHARE_DB_SECRET_ID": settings.db_secret_id,
        "PHOTOSHARE_WEBHOOK_SECRET_ID": settings.webhook_secret_id,
        "PHOTOSHARE_DB_CA_BUNDLE": settings.db_ca_bundle,
        "PHOTOSHARE_MAX_UPLOAD_BYTES": str(settings.max_upload_bytes),
        **extra,
    }
    return {name: value for name, value in values.items() if value is not None}


class AppServer:
    def __init__(self, environment: dict[str, str], log_path: Path, workers: int = 1) -> None:
        self.port = free_port()
        self.log_path = log_path
        env = {
            **os.environ,
            **environment,
            "PYTHONPATH": str(ROOT / "app"),
            "PHOTOSHARE_BIND": f"127.0.0.1:{self.port}",
            "PHOTOSHARE_WORKERS": str(workers),
        }
        self._log = log_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "photoshare", "serve"], env=env, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT
        )
        self._wait_until_healthy()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _wait_until_healthy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app exited with {self.process.returncode}:\n{self.log_path.read_text()}")
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the app did not answer /healthz within {START_TIMEOUT} s:\n{self.log_path.read_text()}")

    def worker(self) -> psutil.Process:
        """The one worker process (hypercorn forks workers from its main process)."""
        children = psutil.Process(self.process.pid).children()
        (worker,) = [child for child in children if "spawn_main" in " ".join(child.cmdline())]
        return worker

    def log_events(self) -> list[dict]:
        events = []
        for line in self.log_path.read_text().splitlines():
            if line.startswith("{"):
                events.append(json.loads(line))
        return events

    def wait_for_event(self, name: str, timeout: float = 30, **fields: object) -> dict:
        """The first log event called name with these field values, once the app has written it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for event in self.log_events():
                if event.get("event") == name and all(event.get(k) == v for k, v in fields.items()):
                    return event
            time.sleep(0.1)
        raise AssertionError(f"the app logged no {name!r} within {timeout} s:\n{self.log_path.read_text()[-3000:]}")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()
        return self.process.returncode


def http_visitor(server: AppServer, username: str) -> httpx.Client:
    """An httpx client registered and logged in as username, with the CSRF header set."""
    client = httpx.Client(base_url=server.url, timeout=60)
    client.get("/api/v1/session").raise_for_status()
    token = client.get("/api/v1/session").json()["csrf_token"]
    reply = client.post(
        "/api/v1/accounts",
        json={"username": username, "password": "correct horse battery"},
        headers={"X-CSRF-Token": token},
    )
    reply.raise_for_status()
    client.headers["X-CSRF-Token"] = reply.json()["csrf_token"]
    return client
