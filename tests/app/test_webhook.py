"""POST /api/webhook: signed reports applied once; bad signatures, stale and unknown ones change nothing."""

import time

import boto3
import pytest
import sample_images
from reports import encode, report_for, signed_headers, write_thumbnails
from stored_state import scalar


@pytest.fixture
async def uploaded(visitor, empty_bucket, clean_database):
    """(visitor, photo id, original key) of a fresh upload by alice."""
    alice = visitor()
    await alice.register("alice")
    photo = (await alice.upload(sample_images.jpeg(), visibility="public")).json()
    key = scalar(clean_database, "SELECT object_key FROM photos WHERE public_id = %s", photo["id"])
    return alice, photo["id"], key


async def post_report(visitor, body: bytes, headers: dict):
    return await visitor.request("POST", "/api/webhook", csrf=False, data=body, headers=headers)


def photo_state(database, public_id: str):
    return scalar(
        database,
        "SELECT CONCAT_WS('|', status, IFNULL(failure_reason, ''), IFNULL(width, ''), updated_at,"
        " (SELECT COUNT(*) FROM thumbnails t WHERE t.photo_id = p.id)) FROM photos p WHERE public_id = %s",
        public_id,
    )


async def test_a_ready_report_fills_in_the_metadata_and_thumbnails(uploaded, app_secrets, s3_client, empty_bucket):
    alice, photo_id, key = uploaded
    report = report_for(empty_bucket, key)
    write_thumbnails(s3_client, empty_bucket, report)
    body = encode(report)
    reply = await post_report(alice, body, signed_headers(app_secrets.webhook_key, body))
    assert (reply.status, reply.json()) == (200, {"status": "ok"})
    photo = (await alice.get(f"/api/v1/photos/{photo_id}")).json()
    assert photo["status"] == "ready"
    assert photo["metadata"] == {
        "width": 4032,
        "height": 3024,
        "orientation": 6,
        "taken_at": "2024-05-01T12:34:56",
        "camera_make": "Canon",
        "camera_model": "EOS R6",
    }
    assert "/thumbnails/" in photo["urls"]["thumbnail_256"]
    assert "/thumbnails/" in photo["urls"]["thumbnail_1024"]
    page = (await alice.get(f"/photos/{photo_id}")).text
    for fact in (
        "4032 \N{MULTIPLICATION SIGN} 3024",
        "(shown 3024 \N{MULTIPLICATION SIGN} 4032)",
        "2024-05-01 12:34:56",
        "Canon EOS R6",
        "ready",
    ):
        assert fact in page


async def test_a_failed_report_shows_its_reason(uploaded, app_secrets, empty_bucket):
    alice, photo_id, key = uploaded
    body = encode(report_for(empty_bucket, key, status="failed"))
    assert (await post_report(alice, body, signed_headers(app_secrets.webhook_key, body))).status == 200
    page = (await alice.get(f"/photos/{photo_id}")).text
    assert "failed: the file is text, not an image PhotoShare accepts" in page
    feed = (await alice.get("/api/v1/feed")).json()
    assert feed["items"] == []  # the public feed shows processed photos only


@pytest.mark.parametrize(
    "forge",
    [
        pytest.param(lambda key, body: signed_headers(b"not-the-key" * 4, body), id="wrong-key"),
        pytest.param(lambda key, body: signed_headers(key, body + b" "), id="other-body"),
        pytest.param(lambda key, body: {**signed_headers(key, body), "X-PhotoShare-Signature": ""}, id="empty"),
        pytest.param(
            lambda key, body: {k: v for k, v in signed_headers(key, body).items() if "Signature" not in k},
            id="missing-signature",
        ),
        pytest.param(
            lambda key, body: {k: v for k, v in signed_headers(key, body).items() if "Timestamp" not in k},
            id="missing-timestamp",
        ),
        pytest.param(lambda key, body: signed_headers(key, body, int(time.time()) - 301), id="stale"),
        pytest.param(lambda key, body: signed_headers(key, body, int(time.time()) + 301), id="future"),
        pytest.param(
            lambda key, body: {
                **signed_headers(key, body),
                "X-PhotoShare-Signature": signed_headers(key, body)["X-PhotoShare-Signature"].upper(),
            },
            id="upper-case-hex",
        ),
        pytest.param(lambda key, body: {**signed_headers(key, body), "X-PhotoShare-Signature": "v1=é"}, id="not-ascii"),
    ],
)
async def test_a_bad_signature_is_401_and_changes_nothing(uploaded, app_secrets, empty_bucket, clean_database, forge):
    alice, photo_id, key = uploaded
    before = photo_state(clean_database, photo_id)
    body = encode(report_for(empty_bucket, key))
    reply = await post_report(alice, body, forge(app_secrets.webhook_key, body))
    assert (reply.status, reply.error_code) == (401, "invalid_signature")
    assert photo_state(clean_database, photo_id) == before


async def test_timestamps_within_300_seconds_either_way_are_accepted(uploaded, app_secrets, empty_bucket):
    alice, _, key = uploaded
    body = encode(report_for(empty_bucket, key))
    for skew in (-290, 290):
        headers = signed_headers(app_secrets.webhook_key, body, int(time.time()) + skew)
        assert (await post_report(alice, body, headers)).status == 200


async def test_a_replayed_or_repeated_report_changes_nothing_the_second_time(
    uploaded, app_secrets, empty_bucket, clean_database
):
    alice, photo_id, key = uploaded
    body = encode(report_for(empty_bucket, key))
    headers = signed_headers(app_secrets.webhook_key, body)
    assert (await post_report(alice, body, headers)).status == 200
    applied = photo_state(clean_database, photo_id)
    assert (await post_report(alice, body, headers)).status == 200  # a replay of the same request
    other = encode(report_for(empty_bucket, key, status="failed"))
    assert (await post_report(alice, other, signed_headers(app_secrets.webhook_key, other))).status == 200
    assert photo_state(clean_database, photo_id) == applied


async def test_an_unknown_key_is_404(uploaded, app_secrets, empty_bucket):
    alice, _, key = uploaded
    for report in (
        report_for(empty_bucket, "originals/1/00000000-0000-4000-8000-000000000000"),
        report_for("someone-elses-bucket", key),
    ):
        body = encode(report)
        reply = await post_report(alice, body, signed_headers(app_secrets.webhook_key, body))
        assert (reply.status, reply.error_code) == (404, "unknown_photo")


async def test_a_report_for_a_deleted_photo_is_404(uploaded, app_secrets, empty_bucket):
    alice, photo_id, key = uploaded
    assert (await alice.request("DELETE", f"/api/v1/photos/{photo_id}")).status == 204
    body = encode(report_for(empty_bucket, key))
    assert (await post_report(alice, body, signed_headers(app_secrets.webhook_key, body))).status == 404


@pytest.mark.parametrize(
    "mangle",
    [
        pytest.param(lambda report: {**report, "status": "done"}, id="status"),
        pytest.param(lambda report: {k: v for k, v in report.items() if k != "metadata"}, id="no-metadata"),
        pytest.param(lambda report: {**report, "metadata": {"size_bytes": "big"}}, id="metadata-types"),
        pytest.param(
            lambda report: {**report, "thumbnails": [{**report["thumbnails"][0], "key": "originals/2/other"}]},
            id="thumbnail-outside-prefix",
        ),
        pytest.param(lambda report: [report], id="not-an-object"),
    ],
)
async def test_a_report_that_breaks_the_schema_is_400(uploaded, app_secrets, empty_bucket, clean_database, mangle):
    alice, photo_id, key = uploaded
    before = photo_state(clean_database, photo_id)
    body = encode(mangle(report_for(empty_bucket, key)))
    reply = await post_report(alice, body, signed_headers(app_secrets.webhook_key, body))
    assert (reply.status, reply.error_code) == (400, "invalid_request")
    assert photo_state(clean_database, photo_id) == before


async def test_not_json_is_400_but_only_after_the_signature(uploaded, app_secrets):
    alice, _, _ = uploaded
    body = b"{not json"
    assert (await post_report(alice, body, signed_headers(app_secrets.webhook_key, body))).status == 400
    assert (await post_report(alice, body, signed_headers(b"k" * 32, body))).status == 401


async def test_a_rotated_signing_key_is_fetched_again(uploaded, app_secrets, empty_bucket, clean_database):
    alice, photo_id, key = uploaded
    body = encode(report_for(empty_bucket, key))
    # The app has the current key cached from an accepted report.
    warm = encode(report_for(empty_bucket, "originals/1/00000000-0000-4000-8000-000000000000"))
    assert (await post_report(alice, warm, signed_headers(app_secrets.webhook_key, warm))).status == 404
    secrets_client = boto3.client("secretsmanager")
    new_key = "rotated-" + "k" * 40
    secrets_client.put_secret_value(SecretId=app_secrets.webhook_secret_id, SecretString=new_key)
    try:
        reply = await post_report(alice, body, signed_headers(new_key.encode(), body))
        assert reply.status == 200
    finally:
        secrets_client.put_secret_value(
            SecretId=app_secrets.webhook_secret_id, SecretString=app_secrets.webhook_key.decode()
        )
    assert photo_state(clean_database, photo_id).startswith("ready|")
    forged = await post_report(alice, body, signed_headers(b"forged" * 8, body))
    assert forged.status == 401  # a forged signature is still refused after the rotation
