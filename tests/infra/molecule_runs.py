"""The AWS roles' Molecule scenarios, a few at a time in the background from the start of the session.

Each scenario runs as before (`molecule test` under devtools.privatemoto, so
against a fresh private emulator of its own). Most of a scenario's time is
spent waiting (the AWS modules pause after creating things, as AWS needs),
so running them side by side, and beside the estate tests, saves wall time
without changing what any of them does.
"""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from infra_playbooks import ROOT

# Side by side on a 2-core machine; more only adds contention for the CPU.
WORKERS = 3
TIMEOUT_S = 900
VENV_BIN = Path(sys.executable).parent


def run_scenario(role: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        # Molecule runs ansible-playbook and ansible-config from the venv, also outside make.
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",
        "PYTHONPATH": str(ROOT),
        "ANSIBLE_DEPRECATION_WARNINGS": "false",
        "NO_COLOR": "1",
    }
    env.pop("PHOTOSHARE_MOTO_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "devtools.privatemoto", sys.executable, "-m", "molecule", "test"],
        cwd=ROOT / "roles" / role,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
    )


class ScenarioRuns:
    """Scenarios started once, in the order given; their results as they finish."""

    def __init__(self, workers: int = WORKERS) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="molecule")
        self._runs: dict[str, Future] = {}

    def start(self, roles: list[str]) -> None:
        for role in roles:
            if role not in self._runs:
                self._runs[role] = self._pool.submit(run_scenario, role)

    def result(self, role: str) -> subprocess.CompletedProcess:
        self.start([role])
        return self._runs[role].result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
