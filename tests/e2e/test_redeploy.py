"""site.yml again on the deployment `make up` made: the local cloud changes nothing."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
RECAP_LINE = re.compile(
    r"^(?P<host>\S+)\s+: ok=\d+\s+changed=(?P<changed>\d+)\s+unreachable=(?P<unreachable>\d+)\s+failed=(?P<failed>\d+)",
    re.M,
)


def test_a_second_site_run_changes_nothing(deployed):
    run = subprocess.run(
        [str(Path(sys.executable).with_name("ansible-playbook")), "-i", "inventories/local", "site.yml"],
        cwd=ROOT,
        env={**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    recap = {
        m["host"]: (int(m["changed"]), int(m["unreachable"]), int(m["failed"])) for m in RECAP_LINE.finditer(run.stdout)
    }
    assert recap == {"localhost": (0, 0, 0), "photoshare-web": (0, 0, 0)}, changed_tasks(run.stdout)


def changed_tasks(output: str) -> list[str]:
    """The TASK headers of the tasks that reported a change, for the failure message."""
    tasks, current = [], None
    for line in output.splitlines():
        if line.startswith("TASK ["):
            current = line.rstrip(" *")
        elif line.startswith("changed:") and current:
            tasks.append(current)
    return tasks
