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
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

ALGORITHM = "AWS4-HMAC-SHA256"
PROBE_KEY = "probe"


@dataclass(frozen=True)
class FrozenCredentials:
    access_key: str
    secret_key: str
    token: str | None


@dataclass(frozen=True)
class SignedUrl:
    url: str
    expires_at: int  # Unix time


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

    @property
    def origin(self) -> str:
        """Where the browser fetches images from (for the Content-Security-Policy)."""
        return self._origin

    def sign(self, key: str, credentials: FrozenCredentials, now: float | None = None) -> SignedUrl:
        moment = int(time.time() if now is None else now)
        signed_at = moment - moment % self._window
        stamp = datetime.fromtimestamp(signed_at, UTC)
        amz_date = stamp.strftime("%Y%m%dT%H%M%SZ")
        date = amz_date[:8]
        scope = f"{date}/{self._region}/s3/aws4_request"
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
        path = quote(self._path_prefix + key, safe="/-_.~")
        canonical = f"GET\n{path}\n{query}\nhost:{self._host}\n\nhost\nUNSIGNED-PAYLOAD"
        to_sign = f"{ALGORITHM}\n{amz_date}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        signature = hmac.new(self._signing_key(credentials.secret_key, date), to_sign.encode(), hashlib.sha256)
        return SignedUrl(
            url=f"{self._origin}{path}?{query}&X-Amz-Signature={signature.hexdigest()}",
            expires_at=signed_at + self._ttl,
        )

    def _signing_key(self, secret_key: str, date: str) -> bytes:
        cache_key = (secret_key, date)
        signing_key = self._signing_keys.get(cache_key)
        if signing_key is None:
            signing_key = f"AWS4{secret_key}".encode()
            for part in (date, self._region, "s3", "aws4_request"):
                signing_key = hmac.new(signing_key, part.encode(), hashlib.sha256).digest()
            self._signing_keys = {cache_key: signing_key}  # one day and one key at a time
        return signing_key
