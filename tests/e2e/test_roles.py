"""The app and the Lambda sign with their roles' sessions, so IAM decides what each may do, as on AWS.

The web host's app gets its instance role's session from the emulator's
metadata service, the processor its execution role's; the emulator applies
their policies. A permission taken from a role breaks exactly the feature
that needs it, and nothing else.
"""

from __future__ import annotations

import io
import json
import secrets
import ssl
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import boto3
import httpx
import pytest
from photos import phone_photo
from PIL import Image

from devtools import localcloud as localcloud_module

pytestmark = pytest.mark.slow

CLOUD = localcloud_module.load()
WEB_ROLE = "photoshare-web"
WEB_POLICY = "photoshare-web-access"
PROCESSING_TIMEOUT_S = 90


@pytest.fixture(scope="module")
def api(deployed) -> Iterator[httpx.Client]:
    """A new user's API client, through the load balancer, with a write token."""
    tls = ssl.create_default_context(cafile=CLOUD.ca.ca_file)
    with httpx.Client(base_url=f"{deployed}/api/v1", verify=tls, timeout=30) as browser:
        csrf = browser.get("/session").json()["csrf_token"]
        credentials = {"username": f"roles{secrets.token_hex(4)}", "password": secrets.token_urlsafe(16)}
        registered = browser.post("/accounts", json=credentials, headers={"X-CSRF-Token": csrf})
        assert registered.status_code == 201, registered.text
        token = browser.post(
            "/tokens",
            json={"name": "role checks", "scope": "write"},
            headers={"X-CSRF-Token": registered.json()["csrf_token"]},
        ).json()["token"]
    with httpx.Client(
        base_url=f"{deployed}/api/v1", verify=tls, timeout=30, headers={"Authorization": f"Bearer {token}"}
    ) as client:
        yield client


@pytest.fixture
def new_photo(tmp_path) -> Callable[[], bytes]:
    """A phone's JPEG, different every time (the app refuses the same photo twice)."""

    def make() -> bytes:
        path = tmp_path / "phone.jpg"
        phone_photo(path)
        with Image.open(path) as image:
            image.putpixel((0, 0), tuple(secrets.randbelow(256) for _ in range(3)))
            out = io.BytesIO()
            image.save(out, "JPEG", quality=90, exif=image.getexif())
        return out.getvalue()

    return make


def upload(api: httpx.Client, data: bytes) -> dict:
    reply = api.post("/photos", files={"file": ("phone.jpg", io.BytesIO(data), "image/jpeg")})
    assert reply.status_code == 201, reply.text
    return reply.json()


def processed(api: httpx.Client, photo_id: str) -> dict:
    """The photo once the processor has reported on it."""
    deadline = time.monotonic() + PROCESSING_TIMEOUT_S
    while True:
        photo = api.get(f"/photos/{photo_id}").json()
        if photo["status"] != "processing" or time.monotonic() > deadline:
            return photo
        time.sleep(1)


@contextmanager
def web_role_without(action: str) -> Iterator[None]:
    """The web host role's policy with one action taken out, put back afterwards."""
    iam = boto3.client("iam")
    original = iam.get_role_policy(RoleName=WEB_ROLE, PolicyName=WEB_POLICY)["PolicyDocument"]
    reduced = json.loads(json.dumps(original))
    for statement in reduced["Statement"]:
        actions = [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        statement["Action"] = [name for name in actions if name != action] or ["s3:GetBucketTagging"]
    iam.put_role_policy(RoleName=WEB_ROLE, PolicyName=WEB_POLICY, PolicyDocument=json.dumps(reduced))
    try:
        yield
    finally:
        iam.put_role_policy(RoleName=WEB_ROLE, PolicyName=WEB_POLICY, PolicyDocument=json.dumps(original))


def test_the_processor_reports_with_its_role_session(api, new_photo, aws_environment):
    """Processing reads the original and writes thumbnails with the execution role's session
    (moto's own dummy keys are refused), then reports through the load balancer."""
    photo = processed(api, upload(api, new_photo())["id"])
    assert photo["status"] == "ready", photo
    assert photo["urls"]["thumbnail_256"]


def originals_of(photo_id: str) -> list[str]:
    s3 = boto3.client("s3")
    (bucket,) = [item["Name"] for item in s3.list_buckets()["Buckets"] if item["Name"].startswith("photoshare-assets-")]
    listed = s3.list_objects_v2(Bucket=bucket, Prefix="originals/").get("Contents", [])
    return [item["Key"] for item in listed if item["Key"].endswith(f"/{photo_id}")]


def test_a_web_role_without_delete_cannot_delete_and_loses_nothing(api, new_photo, aws_environment):
    photo = processed(api, upload(api, new_photo())["id"])
    tls = ssl.create_default_context(cafile=CLOUD.ca.ca_file)
    with web_role_without("s3:DeleteObject"):
        assert api.delete(f"/photos/{photo['id']}").status_code == 503
        assert originals_of(photo["id"])
        # Uploading (s3:PutObject) and showing (s3:GetObject, through a presigned URL) still work.
        data = new_photo()
        other = upload(api, data)
        original = api.get(f"/photos/{other['id']}").json()["urls"]["original"]
        assert httpx.get(original, verify=tls, timeout=10).content == data
    assert api.delete(f"/photos/{other['id']}").status_code == 204
    assert not originals_of(other["id"])
