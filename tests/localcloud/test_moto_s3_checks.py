"""The emulator's S3 checks what AWS's checks: presigned URLs, and aws:SecureTransport in bucket policies.

Everything here runs against private moto servers (devtools/privatemoto.py and
a plain-HTTP one of its own), never the shared local cloud.
"""

from __future__ import annotations

import json
import re
import ssl
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import httpx
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from devtools import localcloud
from devtools.privatemoto import HOST, PrivateMoto, free_port
from photoshare.presign import PROBE_KEY, FrozenCredentials, UrlSigner

BUCKET = "presigned"
REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
KEYS = ["photo.jpg", "originals/2024/a photo with spaces.jpg", "albums/été/日本/ß+&=?(1).jpg"]
TLS_ONLY_BUCKET = "tls-only"


@pytest.fixture(scope="module")
def moto() -> Iterator[PrivateMoto]:
    with PrivateMoto() as server:
        yield server


@pytest.fixture(scope="module", autouse=True)
def aws_environment() -> dict[str, str]:
    """Overrides the suites' session fixture: this module needs only its private servers, so the
    shared local cloud is neither started nor reached."""
    return {}


@pytest.fixture(scope="module")
def s3(moto):
    client = s3_client(moto.endpoint_url)
    client.create_bucket(Bucket=BUCKET)
    return client


@pytest.fixture(scope="module")
def https() -> Iterator[httpx.Client]:
    """An httpx client that signs nothing, as a browser fetching a presigned URL, trusting the local CA."""
    trust = ssl.create_default_context(cafile=str(localcloud.load().ca.trust_bundle_file))
    with httpx.Client(verify=trust) as client:
        yield client


@pytest.fixture(scope="module", autouse=True)
def plain_moto_process(tmp_path_factory) -> Iterator[tuple[subprocess.Popen, Path, str]]:
    """A moto server with the project's fixes that speaks plain HTTP (no --ssl-* arguments),
    launched before the HTTPS one so that both start at once."""
    port = free_port()
    log = tmp_path_factory.mktemp("plain-moto") / "moto.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "devtools.motoserver", "-H", HOST, "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=localcloud.moto_environment(port),
        )
    try:
        yield process, log, f"http://{HOST}:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def plain_moto(plain_moto_process) -> str:
    """The plain-HTTP server's endpoint, once it answers."""
    process, log, endpoint = plain_moto_process
    port = int(endpoint.rsplit(":", 1)[1])

    def started() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"the plain moto server exited early: {log.read_text()}")
        return f"Running on {endpoint}".encode() in log.read_bytes() and localcloud.port_open(HOST, port)

    localcloud.wait_until(started, 60, f"plain moto server {endpoint}", log)
    return endpoint


def s3_client(
    endpoint: str,
    access_key: str = "testing",
    secret_key: str = "testing",  # noqa: S107 - the emulator's operator pair, which exists only there
    token: str | None = None,
):
    """boto3's S3 client; its presigned URLs are SigV4 (s3v4), as the app's are."""
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        aws_session_token=token,
        verify=str(localcloud.load().ca.trust_bundle_file),
        config=Config(signature_version="s3v4"),
    )


def presigned(client, method: str, key: str, expires: int = 60, **params) -> str:
    return client.generate_presigned_url(method, Params={"Bucket": BUCKET, "Key": key, **params}, ExpiresIn=expires)


def error(response: httpx.Response) -> tuple[str | None, str | None]:
    """The Code and Message of S3's XML error body."""
    code, message = (re.search(f"<{tag}>(.*?)</{tag}>", response.text) for tag in ("Code", "Message"))
    return (code and code.group(1)), (message and message.group(1))


def tls_only_policy(bucket: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                }
            ],
        }
    )


@pytest.mark.parametrize("key", KEYS)
def test_a_presigned_get_downloads_the_object(s3, https, key):
    """Keys with spaces, unicode and slashes included."""
    s3.put_object(Bucket=BUCKET, Key=key, Body=key.encode())
    response = https.get(presigned(s3, "get_object", key))
    assert response.status_code == 200, response.text
    assert response.content == key.encode()


@pytest.mark.parametrize("key", KEYS)
def test_a_presigned_put_uploads_the_object(s3, https, key):
    response = https.put(presigned(s3, "put_object", f"uploads/{key}"), content=b"uploaded through a URL")
    assert response.status_code == 200, response.text
    assert s3.get_object(Bucket=BUCKET, Key=f"uploads/{key}")["Body"].read() == b"uploaded through a URL"


def test_a_presigned_put_that_signs_its_content_type_needs_that_header(s3, https):
    url = presigned(s3, "put_object", "typed.jpg", ContentType="image/jpeg")
    assert https.put(url, content=b"jpeg", headers={"Content-Type": "image/jpeg"}).status_code == 200
    refused = https.put(url, content=b"html", headers={"Content-Type": "text/html"})
    assert (refused.status_code, error(refused)[0]) == (403, "SignatureDoesNotMatch")


def test_presigned_head_and_delete_work(s3, https):
    s3.put_object(Bucket=BUCKET, Key="doomed.txt", Body=b"x")
    assert https.head(presigned(s3, "head_object", "doomed.txt")).status_code == 200
    assert https.delete(presigned(s3, "delete_object", "doomed.txt")).status_code == 204
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET, Prefix="doomed.txt")


def test_a_url_signed_for_one_key_does_not_fetch_another(s3, https):
    for key in ("mine.txt", "theirs.txt"):
        s3.put_object(Bucket=BUCKET, Key=key, Body=key.encode())
    url = presigned(s3, "get_object", "mine.txt").replace("/mine.txt?", "/theirs.txt?")
    response = https.get(url)
    assert (response.status_code, error(response)[0]) == (403, "SignatureDoesNotMatch")


def test_an_all_zero_signature_is_refused(s3, https):
    s3.put_object(Bucket=BUCKET, Key="secret.txt", Body=b"secret")
    url = re.sub("X-Amz-Signature=[0-9a-f]+", "X-Amz-Signature=" + "0" * 64, presigned(s3, "get_object", "secret.txt"))
    response = https.get(url)
    assert (response.status_code, error(response)[0]) == (403, "SignatureDoesNotMatch")
    assert b"secret" not in response.content


def test_an_expired_url_is_refused_as_expired(s3, https):
    """The app's own signer (photoshare.presign) signs one now and one an hour ago, for a minute."""
    s3.put_object(Bucket=BUCKET, Key="old.txt", Body=b"old")
    signer = UrlSigner(probe_url=presigned(s3, "get_object", PROBE_KEY), region=REGION, ttl=60)
    credentials = FrozenCredentials("testing", "testing", None)
    assert https.get(signer.sign("old.txt", credentials).url).status_code == 200
    response = https.get(signer.sign("old.txt", credentials, now=time.time() - 3600).url)
    assert (response.status_code, error(response)) == (403, ("AccessDenied", "Request has expired"))


def test_an_unknown_access_key_is_refused(moto, s3, https):
    s3.put_object(Bucket=BUCKET, Key="known.txt", Body=b"x")
    stranger = s3_client(moto.endpoint_url, "AKIAIAMNOTKNOWNHERE0", "guessed")
    response = https.get(presigned(stranger, "get_object", "known.txt"))
    assert (response.status_code, error(response)[0]) == (403, "InvalidAccessKeyId")


def reading_policy() -> str:
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_an_iam_users_key_signs_urls_but_only_with_its_own_secret(moto, s3, https):
    iam = moto.client("iam")
    iam.create_user(UserName="uploader")
    iam.put_user_policy(UserName="uploader", PolicyName="read", PolicyDocument=reading_policy())
    key = iam.create_access_key(UserName="uploader")["AccessKey"]
    s3.put_object(Bucket=BUCKET, Key="shared.txt", Body=b"shared")
    user = s3_client(moto.endpoint_url, key["AccessKeyId"], key["SecretAccessKey"])
    assert https.get(presigned(user, "get_object", "shared.txt")).content == b"shared"
    forger = s3_client(moto.endpoint_url, key["AccessKeyId"], "not-" + key["SecretAccessKey"])
    response = https.get(presigned(forger, "get_object", "shared.txt"))
    assert (response.status_code, error(response)[0]) == (403, "SignatureDoesNotMatch")


def test_temporary_credentials_from_sts_sign_urls_too(moto, s3, https):
    s3.put_object(Bucket=BUCKET, Key="role.txt", Body=b"for the role")
    iam = moto.client("iam")
    statement = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}, "Action": "sts:AssumeRole"}
    trust = {"Version": "2012-10-17", "Statement": [statement]}
    role = iam.create_role(RoleName="reader", AssumeRolePolicyDocument=json.dumps(trust))["Role"]
    iam.put_role_policy(RoleName="reader", PolicyName="read", PolicyDocument=reading_policy())
    session = moto.client("sts").assume_role(RoleArn=role["Arn"], RoleSessionName="reader")
    credentials = session["Credentials"]
    role = s3_client(
        moto.endpoint_url, credentials["AccessKeyId"], credentials["SecretAccessKey"], credentials["SessionToken"]
    )
    url = presigned(role, "get_object", "role.txt")
    assert "X-Amz-Security-Token=" in url
    assert https.get(url).content == b"for the role"


def test_a_tls_only_bucket_works_over_https(moto, https):
    s3 = s3_client(moto.endpoint_url)
    s3.create_bucket(Bucket=TLS_ONLY_BUCKET)
    s3.put_bucket_policy(Bucket=TLS_ONLY_BUCKET, Policy=tls_only_policy(TLS_ONLY_BUCKET))
    s3.put_object(Bucket=TLS_ONLY_BUCKET, Key="photo.jpg", Body=b"over TLS")
    assert s3.get_object(Bucket=TLS_ONLY_BUCKET, Key="photo.jpg")["Body"].read() == b"over TLS"
    url = s3.generate_presigned_url("get_object", Params={"Bucket": TLS_ONLY_BUCKET, "Key": "photo.jpg"})
    assert https.get(url).content == b"over TLS"


def test_a_tls_only_bucket_refuses_plain_http(plain_moto):
    s3 = s3_client(plain_moto)
    s3.create_bucket(Bucket=TLS_ONLY_BUCKET)
    s3.put_object(Bucket=TLS_ONLY_BUCKET, Key="photo.jpg", Body=b"in the clear")
    assert s3.get_object(Bucket=TLS_ONLY_BUCKET, Key="photo.jpg")["Body"].read() == b"in the clear"

    s3.put_bucket_policy(Bucket=TLS_ONLY_BUCKET, Policy=tls_only_policy(TLS_ONLY_BUCKET))
    for call in (
        lambda: s3.get_object(Bucket=TLS_ONLY_BUCKET, Key="photo.jpg"),
        lambda: s3.put_object(Bucket=TLS_ONLY_BUCKET, Key="other.jpg", Body=b"x"),
    ):
        with pytest.raises(ClientError) as refused:
            call()
        assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    url = s3.generate_presigned_url("get_object", Params={"Bucket": TLS_ONLY_BUCKET, "Key": "photo.jpg"})
    assert httpx.get(url).status_code == 403
