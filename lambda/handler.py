"""Lambda entry point (handler string `handler.handler`): S3 ObjectCreated events under originals/.

For each new original: read it, let the pure processor check it and make the
thumbnails, write them with SSE-KMS, and post the signed report to the app.
Invalid input is reported as `failed`; anything else (S3 unreachable, the app
not taking the report) raises, so Lambda retries and the error alarm fires.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import unquote_plus

import boto3
from botocore.config import Config
from logs import log
from settings import Settings
from storage import PhotoStore
from webhook import Delivery, SigningKey, WebhookClient

from processor import process
from processor.keys import is_original
from processor.report import build_report, encode_report

# Stop retrying the webhook this long before Lambda would stop the function,
# so the failure is logged and raised cleanly.
DEADLINE_MARGIN_SECONDS = 1.0
AWS_CLIENT_CONFIG = Config(connect_timeout=5, read_timeout=30, retries={"mode": "standard", "max_attempts": 3})

# Created once per execution environment and reused by every invocation.
SETTINGS = Settings.from_environ()
STORE = PhotoStore(boto3.client("s3", config=AWS_CLIENT_CONFIG), SETTINGS.kms_key_id)
WEBHOOK = WebhookClient(
    SETTINGS.webhook_url,
    SigningKey(boto3.client("secretsmanager", config=AWS_CLIENT_CONFIG), SETTINGS.webhook_secret_id),
    max_attempts=SETTINGS.webhook_max_attempts,
    attempt_timeout=SETTINGS.webhook_attempt_timeout,
)


def handler(event: dict, context) -> dict:
    deadline = time.monotonic() + context.get_remaining_time_in_millis() / 1000 - DEADLINE_MARGIN_SECONDS
    return {"results": [handle_record(record, deadline) for record in event.get("Records", [])]}


def handle_record(record: dict, deadline: float) -> dict:
    bucket = record["s3"]["bucket"]["name"]
    key = unquote_plus(record["s3"]["object"]["key"])  # event keys are URL-encoded
    if not record.get("eventName", "").startswith("ObjectCreated:") or not is_original(key):
        return outcome(key, "skipped", "not a new original under originals/<user_id>/<uuid>")
    data = STORE.read_original(bucket, key)
    if data is None:
        return outcome(key, "skipped", "the original was deleted before it was processed")

    result = process(data, max_pixels=SETTINGS.max_pixels)
    report = build_report(bucket, key, result)
    for thumbnail, entry in zip(result.thumbnails, report["thumbnails"], strict=True):
        STORE.put(bucket, entry["key"], thumbnail.data, thumbnail.content_type)

    if WEBHOOK.deliver(encode_report(report), deadline=deadline) is Delivery.GONE:
        # The photo was deleted while it was processed: leave no orphaned thumbnails.
        STORE.delete(bucket, [entry["key"] for entry in report["thumbnails"]])
        return outcome(key, "discarded", "the app no longer has the photo")
    return outcome(key, report["status"], result.reason)


def outcome(key: str, status: str, reason: str | None) -> dict:
    log(
        "processed",
        level=logging.INFO if status != "failed" else logging.WARNING,
        key=key,
        status=status,
        reason=reason,
    )
    return {"key": key, "status": status, "reason": reason}
