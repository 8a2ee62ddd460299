"""The emulator authenticates every request and applies IAM policies; hosts get their role's session from IMDSv2.

All of it runs against a private moto server (devtools/privatemoto.py), as the
account's root (the operator's key pair) unless a test signs as someone else.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
from collections.abc import Iterator

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from devtools import localcloud
from devtools.privatemoto import PrivateMoto

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
BUCKET = "authorised"
INSTANCE_NAME = "auth-web"
ROLE = "auth-web-role"
EC2_TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


@pytest.fixture(scope="module", autouse=True)
def aws_environment() -> dict[str, str]:
    """Overrides the suites' session fixture: only the private server is reached."""
    return {}


@pytest.fixture(scope="module")
def moto() -> Iterator[PrivateMoto]:
    with PrivateMoto() as server:
        server.client("s3").create_bucket(Bucket=BUCKET)
        yield server


@pytest.fixture(scope="module")
def https() -> Iterator[httpx.Client]:
    trust = ssl.create_default_context(cafile=str(localcloud.load().ca.trust_bundle_file))
    with httpx.Client(verify=trust) as client:
        yield client


def client(moto: PrivateMoto, service: str, credentials: dict, **config) -> object:
    return boto3.client(
        service,
        endpoint_url=moto.endpoint_url,
        region_name=REGION,
        verify=moto.ca_bundle,
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials.get("SessionToken"),
        config=Config(**config) if config else None,
    )


def code(call) -> str:
    with pytest.raises(ClientError) as refused:
        call()
    return refused.value.response["Error"]["Code"]


def user_with_policy(moto: PrivateMoto, name: str, statements: list[dict]) -> dict:
    iam = moto.client("iam")
    iam.create_user(UserName=name)
    document = {"Version": "2012-10-17", "Statement": statements}
    iam.put_user_policy(UserName=name, PolicyName="access", PolicyDocument=json.dumps(document))
    return iam.create_access_key(UserName=name)["AccessKey"]


def test_an_unsigned_request_is_refused(moto, https):
    moto.client("s3").put_object(Bucket=BUCKET, Key="private.txt", Body=b"private")
    anonymous = https.get(f"{moto.endpoint_url}/{BUCKET}/private.txt")
    assert anonymous.status_code == 403
    assert b"private" not in anonymous.content
    assert https.post(moto.endpoint_url, data={"Action": "DescribeVpcs", "Version": "2016-11-15"}).status_code == 403


def test_the_operators_key_with_a_wrong_secret_is_refused(moto):
    cloud = localcloud.load()
    forged = {"AccessKeyId": cloud.access_key_id, "SecretAccessKey": "not-" + cloud.secret_access_key}
    assert code(lambda: client(moto, "sts", forged).get_caller_identity()) == "SignatureDoesNotMatch"


def test_an_unknown_key_is_refused(moto):
    stranger = {"AccessKeyId": "AKIAIAMNOTKNOWNHERE0", "SecretAccessKey": "guessed"}
    assert code(lambda: client(moto, "sts", stranger).get_caller_identity()) == "InvalidClientTokenId"


def test_a_user_may_do_what_its_policy_allows_and_nothing_else(moto):
    moto.client("s3").put_object(Bucket=BUCKET, Key="reports/q1.txt", Body=b"q1")
    key = user_with_policy(
        moto,
        "reader",
        [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/reports/*"}],
    )
    s3 = client(moto, "s3", key)
    assert s3.get_object(Bucket=BUCKET, Key="reports/q1.txt")["Body"].read() == b"q1"
    assert code(lambda: s3.put_object(Bucket=BUCKET, Key="reports/q2.txt", Body=b"q2")) == "AccessDenied"
    assert code(lambda: s3.get_object(Bucket=BUCKET, Key="private.txt")) == "AccessDenied"


def test_head_bucket_is_authorised_as_list_bucket(moto):
    """There is no s3:HeadBucket action: AWS authorises HeadBucket as s3:ListBucket."""
    lister = user_with_policy(
        moto, "lister", [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": f"arn:aws:s3:::{BUCKET}"}]
    )
    client(moto, "s3", lister).head_bucket(Bucket=BUCKET)
    getter = user_with_policy(
        moto, "getter", [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}]
    )
    with pytest.raises(ClientError) as refused:
        client(moto, "s3", getter).head_bucket(Bucket=BUCKET)
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_a_policy_scoped_to_one_secret_reaches_that_secret_only(moto):
    secrets = moto.client("secretsmanager")
    mine = secrets.create_secret(Name="app/signing-key", SecretString="mine")["ARN"]
    secrets.create_secret(Name="other/signing-key", SecretString="theirs")
    # AWS's advice for a secret's ARN: its name, and ?????? for the suffix Secrets Manager adds.
    pattern = f"arn:aws:secretsmanager:{REGION}:{ACCOUNT_ID}:secret:app/signing-key-??????"
    key = user_with_policy(
        moto, "secret-reader", [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": pattern}]
    )
    reader = client(moto, "secretsmanager", key)
    assert reader.get_secret_value(SecretId="app/signing-key")["SecretString"] == "mine"
    assert reader.get_secret_value(SecretId=mine)["SecretString"] == "mine"
    with pytest.raises(ClientError) as refused:
        reader.get_secret_value(SecretId="other/signing-key")
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_a_presigned_url_is_authorised_as_its_signer(moto, https):
    moto.client("s3").put_object(Bucket=BUCKET, Key="reports/q3.txt", Body=b"q3")
    key = user_with_policy(
        moto,
        "viewer",
        [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/reports/*"}],
    )
    s3 = client(moto, "s3", key, signature_version="s3v4")
    readable = s3.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "reports/q3.txt"})
    assert https.get(readable).content == b"q3"
    writable = s3.generate_presigned_url("put_object", Params={"Bucket": BUCKET, "Key": "reports/q4.txt"})
    assert https.put(writable, content=b"q4").status_code == 403


def test_a_signature_version_2_url_is_refused(moto, https):
    root = moto.client("s3")
    url = client(moto, "s3", {"AccessKeyId": "testing", "SecretAccessKey": "testing"}, signature_version="s3")
    url = url.generate_presigned_url("get_object", Params={"Bucket": BUCKET, "Key": "private.txt"})
    assert "AWSAccessKeyId=" in url
    response = https.get(url)
    assert response.status_code == 400
    assert b"AWS4-HMAC-SHA256" in response.content
    assert root.get_object(Bucket=BUCKET, Key="private.txt")["Body"].read() == b"private"


def test_nobody_assumes_a_role_its_trust_policy_does_not_name(moto):
    iam = moto.client("iam")
    role = iam.create_role(RoleName="service-only", AssumeRolePolicyDocument=json.dumps(EC2_TRUST))["Role"]
    sts = moto.client("sts")
    assert code(lambda: sts.assume_role(RoleArn=role["Arn"], RoleSessionName="intruder")) == "AccessDenied"


def test_a_role_that_does_not_exist_cannot_be_assumed(moto):
    sts = moto.client("sts")
    missing = f"arn:aws:iam::{ACCOUNT_ID}:role/never-created"
    assert code(lambda: sts.assume_role(RoleArn=missing, RoleSessionName="ghost")) == "AccessDenied"


@pytest.fixture(scope="module")
def instance(moto) -> dict:
    """A running instance whose profile's role may list the bucket and read reports/ only."""
    iam = moto.client("iam")
    iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(EC2_TRUST))
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/reports/*"}],
    }
    iam.put_role_policy(RoleName=ROLE, PolicyName="access", PolicyDocument=json.dumps(policy))
    iam.create_instance_profile(InstanceProfileName=ROLE)
    iam.add_role_to_instance_profile(InstanceProfileName=ROLE, RoleName=ROLE)
    ec2 = moto.client("ec2")
    image = ec2.describe_images()["Images"][0]["ImageId"]
    reservation = ec2.run_instances(
        ImageId=image,
        MinCount=1,
        MaxCount=1,
        IamInstanceProfile={"Name": ROLE},
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": INSTANCE_NAME}]}],
    )
    return reservation["Instances"][0]


def metadata_token(moto: PrivateMoto, ttl: str = "60") -> str:
    url = moto.metadata_endpoint(INSTANCE_NAME) + "latest/api/token"
    response = httpx.put(url, headers={"X-aws-ec2-metadata-token-ttl-seconds": ttl})
    assert response.status_code == 200
    return response.text


def test_the_metadata_service_wants_a_session_token(moto, instance):
    credentials_url = moto.metadata_endpoint(INSTANCE_NAME) + "latest/meta-data/iam/security-credentials/"
    assert httpx.get(credentials_url).status_code == 401
    assert httpx.get(credentials_url, headers={"X-aws-ec2-metadata-token": "made-up"}).status_code == 401
    token_url = moto.metadata_endpoint(INSTANCE_NAME) + "latest/api/token"
    assert httpx.put(token_url).status_code == 400
    assert httpx.put(token_url, headers={"X-aws-ec2-metadata-token-ttl-seconds": "999999"}).status_code == 400
    answer = httpx.get(credentials_url, headers={"X-aws-ec2-metadata-token": metadata_token(moto)})
    assert (answer.status_code, answer.text) == (200, ROLE)


def test_an_unknown_instance_has_no_metadata(moto, instance):
    token = metadata_token(moto)
    url = moto.metadata_endpoint("no-such-host") + "latest/meta-data/instance-id"
    assert httpx.get(url, headers={"X-aws-ec2-metadata-token": token}).status_code == 404


def test_an_sdk_on_the_host_signs_as_the_instance_role(moto, instance, monkeypatch):
    moto.client("s3").put_object(Bucket=BUCKET, Key="reports/host.txt", Body=b"for the host")
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_EC2_METADATA_DISABLED"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", moto.metadata_endpoint(INSTANCE_NAME))
    session = boto3.Session(region_name=REGION)
    assert session.get_credentials().method == "iam-role"
    options = {"endpoint_url": moto.endpoint_url, "verify": moto.ca_bundle}
    identity = session.client("sts", **options).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{ROLE}/{instance['InstanceId']}"
    s3 = session.client("s3", **options)
    assert s3.get_object(Bucket=BUCKET, Key="reports/host.txt")["Body"].read() == b"for the host"
    assert code(lambda: s3.put_object(Bucket=BUCKET, Key="reports/host2.txt", Body=b"x")) == "AccessDenied"


def imds_threads() -> set[threading.Thread]:
    return {thread for thread in threading.enumerate() if thread.name == "imds"}


def test_the_metadata_service_stops_and_its_thread_ends():
    from devtools import motoroles  # loads moto in-process

    service = motoroles.MetadataService(0)
    assert service.thread.is_alive()
    token_url = f"http://127.0.0.1:{service.port}/{INSTANCE_NAME}/latest/api/token"
    assert httpx.put(token_url, headers={"X-aws-ec2-metadata-token-ttl-seconds": "60"}).status_code == 200
    service.stop()
    assert not service.thread.is_alive()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", service.port), timeout=2).close()


def test_the_server_stops_its_metadata_service_on_its_way_out(monkeypatch):
    """devtools/motoserver.py's main() serves IMDS while moto serves, and stops it when moto exits (on SIGTERM)."""
    from devtools import motoroles, motoserver  # loads moto in-process

    before, serving = imds_threads(), set()

    def moto_main(argv: list[str]) -> None:
        serving.update(imds_threads() - before)
        raise SystemExit(0)  # as moto's handler exits on SIGTERM

    monkeypatch.setenv(motoroles.IMDS_PORT_VARIABLE, "0")
    monkeypatch.setattr(motoserver, "apply_fixes", lambda: None)  # this process's moto stays as it is
    monkeypatch.setattr(motoserver, "moto_main", moto_main)
    with pytest.raises(SystemExit):
        motoserver.main([])
    assert serving, "no metadata service ran while moto served"
    assert not any(thread.is_alive() for thread in serving)


def test_deleting_several_objects_needs_delete_on_each_key(moto):
    root = moto.client("s3")
    for key in ("trash/a.txt", "trash/b.txt", "keep/c.txt"):
        root.put_object(Bucket=BUCKET, Key=key, Body=b"x")
    deletes = {"Effect": "Allow", "Action": "s3:DeleteObject", "Resource": f"arn:aws:s3:::{BUCKET}/trash/*"}
    key = user_with_policy(moto, "cleaner", [deletes])
    s3 = client(moto, "s3", key)
    trash = {"Objects": [{"Key": "trash/a.txt"}, {"Key": "trash/b.txt"}], "Quiet": True}
    assert not s3.delete_objects(Bucket=BUCKET, Delete=trash).get("Errors")
    mixed = {"Objects": [{"Key": "trash/a.txt"}, {"Key": "keep/c.txt"}], "Quiet": True}
    refused = {error["Key"]: error["Code"] for error in s3.delete_objects(Bucket=BUCKET, Delete=mixed)["Errors"]}
    assert refused["keep/c.txt"] == "AccessDenied"
    assert root.get_object(Bucket=BUCKET, Key="keep/c.txt")["Body"].read() == b"x"
