"""The webhook signature of docs/design.md, checked exactly as specified.

X-PhotoShare-Timestamp is Unix time in whole seconds (decimal digits);
X-PhotoShare-Signature is "v1=" and the lowercase hex of
HMAC-SHA256(key, timestamp + "." + raw_body). A timestamp more than 300 s
from our clock, either way, is refused; the comparison takes constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping

TIMESTAMP_HEADER = "X-PhotoShare-Timestamp"
SIGNATURE_HEADER = "X-PhotoShare-Signature"
MAX_SKEW_SECONDS = 300
TIMESTAMP = re.compile(r"[0-9]{1,15}")


def expected_signature(key: bytes, timestamp: str, body: bytes) -> str:
    return "v1=" + hmac.new(key, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def timestamp_is_fresh(timestamp: str | None, now: float) -> bool:
    return (
        timestamp is not None
        and TIMESTAMP.fullmatch(timestamp) is not None
        and abs(now - int(timestamp)) <= MAX_SKEW_SECONDS
    )


def signature_is_valid(key: bytes, headers: Mapping[str, str], body: bytes, *, now: float) -> bool:
    """True if headers carry a fresh timestamp and the signature of body under key (names ignore case)."""
    by_name = {name.lower(): value for name, value in headers.items()}
    timestamp = by_name.get(TIMESTAMP_HEADER.lower())
    signature = by_name.get(SIGNATURE_HEADER.lower())
    if signature is None or not timestamp_is_fresh(timestamp, now):
        return False
    expected = expected_signature(key, timestamp, body)
    return hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace"))
