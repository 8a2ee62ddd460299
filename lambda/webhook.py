"""The signed report to the app's POST /api/webhook, retried within the time the function has.

Signature (docs/design.md): X-PhotoShare-Timestamp is Unix time in whole
seconds, X-PhotoShare-Signature is "v1=" and the lowercase hex of
HMAC-SHA256(key, timestamp + "." + body). Each attempt is signed afresh, so a
late retry is not refused as stale.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
import http.client
import logging
import time
import urllib.error
import urllib.request

from logs import log

TIMESTAMP_HEADER = "X-PhotoShare-Timestamp"
SIGNATURE_HEADER = "X-PhotoShare-Signature"
USER_AGENT = "photoshare-processor"


def sign(key: bytes, timestamp: int, body: bytes) -> str:
    mac = hmac.new(key, f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"v1={mac.hexdigest()}"


class Delivery(enum.Enum):
    ACCEPTED = "accepted"
    GONE = "gone"  # 404: the photo was deleted meanwhile, so there is nothing to update


class WebhookError(RuntimeError):
    """The app did not take the report; the invocation fails so Lambda retries and the alarm sees it."""


class SigningKey:
    """The shared key from Secrets Manager, fetched on first use and kept across invocations."""

    def __init__(self, secrets_client, secret_id: str) -> None:
        self._secrets = secrets_client
        self._secret_id = secret_id
        self._key: bytes | None = None

    def get(self) -> bytes:
        if self._key is None:
            self._key = self._fetch()
        return self._key

    def refresh(self) -> bool:
        """Fetch the key again (it may have been rotated); True if it changed."""
        previous, self._key = self._key, self._fetch()
        return self._key != previous

    def _fetch(self) -> bytes:
        return self._secrets.get_secret_value(SecretId=self._secret_id)["SecretString"].encode()


class WebhookClient:
    def __init__(
        self,
        url: str,
        key: SigningKey,
        *,
        max_attempts: int,
        attempt_timeout: float,
        first_backoff: float = 0.5,
        max_backoff: float = 8.0,
    ) -> None:
        self.url = url
        self.key = key
        self.max_attempts = max_attempts
        self.attempt_timeout = attempt_timeout
        self.first_backoff = first_backoff
        self.max_backoff = max_backoff

    def deliver(self, body: bytes, *, deadline: float) -> Delivery:
        """POST body until the app takes it, retrying 5xx, 429 and network errors with backoff.

        deadline is a time.monotonic() value: no attempt and no pause runs past it.
        """
        key_refreshed = False
        last_error = "the function had no time left"
        attempt = 0
        while attempt < self.max_attempts:
            timeout = min(self.attempt_timeout, deadline - time.monotonic())
            if timeout <= 0:
                break
            attempt += 1
            try:
                status = self._post(body, timeout)
            except (OSError, http.client.HTTPException) as err:
                status, last_error = None, f"{type(err).__name__}: {err}"
            if status is not None:
                if 200 <= status < 300:
                    return Delivery.ACCEPTED
                if status == 404:
                    return Delivery.GONE
                if status == 401 and not key_refreshed:
                    # The key may have been rotated since it was cached: one retry with a fresh copy.
                    key_refreshed = True
                    if self.key.refresh():
                        continue
                if status < 500 and status != 429:
                    raise WebhookError(f"the app refused the report with HTTP {status}; retrying will not help")
                last_error = f"HTTP {status}"
            log("webhook_attempt_failed", level=logging.WARNING, attempt=attempt, error=last_error)
            pause = min(self.max_backoff, self.first_backoff * 2 ** (attempt - 1))
            if time.monotonic() + pause >= deadline:
                break
            time.sleep(pause)
        raise WebhookError(f"the app did not take the report after {attempt} attempt(s); last error: {last_error}")

    def _post(self, body: bytes, timeout: float) -> int:
        timestamp = int(time.time())
        request = urllib.request.Request(  # noqa: S310 - settings allow only http and https URLs
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                TIMESTAMP_HEADER: str(timestamp),
                SIGNATURE_HEADER: sign(self.key.get(), timestamp, body),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - as above
                return response.status
        except urllib.error.HTTPError as err:
            err.close()
            return err.code
