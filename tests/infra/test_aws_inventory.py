"""inventories/aws against private emulators: the aws_ec2 inventory, the SSM connection, preflight's check.

The aws_ec2 plugin reads the unchanged inventory file; its boto3 client finds
the private emulator through AWS_ENDPOINT_URL. Nothing here reaches AWS: no
SSM agent or session runs, so the connection itself is unproven (see
README.md, Deploy to AWS). AWS's session-manager-plugin cannot be downloaded
on this machine; where preflight must find one, a stand-in script on the PATH
answers `--version`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ACCOUNT_ID, PREFIX, REGION
from infra_playbooks import ROOT, run_playbook

from devtools.privatemoto import PrivateMoto

pytestmark = pytest.mark.slow

VENV_BIN = Path(sys.executable).parent
INVENTORY = "inventories/aws"
DEPLOY_BUCKET = f"{PREFIX}-deploy-{ACCOUNT_ID}"


def emulator_environment(moto: PrivateMoto, path: str | None = None) -> dict[str, str]:
    """What the aws inventory's plugin and the playbooks need to reach only this emulator."""
    env = {
        "AWS_ENDPOINT_URL": moto.endpoint_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    if path is not None:
        env["PATH"] = path
    return env


def ansible(tool: str, *args: str, moto: PrivateMoto) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
        # Ad-hoc commands report in JSON too.
        "ANSIBLE_LOAD_CALLBACK_PLUGINS": "true",
        "ANSIBLE_STDOUT_CALLBACK": "ansible.posix.json",
        **emulator_environment(moto),
    }
    return subprocess.run(
        [str(VENV_BIN / tool), "-i", INVENTORY, "--playbook-dir", str(ROOT), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def tagged_instances() -> Iterator[tuple[PrivateMoto, dict[str, str]]]:
    """A private emulator with instances tagged as site.yml tags them, and some it must leave out."""
    with PrivateMoto() as moto:
        ec2 = moto.client("ec2", REGION)
        image = ec2.describe_images(Owners=["136693071363"])["Images"][0]["ImageId"]

        def launch(tags: dict[str, str]) -> str:
            reservation = ec2.run_instances(
                ImageId=image,
                MinCount=1,
                MaxCount=1,
                TagSpecifications=[
                    {"ResourceType": "instance", "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}
                ],
            )
            return reservation["Instances"][0]["InstanceId"]

        instances = {
            "web": launch({"Project": PREFIX, "Role": "web", "Name": f"{PREFIX}-web"}),
            "other role": launch({"Project": PREFIX, "Role": "worker"}),
            "other project": launch({"Project": "someone-else", "Role": "web"}),
            "stopped": launch({"Project": PREFIX, "Role": "web"}),
        }
        ec2.stop_instances(InstanceIds=[instances["stopped"]])
        yield moto, instances


def test_the_web_group_holds_the_running_web_hosts_of_the_project(tagged_instances):
    moto, instances = tagged_instances
    listed = ansible("ansible-inventory", "--list", moto=moto)
    assert listed.returncode == 0, listed.stderr
    inventory = json.loads(listed.stdout, object_hook=untagged)
    assert inventory["web"]["hosts"] == [instances["web"]]
    assert set(inventory["aws"]["hosts"]) == {instances["web"], instances["other role"]}
    assert inventory["aws"]["children"] == ["aws_control"]
    hostvars = inventory["_meta"]["hostvars"][instances["web"]]
    assert hostvars["ansible_host"] == instances["web"]
    assert hostvars["owner_id"] == ACCOUNT_ID


def untagged(obj: dict):
    """A value ansible-inventory marks as templated ({"__ansible_unsafe": value}) as the value itself."""
    return obj["__ansible_unsafe"] if obj.keys() == {"__ansible_unsafe"} else obj


def test_web_hosts_connect_through_ssm_with_the_deploy_bucket(tagged_instances):
    moto, instances = tagged_instances
    # debug runs on the control node: this templates the host's settings without connecting.
    shown = ansible(
        "ansible",
        "web",
        "-m",
        "ansible.builtin.debug",
        "-a",
        "msg={{ [ansible_connection, ansible_aws_ssm_region, ansible_aws_ssm_bucket_name,"
        " ansible_become, ansible_python_interpreter] | to_json }}",
        moto=moto,
    )
    assert shown.returncode == 0, shown.stdout + shown.stderr
    (task,) = json.loads(shown.stdout[shown.stdout.index("{") :])["plays"][0]["tasks"]
    assert list(task["hosts"]) == [instances["web"]]
    settings = json.loads(task["hosts"][instances["web"]]["msg"])
    assert settings == ["amazon.aws.aws_ssm", REGION, DEPLOY_BUCKET, True, "/usr/bin/python3"]


def test_the_local_inventory_is_unchanged_by_it():
    listed = subprocess.run(
        [str(VENV_BIN / "ansible-inventory"), "-i", "inventories/local", "--list"],
        cwd=ROOT,
        env={**os.environ, "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg")},
        capture_output=True,
        text=True,
        check=True,
    )
    inventory = json.loads(listed.stdout, object_hook=untagged)
    assert inventory["web"]["hosts"] == ["photoshare-web"]
    assert inventory["_meta"]["hostvars"]["photoshare-web"]["ansible_connection"] == "community.docker.docker"


@pytest.fixture
def path_without_the_plugin() -> str:
    """The venv and the system's directories, and none where a Session Manager plugin may be installed."""
    return os.pathsep.join([str(VENV_BIN), "/usr/sbin", "/usr/bin", "/sbin", "/bin"])


@pytest.fixture
def path_with_a_stand_in_plugin(tmp_path, path_without_the_plugin) -> str:
    plugin = tmp_path / "session-manager-plugin"
    plugin.write_text("#!/bin/sh\necho 1.2.707.0\n")
    plugin.chmod(0o755)
    return os.pathsep.join([str(tmp_path), path_without_the_plugin])


def run_on_aws_inventory(playbook: str, moto: PrivateMoto, path: str, extra_vars: dict | None = None, **kwargs):
    """A playbook on the unchanged aws inventory, against this emulator only, with this PATH."""
    return run_playbook(
        playbook,
        moto.endpoint_url,
        {"photoshare_aws_access_key": "testing", "photoshare_aws_secret_key": "testing", **(extra_vars or {})},
        inventory=INVENTORY,
        environment=emulator_environment(moto, path),
        **kwargs,
    )


def test_preflight_stops_an_aws_run_early_without_the_session_manager_plugin(path_without_the_plugin):
    with PrivateMoto() as moto:
        run = run_on_aws_inventory("site.yml", moto, path_without_the_plugin)
        assert run.returncode != 0
        assert "session-manager-plugin is not on the PATH" in run.output
        assert "README.md, Deploy to AWS" in run.output
        # Before anything else: no AWS call was made, nothing was built.
        assert [t.task for t in run.tasks if t.failed] == [
            "preflight : Fail when the Session Manager plugin is missing"
        ]
        assert not any(t.task.endswith("Look up the caller identity") for t in run.tasks)


def test_preflight_stops_a_certificate_without_the_host_name_it_covers(path_with_a_stand_in_plugin):
    """The ALB's own name is never on the certificate: the webhook would fail TLS verification."""
    certificate = {"photoshare_certificate_arn": f"arn:aws:acm:{REGION}:123456789012:certificate/0a1b2c3d"}
    with PrivateMoto() as moto:
        run = run_on_aws_inventory("site.yml", moto, path_with_a_stand_in_plugin, certificate)
        assert run.returncode != 0
        assert "Set photoshare_public_hostname" in run.output
        assert [t.task for t in run.tasks if t.failed] == [
            "preflight : Fail when a certificate has no host name for the webhook"
        ]
        assert not any(t.task.endswith("Look up the caller identity") for t in run.tasks)


def test_the_first_run_reaches_the_web_host_it_launches(path_with_a_stand_in_plugin):
    with PrivateMoto() as moto:
        run = run_on_aws_inventory(
            "tests/infra/playbooks/web_hosts_after_compute.yml", moto, path_with_a_stand_in_plugin, limit=None
        )
        assert run.returncode == 0, run.explain()
        ec2 = moto.client("ec2", REGION)
        (launched,) = [
            i["InstanceId"]
            for r in ec2.describe_instances(Filters=[{"Name": "tag:Role", "Values": ["web"]}])["Reservations"]
            for i in r["Instances"]
        ]
        assert any(t.task.endswith("create | Launch the web host") and t.changed for t in run.tasks)
        reports = [t for t in run.tasks if t.task == "Report the web host and how it is reached"]
        assert [(t.host, t.msg) for t in reports] == [(launched, f"{launched} amazon.aws.aws_ssm {DEPLOY_BUCKET}")]
