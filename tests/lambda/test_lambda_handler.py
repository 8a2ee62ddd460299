"""The handler against the emulator's S3 over HTTP and a real webhook receiver."""

import time

import photo_samples as samples
import pytest
from botocore.exceptions import ClientError
from s3_events import original_key, s3_event
from webhook import WebhookError

from photoshare.webhook.signature import signature_is_valid


def upload(s3_client, bucket: str, data: bytes) -> str:
    key = original_key()
    s3_client.put_object(Bucket=bucket, Key=key, Body=data)
    return key


def thumbnail_keys(s3_client, bucket: str) -> list[str]:
    listing = s3_client.list_objects_v2(Bucket=bucket, Prefix="thumbnails/")
    return sorted(item["Key"] for item in listing.get("Contents", []))


def stored_objects(s3_client, bucket: str, keys: list[str]) -> list[tuple]:
    objects = []
    for key in keys:
        response = s3_client.get_object(Bucket=bucket, Key=key)
        objects.append((key, response["Body"].read(), response["ContentType"], response["ServerSideEncryption"]))
    return objects


def test_a_new_original_gets_encrypted_thumbnails_and_a_signed_report(
    handler_module, s3_client, empty_bucket, receiver, lambda_context, signing_secret, kms_key_id
):
    key = upload(s3_client, empty_bucket, samples.phone_jpeg())
    result = handler_module.handler(s3_event("put_original", empty_bucket, [key]), lambda_context(30))
    assert result == {"results": [{"key": key, "status": "ready", "reason": None}]}

    (request,) = receiver.requests
    assert signature_is_valid(signing_secret[1], request.headers, request.body, now=time.time())
    report = request.json()
    assert (report["bucket"], report["key"], report["status"]) == (empty_bucket, key, "ready")
    assert report["metadata"]["orientation"] == 6
    photo_id = key.removeprefix("originals/")
    assert thumbnail_keys(s3_client, empty_bucket) == [
        f"thumbnails/{photo_id}/1024.webp",
        f"thumbnails/{photo_id}/256.webp",
    ]
    for entry in report["thumbnails"]:
        head = s3_client.head_object(Bucket=empty_bucket, Key=entry["key"])
        assert (head["ContentType"], head["ContentLength"]) == ("image/webp", entry["size_bytes"])
        assert head["ServerSideEncryption"] == "aws:kms"
        assert kms_key_id in head["SSEKMSKeyId"]


def test_a_multipart_upload_is_processed_like_a_put(handler_module, s3_client, empty_bucket, receiver, lambda_context):
    key = upload(s3_client, empty_bucket, samples.heic_image())
    result = handler_module.handler(s3_event("multipart_original", empty_bucket, [key]), lambda_context(30))
    assert result["results"][0]["status"] == "ready"
    assert receiver.requests[0].json()["metadata"]["mime_type"] == "image/heic"


def test_a_duplicate_event_gives_the_same_objects_and_the_same_report(
    handler_module, s3_client, empty_bucket, receiver, lambda_context
):
    key = upload(s3_client, empty_bucket, samples.phone_jpeg())
    handler_module.handler(s3_event("put_original", empty_bucket, [key]), lambda_context(30))
    first_objects = stored_objects(s3_client, empty_bucket, thumbnail_keys(s3_client, empty_bucket))
    result = handler_module.handler(s3_event("duplicate_delivery", empty_bucket, [key, key]), lambda_context(30))
    assert [outcome["status"] for outcome in result["results"]] == ["ready", "ready"]
    assert stored_objects(s3_client, empty_bucket, thumbnail_keys(s3_client, empty_bucket)) == first_objects
    assert len(receiver.requests) == 3
    assert len({request.body for request in receiver.requests}) == 1


def test_keys_outside_originals_are_left_alone(handler_module, s3_client, empty_bucket, receiver, lambda_context):
    result = handler_module.handler(
        s3_event("outside_originals", empty_bucket, ["thumbnails/42/x/256.webp"]), lambda_context(30)
    )
    assert result["results"][0]["status"] == "skipped"
    assert receiver.requests == []


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (samples.text_named_jpg(), "the file is text"),
        (samples.decompression_bomb_png(), "pixels"),
        (samples.jpeg_zip_polyglot(), "ZIP archive"),
    ],
    ids=["text", "bomb", "polyglot"],
)
def test_an_invalid_upload_is_reported_failed_and_gets_no_thumbnail(
    handler_module, s3_client, empty_bucket, receiver, lambda_context, data, reason
):
    key = upload(s3_client, empty_bucket, data)
    result = handler_module.handler(s3_event("put_original", empty_bucket, [key]), lambda_context(30))
    assert result["results"][0]["status"] == "failed"
    report = receiver.requests[0].json()
    assert (report["status"], report["thumbnails"]) == ("failed", [])
    assert reason in report["reason"]
    assert thumbnail_keys(s3_client, empty_bucket) == []


def test_an_original_deleted_before_processing_is_skipped(handler_module, empty_bucket, receiver, lambda_context):
    result = handler_module.handler(s3_event("put_original", empty_bucket, [original_key()]), lambda_context(30))
    assert result["results"][0]["status"] == "skipped"
    assert receiver.requests == []


def test_thumbnails_of_a_photo_deleted_meanwhile_are_removed(
    handler_module, s3_client, empty_bucket, receiver, lambda_context
):
    receiver.answer(404)
    key = upload(s3_client, empty_bucket, samples.plain_jpeg())
    result = handler_module.handler(s3_event("put_original", empty_bucket, [key]), lambda_context(30))
    assert result["results"][0]["status"] == "discarded"
    assert thumbnail_keys(s3_client, empty_bucket) == []


def test_a_webhook_answering_500_is_retried(handler_module, s3_client, empty_bucket, receiver, lambda_context):
    receiver.answer(500)
    key = upload(s3_client, empty_bucket, samples.plain_jpeg())
    result = handler_module.handler(s3_event("put_original", empty_bucket, [key]), lambda_context(30))
    assert result["results"][0]["status"] == "ready"
    assert len(receiver.requests) == 2


def test_a_webhook_that_never_answers_fails_within_the_function_timeout(
    handler_module, s3_client, empty_bucket, receiver, lambda_context
):
    receiver.never_answer()
    key = upload(s3_client, empty_bucket, samples.plain_jpeg())
    context = lambda_context(3)
    with pytest.raises(WebhookError, match="timed out"):
        handler_module.handler(s3_event("put_original", empty_bucket, [key]), context)
    assert context.get_remaining_time_in_millis() > 0


def test_an_s3_error_raises_so_lambda_retries(handler_module, receiver, lambda_context):
    with pytest.raises(ClientError, match="NoSuchBucket"):
        handler_module.handler(s3_event("put_original", "pstest-no-such-bucket", [original_key()]), lambda_context(30))
    assert receiver.requests == []
