"""The report reaches a real HTTP receiver signed as docs/design.md says, with retries bounded in time."""

import secrets
import socket
import time

import boto3
import pytest
from webhook import Delivery, SigningKey, WebhookClient, WebhookError, sign

from photoshare.webhook.signature import signature_is_valid

BODY = b'{"key":"originals/42/3f0c","status":"ready"}'


@pytest.fixture
def signing_key(signing_secret):
    return SigningKey(boto3.client("secretsmanager"), signing_secret[0])


def client_for(url: str, key: SigningKey, **options) -> WebhookClient:
    settings = {"max_attempts": 4, "attempt_timeout": 5.0, "first_backoff": 0.01, **options}
    return WebhookClient(url, key, **settings)


def far_deadline() -> float:
    return time.monotonic() + 60


def test_the_signature_checks_out_with_the_apps_verifier():
    key, timestamp = secrets.token_bytes(32), int(time.time())
    headers = {"X-PhotoShare-Timestamp": str(timestamp), "X-PhotoShare-Signature": sign(key, timestamp, BODY)}
    assert signature_is_valid(key, headers, BODY, now=time.time())
    assert not signature_is_valid(key, headers, BODY + b" ", now=time.time())
    assert not signature_is_valid(secrets.token_bytes(32), headers, BODY, now=time.time())
    assert not signature_is_valid(key, headers, BODY, now=time.time() + 301)


def test_the_report_is_posted_signed_with_the_key_from_secrets_manager(receiver, signing_key, signing_secret):
    assert client_for(receiver.url, signing_key).deliver(BODY, deadline=far_deadline()) is Delivery.ACCEPTED
    (request,) = receiver.requests
    assert (request.path, request.body) == ("/api/webhook", BODY)
    assert request.headers["content-type"] == "application/json"
    assert request.headers["x-photoshare-signature"].startswith("v1=")
    assert signature_is_valid(signing_secret[1], request.headers, request.body, now=time.time())


def test_server_errors_are_retried_until_the_app_takes_the_report(receiver, signing_key, signing_secret):
    receiver.answer(500, 503, 429)
    assert client_for(receiver.url, signing_key).deliver(BODY, deadline=far_deadline()) is Delivery.ACCEPTED
    assert len(receiver.requests) == 4
    for request in receiver.requests:
        assert request.body == BODY
        assert signature_is_valid(signing_secret[1], request.headers, request.body, now=time.time())


def test_a_404_means_the_photo_is_gone_and_is_not_retried(receiver, signing_key):
    receiver.answer(404)
    assert client_for(receiver.url, signing_key).deliver(BODY, deadline=far_deadline()) is Delivery.GONE
    assert len(receiver.requests) == 1


def test_a_refusal_is_raised_at_once(receiver, signing_key):
    receiver.answer(400)
    with pytest.raises(WebhookError, match="refused the report with HTTP 400"):
        client_for(receiver.url, signing_key).deliver(BODY, deadline=far_deadline())
    assert len(receiver.requests) == 1


def test_persistent_server_errors_raise_after_the_last_attempt(receiver, signing_key):
    receiver.answer(500, 502, 503)
    with pytest.raises(WebhookError, match=r"after 3 attempt\(s\); last error: HTTP 503"):
        client_for(receiver.url, signing_key, max_attempts=3).deliver(BODY, deadline=far_deadline())
    assert len(receiver.requests) == 3


def test_an_unreachable_app_is_retried_then_raised(signing_key):
    with socket.socket() as placeholder:  # a port that nothing listens on
        placeholder.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{placeholder.getsockname()[1]}/api/webhook"
        with pytest.raises(WebhookError, match=r"after 3 attempt\(s\).*(Connection refused|URLError)"):
            client_for(url, signing_key, max_attempts=3).deliver(BODY, deadline=far_deadline())


def test_a_webhook_that_never_answers_fails_by_the_deadline(receiver, signing_key):
    receiver.never_answer()
    with pytest.raises(WebhookError, match="timed out"):
        client_for(receiver.url, signing_key).deliver(BODY, deadline=time.monotonic() + 1.5)
    assert len(receiver.requests) == 1  # the one attempt used all the time there was


def test_a_rotated_key_is_fetched_again_after_a_401(receiver, aws_environment):
    secretsmanager = boto3.client("secretsmanager")
    secret_id, old, new = f"pstest-{secrets.token_hex(6)}/webhook/signing-key", "o" * 40, "n" * 40
    secretsmanager.create_secret(Name=secret_id, SecretString=old)
    try:
        key = SigningKey(secretsmanager, secret_id)
        assert key.get() == old.encode()
        secretsmanager.put_secret_value(SecretId=secret_id, SecretString=new)
        receiver.answer(401)
        assert client_for(receiver.url, key).deliver(BODY, deadline=far_deadline()) is Delivery.ACCEPTED
    finally:
        secretsmanager.delete_secret(SecretId=secret_id, ForceDeleteWithoutRecovery=True)
    first, second = receiver.requests
    assert signature_is_valid(old.encode(), first.headers, first.body, now=time.time())
    assert signature_is_valid(new.encode(), second.headers, second.body, now=time.time())


def test_a_401_with_an_unchanged_key_is_raised(receiver, signing_key):
    receiver.answer(401)
    with pytest.raises(WebhookError, match="HTTP 401"):
        client_for(receiver.url, signing_key).deliver(BODY, deadline=far_deadline())
    assert len(receiver.requests) == 1
