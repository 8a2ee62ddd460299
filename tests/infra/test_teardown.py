"""teardown.yml refuses without confirmation, then leaves zero project resources.

Runs after the other modules of the suite (it removes the estate they read).
The leftovers are listed here independently of the project's own
project_resources_info module: by the Project tag through the tagging API,
and by name for every resource type the roles create.
"""

from __future__ import annotations

import pytest
from conftest import ACCOUNT_ID, PREFIX
from infra_playbooks import run_playbook

pytestmark = pytest.mark.slow

PENDING_KEY_STATES = {"PendingDeletion", "PendingReplicaDeletion"}


def tagged_leftovers(aws) -> list[str]:
    """ARNs tagged Project=<prefix> of resources that still exist."""
    mappings = aws("resourcegroupstaggingapi").get_resources(TagFilters=[{"Key": "Project", "Values": [PREFIX]}])
    left = []
    for mapping in mappings["ResourceTagMappingList"]:
        arn = mapping["ResourceARN"]
        service, resource = arn.split(":")[2], arn.split(":", 5)[5]
        if service == "ec2" and resource.startswith("instance/"):
            (reservation,) = aws("ec2").describe_instances(InstanceIds=[resource.split("/")[1]])["Reservations"]
            if reservation["Instances"][0]["State"]["Name"] in ("terminated", "shutting-down"):
                continue
        if service == "kms" and aws("kms").describe_key(KeyId=arn)["KeyMetadata"]["KeyState"] in PENDING_KEY_STATES:
            continue
        if service == "rds" and resource.startswith("snapshot:rds:"):
            continue  # automated backups go with their instance
        left.append(arn)
    return left


def named_leftovers(aws) -> dict[str, list[str]]:
    ec2, iam, rds, elbv2 = aws("ec2"), aws("iam"), aws("rds"), aws("elbv2")
    starts = lambda names: [n for n in names if n.startswith(f"{PREFIX}-")]  # noqa: E731
    kms = aws("kms")
    found = {
        "vpc": [
            v["VpcId"] for v in ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [f"{PREFIX}-vpc"]}])["Vpcs"]
        ],
        "security group": starts(g["GroupName"] for g in ec2.describe_security_groups()["SecurityGroups"]),
        "instance": [
            i["InstanceId"]
            for r in ec2.describe_instances(
                Filters=[
                    {"Name": "tag:Name", "Values": [f"{PREFIX}-web"]},
                    {"Name": "instance-state-name", "Values": ["pending", "running", "stopping", "stopped"]},
                ]
            )["Reservations"]
            for i in r["Instances"]
        ],
        "bucket": [
            b["Name"]
            for b in aws("s3").list_buckets()["Buckets"]
            if b["Name"].startswith((f"{PREFIX}-assets-", f"{PREFIX}-deploy-"))
        ],
        "db instance": starts(d["DBInstanceIdentifier"] for d in rds.describe_db_instances()["DBInstances"]),
        "db subnet group": starts(g["DBSubnetGroupName"] for g in rds.describe_db_subnet_groups()["DBSubnetGroups"]),
        "db parameter group": starts(
            g["DBParameterGroupName"] for g in rds.describe_db_parameter_groups()["DBParameterGroups"]
        ),
        "secret": [
            s["Name"] for s in aws("secretsmanager").list_secrets()["SecretList"] if s["Name"].startswith(f"{PREFIX}/")
        ],
        "kms alias": [
            a["AliasName"]
            for a in kms.list_aliases()["Aliases"]
            if a["AliasName"] == f"alias/{PREFIX}"
            and kms.describe_key(KeyId=a["TargetKeyId"])["KeyMetadata"]["KeyState"] not in PENDING_KEY_STATES
        ],
        "iam role": starts(r["RoleName"] for r in iam.list_roles()["Roles"]),
        "instance profile": starts(p["InstanceProfileName"] for p in iam.list_instance_profiles()["InstanceProfiles"]),
        "iam group": starts(g["GroupName"] for g in iam.list_groups()["Groups"]),
        "load balancer": starts(lb["LoadBalancerName"] for lb in elbv2.describe_load_balancers()["LoadBalancers"]),
        "target group": starts(t["TargetGroupName"] for t in elbv2.describe_target_groups()["TargetGroups"]),
        "function": starts(f["FunctionName"] for f in aws("lambda").list_functions()["Functions"]),
        "log group": [
            g["logGroupName"]
            for g in aws("logs").describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{PREFIX}-")["logGroups"]
        ],
        "queue": aws("sqs").list_queues(QueueNamePrefix=f"{PREFIX}-").get("QueueUrls", []),
        "topic": [t["TopicArn"] for t in aws("sns").list_topics()["Topics"] if f":{PREFIX}-" in t["TopicArn"]],
        "alarm": [
            a["AlarmName"] for a in aws("cloudwatch").describe_alarms(AlarmNamePrefix="PhotoShare-")["MetricAlarms"]
        ],
        "dashboard": [
            d["DashboardName"]
            for d in aws("cloudwatch").list_dashboards()["DashboardEntries"]
            if d["DashboardName"] == "PhotoShare-Monitor"
        ],
    }
    return {kind: names for kind, names in found.items() if names}


@pytest.fixture(scope="module")
def torn_down(built, aws):
    assert named_leftovers(aws), "the estate should exist before teardown"
    return run_playbook(
        "teardown.yml", built.endpoint_url, {**built.deployment.extra_vars, "photoshare_teardown_confirm": PREFIX}
    )


def test_teardown_refuses_without_confirmation(built, aws):
    refused = run_playbook("teardown.yml", built.endpoint_url, built.deployment.extra_vars)
    assert refused.returncode != 0
    assert f"-e photoshare_teardown_confirm={PREFIX}" in refused.output
    assert f"account {ACCOUNT_ID}" in refused.output
    assert "vpc" in named_leftovers(aws)


def test_teardown_with_the_wrong_prefix_is_refused(built):
    refused = run_playbook(
        "teardown.yml", built.endpoint_url, {**built.deployment.extra_vars, "photoshare_teardown_confirm": "yes"}
    )
    assert refused.returncode != 0
    assert "Refusing to tear down" in refused.output


def test_teardown_succeeds(torn_down):
    assert torn_down.returncode == 0, torn_down.explain()
    assert any(t.task.endswith("delete | Turn deletion protection off") and t.changed for t in torn_down.tasks)


def test_nothing_is_left_by_name(torn_down, aws):
    assert named_leftovers(aws) == {}


def test_nothing_is_left_by_tag(torn_down, aws):
    assert tagged_leftovers(aws) == []


def test_local_database_and_user_are_dropped(torn_down, built, localcloud):
    with (
        localcloud.admin_connect() as conn,
        conn.cursor() as cur,
    ):
        cur.execute("SHOW DATABASES LIKE %s", (built.deployment.db_name,))
        assert cur.fetchall() == ()
        cur.execute("SELECT User FROM mysql.user WHERE User = %s", (built.deployment.db_username,))
        assert cur.fetchall() == ()


def test_a_second_teardown_changes_nothing(torn_down, built):
    again = run_playbook(
        "teardown.yml", built.endpoint_url, {**built.deployment.extra_vars, "photoshare_teardown_confirm": PREFIX}
    )
    assert again.returncode == 0, again.explain()
    assert [t.task for t in again.changed] == []
