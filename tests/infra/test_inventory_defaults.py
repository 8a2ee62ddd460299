"""The project defaults: one copy, loaded by every inventory, and overridden by it.

Ansible ranks group_vars beside a playbook (and, for `ansible` and
`ansible-inventory`, beside the directory they run from) above an inventory's
group_vars/all. The defaults therefore live in inventories/photoshare-defaults.yml,
which each inventory links as group_vars/all/00-photoshare-defaults.yml, and
no group_vars/ sits beside a playbook. Nothing here calls AWS or an emulator:
`ansible` runs only the debug action, on the control node.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from infra_playbooks import ROOT

VENV_BIN = Path(sys.executable).parent
DEFAULTS = ROOT / "inventories" / "photoshare-defaults.yml"
INVENTORIES = ["local", "aws"]
# Where playbooks run from: the project root (site.yml, teardown.yml), the tier
# playbooks, the infra suite's playbooks and every Molecule scenario.
PLAYBOOK_DIRS = [
    ROOT,
    ROOT / "playbooks",
    ROOT / "tests" / "infra" / "playbooks",
    *sorted(path.parent for path in ROOT.glob("roles/*/molecule/default/molecule.yml")),
]


def settings(inventory: Path | str, playbook_dir: Path, *names: str) -> dict:
    """The templated values of these variables on localhost, as a play in playbook_dir sees them.

    debug's var shows a value as module arguments get it, omitted keys left out.
    """
    expression = "{" + ", ".join(f"'{name}': {name}" for name in names) + "}"
    shown = subprocess.run(
        [
            str(VENV_BIN / "ansible"),
            "localhost",
            "-i",
            str(inventory),
            "--playbook-dir",
            str(playbook_dir),
            "-m",
            "ansible.builtin.debug",
            "-a",
            json.dumps({"var": expression}),
        ],
        # ansible reads group_vars beside the directory it runs from as well.
        cwd=ROOT,
        env={
            **os.environ,
            "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
            "ANSIBLE_LOAD_CALLBACK_PLUGINS": "true",
            "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.json",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert shown.returncode == 0, shown.stdout + shown.stderr
    (task,) = json.loads(shown.stdout[shown.stdout.index("{") :])["plays"][0]["tasks"]
    return task["hosts"]["localhost"][expression]


@pytest.fixture
def overriding_inventory(tmp_path) -> Path:
    """An inventory laid out as the project's are, whose group_vars/all overrides two defaults."""
    all_vars = tmp_path / "group_vars" / "all"
    all_vars.mkdir(parents=True)
    (all_vars / "00-photoshare-defaults.yml").symlink_to(DEFAULTS)
    (all_vars / "site.yml").write_text("photoshare_prefix: fromtheinventory\nphotoshare_db_multi_az: true\n")
    (tmp_path / "hosts.yml").write_text(
        "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n"
        "      ansible_python_interpreter: '{{ ansible_playbook_python }}'\n"
    )
    return tmp_path


@pytest.mark.parametrize("playbook_dir", PLAYBOOK_DIRS, ids=lambda path: str(path.relative_to(ROOT)) or ".")
def test_an_inventorys_group_vars_all_overrides_the_defaults(overriding_inventory, playbook_dir):
    shown = settings(
        overriding_inventory, playbook_dir, "photoshare_prefix", "photoshare_db_multi_az", "photoshare_tags"
    )
    assert shown["photoshare_prefix"] == "fromtheinventory"
    assert shown["photoshare_db_multi_az"] is True
    # Settings derived in the defaults follow the inventory's value.
    assert shown["photoshare_tags"] == {"Project": "fromtheinventory", "ManagedBy": "ansible"}


@pytest.mark.parametrize("inventory", INVENTORIES)
def test_every_inventory_loads_the_one_copy_of_the_defaults_first(inventory):
    all_vars = ROOT / "inventories" / inventory / "group_vars" / "all"
    link = all_vars / "00-photoshare-defaults.yml"
    assert link.is_symlink()
    assert link.resolve() == DEFAULTS
    # Ansible loads a group's files in name order, the later overriding.
    assert sorted(path.name for path in all_vars.iterdir())[0] == link.name


def test_no_group_vars_outrank_the_inventories():
    """A group_vars/ anywhere but in an inventory would sit beside a playbook or the project root."""
    files = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    misplaced = [
        name
        for name in files
        if (ROOT / name).exists()
        and "group_vars" in Path(name).parts[:-1]
        and not (name.startswith("inventories/") and Path(name).parts[2] == "group_vars")
    ]
    assert misplaced == []
    assert not (ROOT / "group_vars").exists()
    assert not any((directory / "group_vars").exists() for directory in PLAYBOOK_DIRS if directory != ROOT)


def test_each_inventory_overrides_in_its_own_group():
    local = settings(
        ROOT / "inventories" / "local", ROOT / "playbooks", "photoshare_prefix", "photoshare_local_database_enabled"
    )
    assert local == {"photoshare_prefix": "photoshare", "photoshare_local_database_enabled": True}
    # hosts.yml alone: the inventory's group_vars, without its aws_ec2 source (which would call AWS).
    aws = settings(
        ROOT / "inventories" / "aws" / "hosts.yml", ROOT / "playbooks", "photoshare_prefix", "photoshare_web_ssm"
    )
    assert aws == {"photoshare_prefix": "photoshare", "photoshare_web_ssm": True}


def test_the_aws_connection_omits_what_is_unset():
    """On AWS only the region is set: the modules find the credentials and endpoint themselves."""
    aws = settings(ROOT / "inventories" / "aws" / "hosts.yml", ROOT / "playbooks", "photoshare_aws_connection")
    assert aws["photoshare_aws_connection"] == {"region": "us-east-1"}
    local = settings(ROOT / "inventories" / "local", ROOT / "playbooks", "photoshare_aws_connection")
    connection = local["photoshare_aws_connection"]
    assert set(connection) == {"region", "endpoint_url", "aws_ca_bundle", "access_key", "secret_key"}
    assert connection["endpoint_url"].startswith("https://127.0.0.1:")
