"""An independent check of the webhook signature, written from docs/design.md only.

It stands in for the app's verifier (app/photoshare/webhook/signature.py),
which is written in parallel; after the merge the tests use that one.
"""

from __future__ import annotations

import hashlib
import hmac

MAX_SKEW_SECONDS = 300


def signature_is_valid(key: bytes, headers: dict[str, str], body: bytes, now: float) -> bool:
    by_name = {name.lower(): value for name, value in headers.items()}  # HTTP header names ignore case
    timestamp = by_name.get("x-photoshare-timestamp", "")
    signature = by_name.get("x-photoshare-signature", "")
    if not timestamp.isdigit() or abs(now - int(timestamp)) > MAX_SKEW_SECONDS:
        return False
    expected = "v1=" + hmac.new(key, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)
