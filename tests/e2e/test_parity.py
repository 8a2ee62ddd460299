"""What `make up` built, read back from the local cloud's emulator: TLS where AWS demands it."""

import json

import boto3
import pytest

pytestmark = pytest.mark.slow


def tls_only(policy: str) -> bool:
    return any(
        statement["Effect"] == "Deny" and statement.get("Condition") == {"Bool": {"aws:SecureTransport": "false"}}
        for statement in json.loads(policy)["Statement"]
    )


def test_both_buckets_deny_requests_without_tls(deployed, aws_environment):
    s3 = boto3.client("s3")
    names = [bucket["Name"] for bucket in s3.list_buckets()["Buckets"] if bucket["Name"].startswith("photoshare-")]
    assert {name.split("-")[1] for name in names} >= {"assets", "deploy"}
    for name in names:
        assert tls_only(s3.get_bucket_policy(Bucket=name)["Policy"]), name


def test_the_webhook_goes_to_the_name_the_certificate_covers(deployed, aws_environment):
    """With a certificate the Lambda reports to the public host name over HTTPS, never to the ALB's own
    name, which no certificate covers; in the local cloud that is the load balancer's HTTPS listener."""
    function = boto3.client("lambda").get_function(FunctionName="photoshare-metadata-extractor")["Configuration"]
    assert function["Environment"]["Variables"]["PHOTOSHARE_WEBHOOK_URL"] == f"{deployed}/api/webhook"


def test_the_database_names_the_ca_the_app_trusts(deployed, aws_environment):
    (db,) = boto3.client("rds").describe_db_instances(DBInstanceIdentifier="photoshare-db")["DBInstances"]
    assert db["CACertificateIdentifier"] == "rds-ca-rsa2048-g1"
