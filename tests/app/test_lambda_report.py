"""End to end: the Lambda's own code (processor, report.py, webhook.py) reports to the app served by
hypercorn, and the app takes it: the photo becomes ready with the metadata the Lambda read."""

import time

import boto3
import pytest
import sample_images
from servers import AppServer, app_environment, http_visitor
from stored_state import scalar
from webhook import Delivery, SigningKey, WebhookClient

from processor import process
from processor.report import build_report, encode_report


@pytest.fixture
def server(settings, tmp_path):
    running = AppServer(app_environment(settings), tmp_path / "app.log")
    yield running
    running.stop()


def lambda_client(server, app_secrets) -> WebhookClient:
    key = SigningKey(boto3.client("secretsmanager"), app_secrets.webhook_secret_id)
    return WebhookClient(f"{server.url}/api/webhook", key, max_attempts=2, attempt_timeout=10, first_backoff=0.01)


def test_a_report_made_by_the_lambdas_code_is_accepted(server, app_secrets, settings, clean_database):
    alice = http_visitor(server, "alice")
    data = sample_images.jpeg(seed=11)
    photo = alice.post("/api/v1/photos", files={"file": ("IMG_1.jpg", data, "image/jpeg")}).json()
    key = scalar(clean_database, "SELECT object_key FROM photos WHERE public_id = %s", photo["id"])

    result = process(data)
    body = encode_report(build_report(settings.bucket, key, result))
    assert lambda_client(server, app_secrets).deliver(body, deadline=time.monotonic() + 30) is Delivery.ACCEPTED

    shown = alice.get(f"/api/v1/photos/{photo['id']}").json()
    assert shown["status"] == "ready"
    assert shown["metadata"]["camera_model"] == "EOS R6"
    assert (shown["metadata"]["width"], shown["metadata"]["height"]) == (320, 240)
    assert shown["metadata"]["taken_at"] == "2024-05-01T12:34:56"
    assert shown["urls"]["thumbnail_256"]
    assert shown["urls"]["thumbnail_1024"]


def test_the_lambda_learns_that_a_deleted_photo_is_gone(server, app_secrets, settings, clean_database):
    alice = http_visitor(server, "bob")
    data = sample_images.png(seed=12)
    photo = alice.post("/api/v1/photos", files={"file": ("a.png", data, "image/png")}).json()
    key = scalar(clean_database, "SELECT object_key FROM photos WHERE public_id = %s", photo["id"])
    assert alice.delete(f"/api/v1/photos/{photo['id']}").status_code == 204
    body = encode_report(build_report(settings.bucket, key, process(data)))
    assert lambda_client(server, app_secrets).deliver(body, deadline=time.monotonic() + 30) is Delivery.GONE
