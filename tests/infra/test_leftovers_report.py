"""The leftovers report (photoshare.aws.project_resources_info) reads every page of every listing,
so a busy account cannot make a dirty teardown look clean."""

from __future__ import annotations

import json

import pytest
from conftest import REGION
from infra_playbooks import run_module

from devtools.privatemoto import PrivateMoto

# IAM lists 100 roles a page by default.
ROLES = 105
EC2_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)


def report(moto: PrivateMoto, prefix: str) -> dict:
    result = run_module(
        "photoshare.aws.project_resources_info",
        {"prefix": prefix, "bucket_names": []},
        moto.endpoint_url,
        moto.ca_bundle,
    )
    assert not result.get("failed"), result.get("msg")
    return result["resources"]


@pytest.mark.slow
def test_roles_on_a_second_page_are_reported():
    with PrivateMoto() as moto:
        iam = moto.client("iam", REGION)
        for number in range(ROLES):
            iam.create_role(RoleName=f"busy-{number:03d}", AssumeRolePolicyDocument=EC2_TRUST)
        assert iam.list_roles()["IsTruncated"]
        assert len(report(moto, "busy")["iam role"]) == ROLES
