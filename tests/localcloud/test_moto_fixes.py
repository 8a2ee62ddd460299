"""Each fix of the emulator (devtools/motoserver.py's FIXES) has a direct test: moto answering as AWS does.

A private emulator only, reached through its HTTP API with boto3. A test fails if
moto's behaviour under its fix changes, so that a moto upgrade that breaks a fix
shows here first. DIRECT_TESTS names the test of every fix, here or in the
module beside this one that tests the area; a fix without one fails
test_every_fix_has_a_direct_test.
"""

from __future__ import annotations

import io
import json
import socketserver
import subprocess
import sys
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from botocore.exceptions import ClientError

from devtools import localcloud
from devtools.privatemoto import HOST, PrivateMoto

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
HERE = Path(__file__).parent

# Each fix (devtools/motoserver.py's FIXES, which gathers devtools/moto*.py's) and a test that fails without it.
DIRECT_TESTS = {
    "rds-unknown-parameter-group": "test_an_unknown_parameter_group_is_not_found",
    "rds-engine-default-parameters": "test_a_mysql_parameter_group_lists_the_engine_default_the_roles_set",
    "rds-gp3-baseline": "test_a_gp3_instance_reports_its_baseline_throughput_and_iops",
    "iam-group-delete-conflict": "test_moto_iam.py::test_a_group_with_an_inline_policy_is_not_deleted",
    "elbv2-alb-attributes": "test_a_new_application_load_balancer_reports_every_attribute",
    "lambda-dead-letter-config": "test_a_function_keeps_its_dead_letter_queue",
    "lambda-https-endpoint": "test_a_function_calls_the_emulator_over_https_as_its_execution_role",
    "kms-key-arns": "test_key_state_changes_take_the_keys_arn",
    "acm-imported-chain": "test_an_imported_certificate_keeps_the_chain_it_was_imported_with",
    "auth-operator-is-account-root": "test_moto_auth.py::test_the_operators_key_with_a_wrong_secret_is_refused",
    "auth-every-request": "test_moto_auth.py::test_an_unsigned_request_is_refused",
    "secretsmanager-secret-arns": "test_moto_auth.py::test_a_policy_scoped_to_one_secret_reaches_that_secret_only",
    "iam-service-principals": "test_moto_auth.py::test_nobody_assumes_a_role_its_trust_policy_does_not_name",
    "iam-wildcards": "test_moto_auth.py::test_a_policy_scoped_to_one_secret_reaches_that_secret_only",
    "sts-missing-role-not-assumed": "test_moto_auth.py::test_a_role_that_does_not_exist_cannot_be_assumed",
    "s3-head-bucket-as-list-bucket": "test_moto_auth.py::test_head_bucket_is_authorised_as_list_bucket",
    "s3-delete-objects-per-key": "test_moto_auth.py::test_deleting_several_objects_needs_delete_on_each_key",
    "lambda-execution-role-session": "test_a_function_calls_the_emulator_over_https_as_its_execution_role",
    "elbv2-targets-drive-load-balancer": "test_a_target_group_drives_the_load_balancer_stand_in",
    "s3-presigned-urls": "test_moto_s3_checks.py::test_a_url_signed_for_one_key_does_not_fetch_another",
    "s3-secure-transport": "test_moto_s3_checks.py::test_a_tls_only_bucket_works_over_https",
    "iam-bool-conditions": "test_moto_s3_checks.py::test_a_tls_only_bucket_works_over_https",
    "iam-unmet-condition-is-neutral": "test_moto_s3_checks.py::test_a_tls_only_bucket_works_over_https",
    "s3-notification-filter-rules": "test_a_notification_reaches_only_the_keys_its_rules_match",
    "s3-notification-invokes-later": "test_a_bucket_notification_invokes_its_function_after_answering",
}


@pytest.fixture(scope="module", autouse=True)
def aws_environment() -> dict[str, str]:
    """Overrides the suites' session fixture: only the private server is reached."""
    return {}


class LoadBalancerAdmin(socketserver.TCPServer):
    """A stand-in for HAProxy's runtime API (devtools/motoalb.py): records each command line it gets."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        super().__init__((HOST, 0), LoadBalancerAdminHandler)
        self.port = self.server_address[1]


class LoadBalancerAdminHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        self.server.lines.append(self.rfile.readline().decode().strip())
        self.wfile.write(b"\n")


@pytest.fixture(scope="module")
def load_balancer_admin() -> Iterator[LoadBalancerAdmin]:
    with LoadBalancerAdmin() as admin:
        serving = threading.Thread(target=admin.serve_forever, daemon=True)
        serving.start()
        yield admin
        admin.shutdown()
        serving.join()


@pytest.fixture(scope="module")
def moto(load_balancer_admin) -> Iterator[PrivateMoto]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PHOTOSHARE_ALB_ADMIN_PORT", str(load_balancer_admin.port))  # motoalb.ADMIN_PORT_VARIABLE
        server = PrivateMoto().start()
    try:
        yield server
    finally:
        server.stop()


def test_every_fix_has_a_direct_test():
    from devtools import motoalb, motoauth, motonotify, motoroles, motos3, motoserver  # loads moto in-process

    assert set(DIRECT_TESTS) == set(motoserver.FIXES)
    gathered = [name for module in (motoauth, motoroles, motoalb, motos3, motonotify) for name in module.FIXES]
    assert len(gathered) == len(set(gathered)), "two modules name a fix alike: one would hide the other"
    for test in DIRECT_TESTS.values():
        module, _, name = test.rpartition("::")
        source = (HERE / module).read_text() if module else Path(__file__).read_text()
        assert f"\ndef {name}(" in source, test


def test_a_patch_keeps_the_original_and_is_undone():
    from devtools import motopatch

    class Target:
        @staticmethod
        def own() -> str:
            return "own"

    class Child(Target):
        pass

    motopatch.patch(Target, "own", staticmethod(lambda: "patched"))
    motopatch.patch(Child, "own", staticmethod(lambda: "child " + motopatch.original(Child, "own")()))
    motopatch.patch(Target, "hook", "added")  # an attribute the target lacked
    try:
        assert (Target.own(), Child.own(), Target.hook) == ("patched", "child patched", "added")
        assert motopatch.original(Target, "hook") is None
        with pytest.raises(RuntimeError, match="patched already"):
            motopatch.patch(Target, "own", None)
    finally:
        motopatch.undo()
    assert (Target.own(), Child.own(), "own" in vars(Child), hasattr(Target, "hook")) == ("own", "own", False, False)


def test_functions_invoked_later_are_joined():
    from devtools.motonotify import Invocations

    invocations, release = Invocations(), threading.Event()
    invocations.start(release.wait)
    assert invocations.join(timeout=0.1) == 1
    release.set()
    assert invocations.join(timeout=5) == 0


def test_an_unknown_parameter_group_is_not_found(moto):
    rds = moto.client("rds", REGION)
    with pytest.raises(ClientError) as missing:
        rds.describe_db_parameter_groups(DBParameterGroupName="never-made")
    assert missing.value.response["Error"]["Code"] == "DBParameterGroupNotFound"


def test_a_mysql_parameter_group_lists_the_engine_default_the_roles_set(moto):
    rds = moto.client("rds", REGION)
    rds.create_db_parameter_group(
        DBParameterGroupName="mysql-defaults", DBParameterGroupFamily="mysql8.0", Description="x"
    )
    parameters = rds.describe_db_parameters(DBParameterGroupName="mysql-defaults")["Parameters"]
    (tls,) = [p for p in parameters if p["ParameterName"] == "require_secure_transport"]
    assert (tls["Source"], tls["ApplyType"], tls["IsModifiable"]) == ("engine-default", "dynamic", True)


def test_a_gp3_instance_reports_its_baseline_throughput_and_iops(moto):
    rds = moto.client("rds", REGION)
    rds.create_db_instance(
        DBInstanceIdentifier="gp3-db",
        DBInstanceClass="db.t4g.micro",
        Engine="mysql",
        AllocatedStorage=20,
        StorageType="gp3",
        MasterUsername="admin",
        MasterUserPassword="not-a-secret-0",
    )
    (instance,) = rds.describe_db_instances(DBInstanceIdentifier="gp3-db")["DBInstances"]
    assert (instance["StorageThroughput"], instance["Iops"]) == (125, 3000)


def subnets(moto: PrivateMoto, cidr: str) -> list[str]:
    """Two subnets of a new VPC 10.<cidr>.0.0/16, in two zones."""
    ec2 = moto.client("ec2", REGION)
    vpc = ec2.create_vpc(CidrBlock=f"10.{cidr}.0.0/16")["Vpc"]["VpcId"]
    return [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{cidr}.{n}.0/24", AvailabilityZone=f"{REGION}{zone}")["Subnet"][
            "SubnetId"
        ]
        for n, zone in ((1, "a"), (2, "b"))
    ]


def test_a_new_application_load_balancer_reports_every_attribute(moto):
    elbv2 = moto.client("elbv2", REGION)
    balancer = elbv2.create_load_balancer(Name="attrs-alb", Subnets=subnets(moto, "7"))["LoadBalancers"][0]
    attributes = elbv2.describe_load_balancer_attributes(LoadBalancerArn=balancer["LoadBalancerArn"])["Attributes"]
    values = {attribute["Key"]: attribute["Value"] for attribute in attributes}
    assert values["routing.http.drop_invalid_header_fields.enabled"] == "false"
    assert values["idle_timeout.timeout_seconds"] == "60"
    assert values["routing.http.xff_header_processing.mode"] == "append"


def test_a_target_group_drives_the_load_balancer_stand_in(moto, load_balancer_admin):
    """devtools/motoalb.py: a deregistered target is put in maintenance, with its fail-open twin."""
    elbv2, ec2 = moto.client("elbv2", REGION), moto.client("ec2", REGION)
    vpc = ec2.describe_subnets(SubnetIds=subnets(moto, "8")[:1])["Subnets"][0]["VpcId"]
    group = elbv2.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc, TargetType="ip")
    arn = group["TargetGroups"][0]["TargetGroupArn"]
    elbv2.register_targets(TargetGroupArn=arn, Targets=[{"Id": "10.8.1.10"}])
    elbv2.deregister_targets(TargetGroupArn=arn, Targets=[{"Id": "10.8.1.10"}])
    assert load_balancer_admin.lines[-2:] == [
        f"set server web/10.8.1.10 state {state}; set server web/10.8.1.10-fail-open state {state}"
        for state in ("ready", "maint")
    ]


def test_key_state_changes_take_the_keys_arn(moto):
    kms = moto.client("kms", REGION)
    arn = kms.create_key(Description="by arn")["KeyMetadata"]["Arn"]
    kms.disable_key(KeyId=arn)
    assert kms.describe_key(KeyId=arn)["KeyMetadata"]["KeyState"] == "Disabled"
    kms.enable_key(KeyId=arn)
    assert kms.describe_key(KeyId=arn)["KeyMetadata"]["KeyState"] == "Enabled"
    kms.schedule_key_deletion(KeyId=arn, PendingWindowInDays=7)
    assert kms.describe_key(KeyId=arn)["KeyMetadata"]["KeyState"] == "PendingDeletion"
    kms.cancel_key_deletion(KeyId=arn)
    assert kms.describe_key(KeyId=arn)["KeyMetadata"]["KeyState"] == "Disabled"


def test_an_imported_certificate_keeps_the_chain_it_was_imported_with(moto):
    ca = localcloud.load().ca.ensure()
    acm = moto.client("acm", REGION)
    arn = acm.import_certificate(
        Certificate=ca.server_cert_file.read_bytes(),
        PrivateKey=ca.server_key_file.read_bytes(),
        CertificateChain=ca.ca_file.read_bytes(),
    )["CertificateArn"]
    assert acm.get_certificate(CertificateArn=arn)["CertificateChain"].strip() == ca.ca_file.read_text().strip()


def zipped(source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", source)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def runtime_image() -> None:
    """The local runtime image, built from this checkout (it trusts this checkout's local CA), as `make lambda` does."""
    build = subprocess.run(
        [sys.executable, "lambda/build.py", "image"], cwd=localcloud.ROOT, capture_output=True, text=True
    )
    assert build.returncode == 0, build.stderr


def create_function(moto: PrivateMoto, name: str, source: str, **options) -> str:
    """A Python function run by the local runtime image, with an execution role of its own; its ARN."""
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
        ],
    }
    role = moto.client("iam").create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument=json.dumps(trust))
    return moto.client("lambda", REGION).create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=role["Role"]["Arn"],
        Handler="handler.handler",
        Code={"ZipFile": zipped(source)},
        Timeout=30,
        **options,
    )["FunctionArn"]


def test_a_function_keeps_its_dead_letter_queue(moto):
    queue = f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:dlq-fn-dlq"
    create_function(moto, "dlq-fn", "def handler(event, context):\n    pass\n", DeadLetterConfig={"TargetArn": queue})
    lambda_client = moto.client("lambda", REGION)
    assert lambda_client.get_function(FunctionName="dlq-fn")["Configuration"]["DeadLetterConfig"] == {
        "TargetArn": queue
    }
    other = queue.replace("dlq-fn-dlq", "other-dlq")
    lambda_client.update_function_configuration(FunctionName="dlq-fn", DeadLetterConfig={"TargetArn": other})
    assert lambda_client.get_function(FunctionName="dlq-fn")["Configuration"]["DeadLetterConfig"] == {
        "TargetArn": other
    }


CALLER = """
import os

import boto3


def handler(event, context):
    identity = boto3.client("sts").get_caller_identity()
    return {"endpoint": os.environ["AWS_ENDPOINT_URL"], "arn": identity["Arn"]}
"""


def test_a_function_calls_the_emulator_over_https_as_its_execution_role(moto, runtime_image):
    """moto's endpoint for a function is plain HTTP, which this emulator does not speak; and
    devtools/motoroles.py: the function signs with its role's session, not moto's dummy keys."""
    create_function(moto, "caller", CALLER)
    answer = moto.client("lambda", REGION).invoke(FunctionName="caller")
    result = json.loads(answer["Payload"].read())
    assert "FunctionError" not in answer, result
    # The runtime's bootstrap maps host.docker.internal to 127.0.0.1 (host networking).
    assert result == {
        "endpoint": f"https://127.0.0.1:{moto.port}",
        "arn": f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/caller-role/caller",
    }


@pytest.fixture(scope="module")
def notified_queue(moto) -> tuple[str, list[dict]]:
    """A bucket that tells a queue about new keys under originals/ (and any suffix, as the roles set it)."""
    s3, sqs = moto.client("s3", REGION), moto.client("sqs", REGION)
    s3.create_bucket(Bucket="notified")
    url = sqs.create_queue(QueueName="notified")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    rules = [{"Name": "Prefix", "Value": "originals/"}, {"Name": "Suffix", "Value": ""}]
    s3.put_bucket_notification_configuration(
        Bucket="notified",
        NotificationConfiguration={
            "QueueConfigurations": [
                {"QueueArn": arn, "Events": ["s3:ObjectCreated:*"], "Filter": {"Key": {"FilterRules": rules}}}
            ]
        },
    )
    return url, rules


def test_notification_filter_rules_keep_their_aws_names_and_empty_values(moto, notified_queue):
    _, rules = notified_queue
    (stored,) = moto.client("s3", REGION).get_bucket_notification_configuration(Bucket="notified")[
        "QueueConfigurations"
    ]
    assert stored["Filter"]["Key"]["FilterRules"] == rules


def test_a_notification_reaches_only_the_keys_its_rules_match(moto, notified_queue):
    url, _ = notified_queue
    s3, sqs = moto.client("s3", REGION), moto.client("sqs", REGION)
    for key in ("thumbnails/a.jpg", "originals/a.jpg"):
        s3.put_object(Bucket="notified", Key=key, Body=b"x")
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
    bodies = [json.loads(message["Body"]) for message in messages]
    # S3 URL-encodes the key in an event, as on AWS.
    keys = [unquote_plus(record["s3"]["object"]["key"]) for body in bodies for record in body.get("Records", [])]
    assert keys == ["originals/a.jpg"]


SLOW = """
import time


def handler(event, context):
    time.sleep(3)
    print("processed", event["Records"][0]["s3"]["object"]["key"])
"""


def test_a_bucket_notification_invokes_its_function_after_answering(moto, runtime_image):
    function = create_function(moto, "slow", SLOW)
    s3, logs = moto.client("s3", REGION), moto.client("logs", REGION)
    s3.create_bucket(Bucket="uploads")
    s3.put_bucket_notification_configuration(
        Bucket="uploads",
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [{"LambdaFunctionArn": function, "Events": ["s3:ObjectCreated:*"]}]
        },
    )
    started = time.monotonic()
    s3.put_object(Bucket="uploads", Key="photo.jpg", Body=b"x")
    assert time.monotonic() - started < 3, "the upload waited for the function"

    def processed() -> bool:
        try:
            events = logs.filter_log_events(logGroupName="/aws/lambda/slow")["events"]
        except logs.exceptions.ResourceNotFoundException:
            return False
        return any("processed photo.jpg" in event["message"] for event in events)

    localcloud.wait_until(processed, 60, "the function's log", moto.log)
