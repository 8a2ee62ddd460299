"""The web host role's Molecule scenario passes against the local cloud and the real app:
create, check mode on a fresh host, converge, idempotence, check mode again, a changed
release drained and registered again, verify (/readyz on 127.0.0.1), cleanup, destroy."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from devtools import localcloud as lc
from devtools import webhost

pytestmark = pytest.mark.slow

ROLE_DIR = lc.ROOT / "roles/webhost"
ARTIFACTS = lc.ROOT / "tests/artifacts/webhost"
VENV_BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def instance_image(localcloud):
    """Molecule's instances run the stand-in host's image (pre_build_image)."""
    webhost.build_image()
    return webhost.IMAGE


# A cold build of the app image (pip in the image) plus about a dozen playbooks.
@pytest.mark.timeout(1800)
def test_the_molecule_scenario_passes(instance_image):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = ARTIFACTS / "molecule-test.log"
    env = {
        **os.environ,
        # Molecule runs ansible-playbook from the venv too.
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ['PATH']}",
        "ANSIBLE_CONFIG": str(lc.ROOT / "ansible.cfg"),
        "ANSIBLE_FORCE_COLOR": "0",
        "PY_COLORS": "0",
        "NO_COLOR": "1",
    }
    with log.open("w") as out:
        run = subprocess.run(
            [str(VENV_BIN / "molecule"), "test"],
            cwd=ROLE_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            check=False,
        )
    output = log.read_text()
    assert run.returncode == 0, f"molecule test failed (full log: {log}):\n{output[-6000:]}"
    for action in ("create", "check", "converge", "idempotence", "side_effect", "verify", "cleanup", "destroy"):
        assert f"{action}: Executed: Successful" in output, f"{action} did not run (full log: {log})"
