"""Verifying and applying the Lambda's processing reports. Applying is idempotent: S3 delivers
events at least once, and a report for a photo already processed changes nothing."""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from photoshare.aws import read_secret_string
from photoshare.database import Database
from photoshare.errors import InvalidRequestError, InvalidSignatureError, UnknownPhotoError
from photoshare.logs import log
from photoshare.metrics import registry as metrics
from photoshare.photos import keys
from photoshare.photos import queries as photos_queries
from photoshare.photos.models import Thumbnail
from photoshare.webhook import queries
from photoshare.webhook.models import ProcessingReport
from photoshare.webhook.signature import signature_is_valid

# A failed check fetches the key again (it may have been rotated), but at most
# once in this many seconds, so forged requests cannot hammer Secrets Manager.
KEY_REFRESH_INTERVAL_SECONDS = 10
REASON_MAX_CHARS = 500


class SigningKey:
    def __init__(self, secrets_client: Any, secret_id: str) -> None:
        self._secrets = secrets_client
        self._secret_id = secret_id
        self._key: bytes | None = None
        self._refreshed_at = float("-inf")

    async def get(self) -> bytes:
        if self._key is None:
            await self._fetch()
        return self._key

    async def refresh(self) -> bool:
        """Fetch the key again unless that was done moments ago; True if it changed."""
        if time.monotonic() - self._refreshed_at < KEY_REFRESH_INTERVAL_SECONDS:
            return False
        self._refreshed_at = time.monotonic()
        previous = self._key
        await self._fetch()
        return self._key != previous

    async def _fetch(self) -> None:
        self._key = (await read_secret_string(self._secrets, self._secret_id)).encode()


async def verify(*, signing_key: SigningKey, headers: Mapping[str, str], body: bytes) -> None:
    if signature_is_valid(await signing_key.get(), headers, body, now=time.time()):
        return
    if await signing_key.refresh() and signature_is_valid(await signing_key.get(), headers, body, now=time.time()):
        log("webhook_key_rotated")
        return
    log("webhook_signature_rejected", level=logging.WARNING)
    raise InvalidSignatureError()


async def apply_report(*, db: Database, bucket: str, report: ProcessingReport) -> bool:
    """Record the result; True if it changed the photo, False if the photo already had one."""
    if report.bucket != bucket:
        raise UnknownPhotoError()
    async with db.transaction() as cur:
        photo = await queries.find_photo_for_report(cur, object_key=report.key)
        if photo is None:
            raise UnknownPhotoError()
        if photo["status"] != "processing":
            log("webhook_duplicate", photo_id=photo["public_id"], status=photo["status"])
            return False
        thumbnails = []
        for entry in report.thumbnails:
            if not keys.is_thumbnail_of(entry.key, photo["owner_id"], photo["public_id"], entry.size):
                raise InvalidRequestError(
                    f"The thumbnail key {entry.key!r} is not under this photo's thumbnail prefix."
                )
            thumbnails.append(
                Thumbnail(entry.size, entry.key, entry.content_type, entry.width, entry.height, entry.size_bytes)
            )
        await queries.apply_processing_result(
            cur,
            photo_id=photo["id"],
            status=report.status,
            reason=(report.reason or "")[:REASON_MAX_CHARS] or None if report.status == "failed" else None,
            metadata=report.metadata,
            thumbnails=thumbnails,
        )
        if photo["state"] == "stored":  # an upload still in flight counts its thumbnails when it is stored
            await photos_queries.add_storage(
                cur, user_id=photo["owner_id"], size_bytes=sum(t.size_bytes for t in thumbnails)
            )
    metrics.PROCESSING_LAG.observe(max(0.0, float(photo["age_seconds"])))
    log("webhook_applied", photo_id=photo["public_id"], status=report.status)
    return True
