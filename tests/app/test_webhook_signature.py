"""The verifier of docs/design.md, against the Lambda's signer: 300 s either way, exact format."""

import secrets

import pytest
from webhook import sign

from photoshare.webhook.signature import signature_is_valid

KEY = secrets.token_bytes(32)
BODY = b'{"key":"originals/42/3f0c","status":"ready"}'
NOW = 1_767_225_600


def headers(timestamp, signature=None) -> dict[str, str]:
    return {
        "X-PhotoShare-Timestamp": str(timestamp),
        "X-PhotoShare-Signature": signature or sign(KEY, int(timestamp), BODY),
    }


@pytest.mark.parametrize("skew", [-300, -1, 0, 1, 300])
def test_the_lambdas_signature_is_valid_within_300_seconds(skew):
    assert signature_is_valid(KEY, headers(NOW + skew), BODY, now=NOW)


@pytest.mark.parametrize("skew", [-301, 301, -86400])
def test_older_or_newer_than_300_seconds_is_refused(skew):
    assert not signature_is_valid(KEY, headers(NOW + skew), BODY, now=NOW)


def test_header_names_ignore_case():
    lowered = {name.lower(): value for name, value in headers(NOW).items()}
    assert signature_is_valid(KEY, lowered, BODY, now=NOW)


@pytest.mark.parametrize(
    "timestamp",
    ["1767225600.0", " 1767225600", "+1767225600", "\uff11\uff17\uff16\uff17\uff12\uff12\uff15\uff16\uff10\uff10", ""],
)
def test_a_timestamp_must_be_plain_decimal_digits(timestamp):
    signature = "v1=" + sign(KEY, NOW, BODY).removeprefix("v1=")
    assert not signature_is_valid(
        KEY, {"X-PhotoShare-Timestamp": timestamp, "X-PhotoShare-Signature": signature}, BODY, now=NOW
    )


@pytest.mark.parametrize(
    "signature",
    [
        sign(KEY, NOW, BODY).removeprefix("v1="),
        sign(KEY, NOW, BODY).replace("v1=", "v2="),
        sign(KEY, NOW, BODY).upper(),
        sign(KEY, NOW, BODY)[:-1],
        sign(KEY, NOW + 1, BODY),
        sign(b"another key", NOW, BODY),
        "v1=ünïcode",
    ],
    ids=["no-prefix", "v2", "upper-case", "short", "other-timestamp", "other-key", "not-ascii"],
)
def test_anything_but_the_exact_signature_is_refused(signature):
    assert not signature_is_valid(KEY, headers(NOW, signature), BODY, now=NOW)


def test_the_body_is_signed_byte_for_byte():
    assert not signature_is_valid(KEY, headers(NOW), BODY + b"\n", now=NOW)
