"""The webhook's SQL: the photo a processing report is about, and the report's result.

Functions take a cursor and keyword arguments only.
"""

from __future__ import annotations

from asyncmy.cursors import DictCursor

from photoshare.photos.models import Thumbnail
from photoshare.webhook.models import ReportMetadata


async def find_photo_for_report(cur: DictCursor, *, object_key: str) -> dict | None:
    """The photo the Lambda reports on, locked for the update; None if unknown or being deleted."""
    await cur.execute(
        "SELECT id, owner_id, public_id, status, state,"
        " TIMESTAMPDIFF(MICROSECOND, created_at, UTC_TIMESTAMP(6)) / 1000000 AS age_seconds"
        " FROM photos WHERE object_key = %s AND state <> 'deleting' FOR UPDATE",
        (object_key,),
    )
    return await cur.fetchone()


async def apply_processing_result(
    cur: DictCursor,
    *,
    photo_id: int,
    status: str,
    reason: str | None,
    metadata: ReportMetadata,
    thumbnails: list[Thumbnail],
) -> None:
    await cur.execute(
        "UPDATE photos SET status = %s, failure_reason = %s, width = %s, height = %s, orientation = %s,"
        " taken_at = %s, camera_make = %s, camera_model = %s, processed_at = UTC_TIMESTAMP(6)"
        " WHERE id = %s AND status = 'processing'",
        (
            status,
            reason,
            metadata.width,
            metadata.height,
            metadata.orientation,
            metadata.taken_at,
            metadata.camera_make,
            metadata.camera_model,
            photo_id,
        ),
    )
    if thumbnails:
        await cur.executemany(
            "INSERT IGNORE INTO thumbnails (photo_id, size, object_key, content_type, width, height, size_bytes)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [(photo_id, t.size, t.object_key, t.content_type, t.width, t.height, t.size_bytes) for t in thumbnails],
        )
