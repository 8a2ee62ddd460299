"""The built package runs in the local cloud: an S3 PUT under originals/ makes moto run
the function in photoshare-lambda-runtime:local, which writes thumbnails and reports."""

import json
import secrets
import time
from pathlib import Path

import boto3
import jinja2
import photo_samples as samples
import pytest
from lambda_build import run_build
from s3_events import original_key

from photoshare.webhook.signature import signature_is_valid

pytestmark = pytest.mark.slow
FUNCTION_TIMEOUT_SECONDS = 60

ROOT = Path(__file__).resolve().parents[2]
PROCESSOR_POLICY = ROOT / "roles" / "iam" / "templates" / "processor-access.json.j2"
LAMBDA_TRUST_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def processor_policy(*, bucket: str, signing_secret_id: str, kms_key_id: str) -> str:
    """The iam role's processor policy (roles/iam/templates), for this test's bucket, secret and key."""
    arn = "arn:aws:{}:us-east-1:123456789012:{}".format
    return jinja2.Template(PROCESSOR_POLICY.read_text()).render(
        iam__bucket_arn=f"arn:aws:s3:::{bucket}",
        iam__signing_key_arn=boto3.client("secretsmanager").describe_secret(SecretId=signing_secret_id)["ARN"],
        iam__key_arn=boto3.client("kms").describe_key(KeyId=kms_key_id)["KeyMetadata"]["Arn"],
        iam__log_group_arn=arn("logs", f"log-group:/aws/lambda/{bucket}-metadata-extractor"),
        iam__dlq_arn=arn("sqs", f"{bucket}-dlq"),
    )


@pytest.fixture(scope="module")
def runtime_image():
    run = run_build("image")
    assert run.returncode == 0, run.stderr


@pytest.fixture
def deployed_function(runtime_image, lambda_zip, s3_client, receiver, signing_secret, kms_key_id):
    """A bucket of its own whose originals/ notify the function, as the infrastructure sets it up."""
    name = f"pstest-{secrets.token_hex(6)}"
    iam, lambda_client = boto3.client("iam"), boto3.client("lambda")
    role_arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(LAMBDA_TRUST_POLICY))["Role"]["Arn"]
    # The function signs with this role's session, so it gets the processor's own policy.
    iam.put_role_policy(
        RoleName=name,
        PolicyName="access",
        PolicyDocument=processor_policy(bucket=name, signing_secret_id=signing_secret[0], kms_key_id=kms_key_id),
    )
    function_arn = lambda_client.create_function(
        FunctionName=f"{name}-metadata-extractor",
        Runtime="python3.13",
        Role=role_arn,
        Handler="handler.handler",
        Code={"ZipFile": lambda_zip.read_bytes()},
        Timeout=FUNCTION_TIMEOUT_SECONDS,
        MemorySize=1024,
        Environment={
            "Variables": {
                "PHOTOSHARE_WEBHOOK_URL": receiver.url,
                "PHOTOSHARE_WEBHOOK_SECRET_ID": signing_secret[0],
                "PHOTOSHARE_KMS_KEY_ID": kms_key_id,
            }
        },
    )["FunctionArn"]
    s3_client.create_bucket(Bucket=name)
    s3_client.put_bucket_notification_configuration(
        Bucket=name,
        NotificationConfiguration={
            "LambdaFunctionConfigurations": [
                {
                    "LambdaFunctionArn": function_arn,
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "originals/"}]}},
                }
            ]
        },
    )
    yield name
    for item in s3_client.list_objects_v2(Bucket=name).get("Contents", []):
        s3_client.delete_object(Bucket=name, Key=item["Key"])
    s3_client.delete_bucket(Bucket=name)
    lambda_client.delete_function(FunctionName=f"{name}-metadata-extractor")
    iam.delete_role_policy(RoleName=name, PolicyName="access")
    iam.delete_role(RoleName=name)


def test_an_uploaded_photo_is_processed_by_the_deployed_function(
    deployed_function, s3_client, receiver, signing_secret
):
    key = original_key()
    s3_client.put_object(Bucket=deployed_function, Key=key, Body=samples.phone_jpeg())

    # As on AWS, the notification runs the function after the PUT has answered.
    (request,) = receiver.wait_for_requests(1, timeout=FUNCTION_TIMEOUT_SECONDS)
    assert signature_is_valid(signing_secret[1], request.headers, request.body, now=time.time())
    report = request.json()
    assert (report["key"], report["status"], report["metadata"]["camera_model"]) == (key, "ready", "EOS R6")
    for entry in report["thumbnails"]:
        head = s3_client.head_object(Bucket=deployed_function, Key=entry["key"])
        assert (head["ContentLength"], head["ServerSideEncryption"]) == (entry["size_bytes"], "aws:kms")
