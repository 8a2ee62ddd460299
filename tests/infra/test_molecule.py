"""Every AWS role's Molecule scenario passes: create, prepare, converge, idempotence, verify, destroy.

Each runs against a fresh private emulator (devtools.privatemoto), never the
shared one. The scenarios start in the background as soon as the session has
collected them (conftest.py, molecule_runs.py); each test waits for its own.
"""

from __future__ import annotations

import re

import pytest
from infra_playbooks import ROOT
from molecule_runs import TIMEOUT_S

pytestmark = pytest.mark.slow

SCENARIOS = sorted(path.parents[2].name for path in ROOT.glob("roles/*/molecule/default/molecule.yml"))
# The web host role's scenario needs the local cloud and Docker: tests/webhost runs it.
AWS_SCENARIOS = [role for role in SCENARIOS if role != "webhost"]


def test_every_aws_role_has_a_scenario():
    aws_roles = {
        path.parents[1].name
        for path in ROOT.glob("roles/*/tasks/*.yml")
        if "amazon.aws." in path.read_text()
        or "community.aws." in path.read_text()
        or "photoshare.aws." in path.read_text()
    }
    # The local cloud's own roles are tested by the suites that use them (app, e2e).
    assert aws_roles - {"localdatabase", "localcertificate", "localloadbalancer"} <= set(SCENARIOS)


# Waiting includes the scenarios queued before this one.
@pytest.mark.timeout(3 * TIMEOUT_S)
@pytest.mark.parametrize("role", AWS_SCENARIOS)
def test_molecule_scenario(role, molecule_scenarios):
    run = molecule_scenarios.result(role)
    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-6000:]
    steps = ["converge", "idempotence", "verify", "destroy"]
    if (ROOT / "roles" / role / "molecule/default/prepare.yml").exists():
        steps.insert(0, "prepare")
    for step in steps:
        assert f"{step}: Executed: Successful" in output, f"{role}: {step} did not run"
    # Every step, destroy included, called the scenario's own emulator and nothing else
    # (preflight reports the endpoint of each playbook run).
    (private,) = re.findall(r"==> private moto server on (https://\S+)", output)
    endpoints = re.findall(r"(Deploying|Tearing down) photoshare .* through (https://\S+)", output)
    assert ("Tearing down", private) in endpoints, output[-6000:]
    assert {url for _, url in endpoints} == {private}
