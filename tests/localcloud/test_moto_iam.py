"""The emulator's IAM refuses to delete what is still in use, as IAM does (DeleteConflict), so a
teardown that forgets a step fails here as it would on AWS. A private emulator only."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from botocore.exceptions import ClientError

from devtools.privatemoto import PrivateMoto

POLICY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}]}
)
EC2_TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
    }
)


@pytest.fixture(scope="module", autouse=True)
def aws_environment() -> dict[str, str]:
    """Overrides the suites' session fixture: only the private server is reached."""
    return {}


@pytest.fixture(scope="module")
def iam() -> Iterator:
    with PrivateMoto() as moto:
        yield moto.client("iam")


def conflict(call) -> str:
    with pytest.raises(ClientError) as refused:
        call()
    assert refused.value.response["Error"]["Code"] == "DeleteConflict"
    return refused.value.response["Error"]["Message"]


def test_a_group_with_an_inline_policy_is_not_deleted(iam):
    iam.create_group(GroupName="inline")
    iam.put_group_policy(GroupName="inline", PolicyName="read", PolicyDocument=POLICY)
    assert "policies" in conflict(lambda: iam.delete_group(GroupName="inline"))
    iam.delete_group_policy(GroupName="inline", PolicyName="read")
    iam.delete_group(GroupName="inline")


def test_a_group_with_a_member_or_a_managed_policy_is_not_deleted(iam):
    iam.create_group(GroupName="busy")
    iam.create_user(UserName="member")
    iam.add_user_to_group(GroupName="busy", UserName="member")
    assert "users" in conflict(lambda: iam.delete_group(GroupName="busy"))
    iam.remove_user_from_group(GroupName="busy", UserName="member")
    arn = iam.create_policy(PolicyName="managed", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.attach_group_policy(GroupName="busy", PolicyArn=arn)
    assert "detach" in conflict(lambda: iam.delete_group(GroupName="busy"))
    iam.detach_group_policy(GroupName="busy", PolicyArn=arn)
    iam.delete_group(GroupName="busy")
    assert "busy" not in [group["GroupName"] for group in iam.list_groups()["Groups"]]


def test_a_role_in_use_is_not_deleted(iam):
    iam.create_role(RoleName="host", AssumeRolePolicyDocument=EC2_TRUST)
    iam.put_role_policy(RoleName="host", PolicyName="read", PolicyDocument=POLICY)
    iam.create_instance_profile(InstanceProfileName="host")
    iam.add_role_to_instance_profile(InstanceProfileName="host", RoleName="host")
    conflict(lambda: iam.delete_instance_profile(InstanceProfileName="host"))
    conflict(lambda: iam.delete_role(RoleName="host"))
    iam.remove_role_from_instance_profile(InstanceProfileName="host", RoleName="host")
    iam.delete_instance_profile(InstanceProfileName="host")
    assert "policies" in conflict(lambda: iam.delete_role(RoleName="host"))
    iam.delete_role_policy(RoleName="host", PolicyName="read")
    iam.delete_role(RoleName="host")
