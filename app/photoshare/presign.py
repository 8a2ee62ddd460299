"""Presigned GET URLs for the bucket's objects, signed with AWS Signature Version 4 (query string).

botocore's generate_presigned_url costs about 200 µs a URL (endpoint rules,
event hooks), which a gallery page of 24 thumbnails cannot afford. The
client still decides where objects live (the base URL is taken from one URL
it presigns at start-up); this module only signs, in a few microseconds, and
the tests check its URLs against botocore's own SigV4 query signer.

The signing time is rounded down to a fifth of the lifetime, so a URL stays
the same for that long: browsers cache the image, and every URL handed out
is valid for at least four fifths of PHOTOSHARE_PRESIGNED_URL_TTL.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

from markupsafe import Markup

ALGORITHM = "AWS4-HMAC-SHA256"
PROBE_KEY = "probe"
# A URL is the same for a whole signing window, so signing is memoised (the
# result is identical, only cheaper): this many URLs, the oldest dropped first.
SIGNED_CACHE_SIZE = 4096
# Paths made only of these characters need no percent-encoding (our keys are).
SAFE_PATH = re.compile(r"[A-Za-z0-9/._~-]*")


@dataclass(frozen=True)
class FrozenCredentials:
    access_key: str
    secret_key: str
    token: str | None


@dataclass(frozen=True)
class SignedUrl:
    url: str
    expires_at: int  # Unix time

    @property
    def html(self) -> Markup:
        """The URL escaped for an HTML attribute: '&' is its only character that needs it
        (the path is percent-encoded), so this is cheaper than the general escape."""
        return Markup(self.url.replace("&", "&amp;"))  # noqa: S704 - escaped on the line above


class UrlSigner:
    def __init__(self, *, probe_url: str, region: str, ttl: int) -> None:
        """probe_url: what the S3 client presigns for the key PROBE_KEY, which tells where objects live."""
        parts = urlsplit(probe_url)
        if not parts.path.endswith("/" + PROBE_KEY):
            raise ValueError(f"cannot tell the object URL layout from {parts.scheme}://{parts.netloc}{parts.path}")
        self._origin = f"{parts.scheme}://{parts.netloc}"
        self._host = parts.netloc
        self._path_prefix = parts.path[: -len(PROBE_KEY)]
        self._region = region
        self._ttl = ttl
        self._window = max(1, ttl // 5)
        self._signing_keys: dict[tuple[str, str], bytes] = {}
        self._queries: dict[tuple, tuple[str, str, str]] = {}
        self._signed: dict[tuple, SignedUrl] = {}

    @property
    def origin(self) -> str:
        """Where the browser fetches images from (for the Content-Security-Policy)."""
        return self._origin

    def sign(self, key: str, credentials: FrozenCredentials, now: float | None = None) -> SignedUrl:
        moment = int(time.time() if now is None else now)
        signed_at = moment - moment % self._window
        cache_key = (key, credentials, signed_at)
        signed = self._signed.get(cache_key)
        if signed is None:
            signed = self._sign(key, credentials, signed_at)
            if len(self._signed) >= SIGNED_CACHE_SIZE:
                self._signed.pop(next(iter(self._signed)))  # the oldest entry
            self._signed[cache_key] = signed
        return signed

    def _sign(self, key: str, credentials: FrozenCredentials, signed_at: int) -> SignedUrl:
        amz_date, scope, query = self._query(credentials, signed_at)
        full_key = self._path_prefix + key
        path = full_key if SAFE_PATH.fullmatch(full_key) else quote(full_key, safe="/-_.~")
        canonical = f"GET\n{path}\n{query}\nhost:{self._host}\n\nhost\nUNSIGNED-PAYLOAD"
        to_sign = f"{ALGORITHM}\n{amz_date}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        signature = hmac.digest(self._signing_key(credentials.secret_key, amz_date[:8]), to_sign.encode(), "sha256")
        return SignedUrl(
            url=f"{self._origin}{path}?{query}&X-Amz-Signature={signature.hex()}",
            expires_at=signed_at + self._ttl,
        )

    def _query(self, credentials: FrozenCredentials, signed_at: int) -> tuple[str, str, str]:
        """The signing date, scope and canonical query string, the same for every key in a window."""
        cache_key = (credentials.access_key, credentials.token, signed_at)
        cached = self._queries.get(cache_key)
        if cached is None:
            amz_date = datetime.fromtimestamp(signed_at, UTC).strftime("%Y%m%dT%H%M%SZ")
            scope = f"{amz_date[:8]}/{self._region}/s3/aws4_request"
            params = {
                "X-Amz-Algorithm": ALGORITHM,
                "X-Amz-Credential": f"{credentials.access_key}/{scope}",
                "X-Amz-Date": amz_date,
                "X-Amz-Expires": str(self._ttl),
                "X-Amz-SignedHeaders": "host",
            }
            if credentials.token:
                params["X-Amz-Security-Token"] = credentials.token
            query = "&".join(f"{name}={quote(value, safe='-_.~')}" for name, value in sorted(params.items()))
            cached = (amz_date, scope, query)
            self._queries = {cache_key: cached}  # one window at a time
        return cached

    def _signing_key(self, secret_key: str, date: str) -> bytes:
        cache_key = (secret_key, date)
        signing_key = self._signing_keys.get(cache_key)
        if signing_key is None:
            signing_key = f"AWS4{secret_key}".encode()
            for part in (date, self._region, "s3", "aws4_request"):
                signing_key = hmac.new(signing_key, part.encode(), hashlib.sha256).digest()
            self._signing_keys = {cache_key: signing_key}  # one day and one key at a time
        return signing_key
