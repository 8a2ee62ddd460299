"""The whole system on one machine: `make up`, then a real browser against http://127.0.0.1:8080.

The session runs `make up` exactly as a newcomer does (the local cloud, the
Lambda package, site.yml on the local inventory with the web host stand-in),
so the suite also proves that a second `make up` on a running local cloud
works. Screenshots of every step go to tests/artifacts/e2e/.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page

from devtools import localcloud as localcloud_module

ROOT = Path(__file__).resolve().parents[2]
APP_URL = localcloud_module.load().app_url
ARTIFACTS = ROOT / "tests" / "artifacts" / "e2e"
MAKE_UP_TIMEOUT_SECONDS = 1500


@pytest.fixture(scope="session")
def deployed() -> str:
    """`make up` from wherever the local cloud stands; the app's URL once it is ready."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("MAKE")}
    run = subprocess.run(
        ["make", "up"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=MAKE_UP_TIMEOUT_SECONDS
    )
    assert run.returncode == 0, (run.stdout + run.stderr)[-8000:]
    assert f"PhotoShare is up: {APP_URL}" in run.stdout
    assert httpx.get(f"{APP_URL}/readyz", timeout=10).json()["status"] == "ready"
    return APP_URL


class Shots:
    """Numbered screenshots of one test's steps, in a folder of their own."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0
        folder.mkdir(parents=True, exist_ok=True)

    def take(self, page: Page, step: str) -> None:
        self.count += 1
        page.screenshot(path=self.folder / f"{self.count:02d}-{step}.png", full_page=True)


@pytest.fixture
def shots(request) -> Shots:
    return Shots(ARTIFACTS / time.strftime("%Y%m%d-%H%M%S") / request.node.name)
