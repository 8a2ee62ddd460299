"""Fixtures of the infra suite: a private emulator, the built estate and its three runs.

site.yml runs against a PRIVATE moto server (never the shared one other
suites use), with a database and user of its own on the local MariaDB, named
uniquely and dropped at the end. The estate is built once per session: a
first run, a second run and a check-mode run; the property tests read the
account back with boto3 afterwards, and test_teardown.py removes it last.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from infra_playbooks import ROOT, PlaybookRun, run_playbook
from molecule_runs import ScenarioRuns

from devtools.privatemoto import PrivateMoto

PREFIX = "photoshare"
ACCOUNT_ID = "123456789012"
REGION = "us-east-1"


@dataclass(frozen=True)
class Deployment:
    """What the suite's site.yml runs are given: their own database, user and Lambda zip."""

    db_name: str
    db_username: str
    lambda_zip: Path

    @property
    def extra_vars(self) -> dict:
        return {
            "photoshare_db_name": self.db_name,
            "photoshare_db_username": self.db_username,
            "photoshare_lambda_zip": str(self.lambda_zip),
            # The shared local cloud's load balancer stand-in serves make up's estate; the e2e suite tests it.
            "photoshare_local_load_balancer_enabled": False,
        }


@dataclass(frozen=True)
class BuiltEstate:
    endpoint_url: str
    deployment: Deployment
    first: PlaybookRun
    second: PlaybookRun
    check: PlaybookRun


@pytest.fixture(scope="session")
def lambda_package(tmp_path_factory) -> Path:
    output = tmp_path_factory.mktemp("package") / "photoshare-processor.zip"
    build = subprocess.run(
        [sys.executable, "lambda/build.py", "zip", "--output", str(output)], cwd=ROOT, capture_output=True, text=True
    )
    assert build.returncode == 0, build.stderr
    return output


@pytest.fixture(scope="session")
def deployment(localcloud, lambda_package) -> Iterator[Deployment]:
    name = f"psinfra_{secrets.token_hex(4)}"
    yield Deployment(db_name=name, db_username=name, lambda_zip=lambda_package)
    # Teardown drops both; this catches a run that failed before it.
    with localcloud.admin_connect() as conn:
        cur = conn.cursor()
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cur.execute(f"DROP USER IF EXISTS '{name}'@'%'")


@pytest.fixture(scope="session")
def emulator() -> Iterator[PrivateMoto]:
    with PrivateMoto() as moto:
        yield moto


@pytest.fixture(scope="session")
def aws(emulator) -> Callable:
    """boto3 clients of the private emulator."""
    return lambda service: emulator.client(service, REGION)


@pytest.fixture(scope="session")
def built(emulator, deployment) -> BuiltEstate:
    def site(check: bool = False) -> PlaybookRun:
        return run_playbook("site.yml", emulator.endpoint_url, deployment.extra_vars, check=check)

    first = site()
    assert first.returncode == 0, first.explain()
    return BuiltEstate(emulator.endpoint_url, deployment, first, site(), site(check=True))


_SCENARIO_RUNS = ScenarioRuns()
# The estate's three site.yml runs take about 3.5 minutes alone, and share the
# two cores with the Molecule scenarios: the first test to need them gets longer
# than the suite's default timeout.
BUILT_ESTATE_TIMEOUT_S = 1800


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if "built" in item.fixturenames:
            item.add_marker(pytest.mark.timeout(BUILT_ESTATE_TIMEOUT_S))


def pytest_collection_finish(session) -> None:
    """Start the selected Molecule scenarios now, so they run beside the estate tests."""
    roles = [
        item.callspec.params["role"]
        for item in session.items
        if getattr(item, "originalname", "") == "test_molecule_scenario"
    ]
    _SCENARIO_RUNS.start(roles)


def pytest_sessionfinish(session, exitstatus) -> None:
    _SCENARIO_RUNS.close()


@pytest.fixture(scope="session")
def molecule_scenarios() -> ScenarioRuns:
    return _SCENARIO_RUNS
