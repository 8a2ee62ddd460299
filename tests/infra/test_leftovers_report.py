"""The leftovers report (photoshare.aws.project_resources_info) reads every page of every listing,
so a busy account cannot make a dirty teardown look clean."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REGION
from infra_playbooks import ROOT

from devtools import localcloud
from devtools.privatemoto import PrivateMoto

ANSIBLE = Path(sys.executable).with_name("ansible")
# IAM lists 100 roles a page by default.
ROLES = 105
EC2_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)


def report(moto: PrivateMoto, prefix: str) -> dict:
    cloud = localcloud.load()
    arguments = {
        "prefix": prefix,
        "bucket_names": [],
        "endpoint_url": moto.endpoint_url,
        "aws_ca_bundle": moto.ca_bundle,
        "access_key": cloud.access_key_id,
        "secret_key": cloud.secret_access_key,
        "region": REGION,
    }
    run = subprocess.run(
        [str(ANSIBLE), "localhost", "-m", "photoshare.aws.project_resources_info", "-a", json.dumps(arguments)],
        cwd=ROOT,
        env={
            **os.environ,
            "ANSIBLE_CONFIG": str(ROOT / "ansible.cfg"),
            "ANSIBLE_LOAD_CALLBACK_PLUGINS": "1",
            "ANSIBLE_STDOUT_CALLBACK": "ansible.builtin.json",
        },
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    (result,) = [
        host for play in json.loads(run.stdout)["plays"] for task in play["tasks"] for host in task["hosts"].values()
    ]
    return result["resources"]


@pytest.mark.slow
def test_roles_on_a_second_page_are_reported():
    with PrivateMoto() as moto:
        iam = moto.client("iam", REGION)
        for number in range(ROLES):
            iam.create_role(RoleName=f"busy-{number:03d}", AssumeRolePolicyDocument=EC2_TRUST)
        assert iam.list_roles()["IsTruncated"]
        assert len(report(moto, "busy")["iam role"]) == ROLES
