"""Every AWS role's Molecule scenario passes: create, prepare, converge, idempotence, verify, destroy.

Each runs against a fresh private emulator (devtools.privatemoto), never the
shared one.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from infra_playbooks import ROOT

pytestmark = pytest.mark.slow

AWS_COLLECTIONS = ("amazon.aws", "community.aws", "photoshare.aws")
SCENARIOS = sorted(path.parents[2].name for path in ROOT.glob("roles/*/molecule/default/molecule.yml"))


def test_every_aws_role_has_a_scenario():
    aws_roles = {
        path.parents[1].name
        for path in ROOT.glob("roles/*/tasks/*.yml")
        if "amazon.aws." in path.read_text()
        or "community.aws." in path.read_text()
        or "photoshare.aws." in path.read_text()
    }
    assert aws_roles - {"localdatabase"} <= set(SCENARIOS)


@pytest.mark.parametrize("role", SCENARIOS)
def test_molecule_scenario(role):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "ANSIBLE_DEPRECATION_WARNINGS": "false", "NO_COLOR": "1"}
    env.pop("PHOTOSHARE_MOTO_URL", None)
    run = subprocess.run(
        [sys.executable, "-m", "devtools.privatemoto", sys.executable, "-m", "molecule", "test"],
        cwd=ROOT / "roles" / role,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, (run.stdout + run.stderr)[-6000:]
