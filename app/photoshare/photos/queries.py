"""The photos' SQL: uploads, one photo, the galleries, edits, deletion, the janitor's sweep and the quota.

Functions take a cursor and keyword arguments only. The columns and
photo_from_row are shared with the albums' queries, which list photos too.
"""

from __future__ import annotations

from asyncmy.cursors import DictCursor

from photoshare.accounts.models import User
from photoshare.keyset import upper_bound
from photoshare.photos.models import Photo, Thumbnail
from photoshare.rows import fetch_all

PHOTO_COLUMNS = (
    "p.id, p.public_id, p.owner_id, u.username AS owner_username, p.uploader_display_name, p.caption,"
    " p.original_filename, p.object_key, p.size_bytes, p.content_type, p.sha256, p.status, p.failure_reason,"
    " p.visibility, p.width, p.height, p.orientation, p.taken_at, p.camera_make, p.camera_model,"
    " p.created_at, p.processed_at, p.like_count"
)

PHOTOS_WITH_OWNERS = "photos p JOIN users u ON u.id = p.owner_id"

GALLERY_COLUMNS = (
    PHOTO_COLUMNS + ", t.object_key AS thumb_key, t.content_type AS thumb_type, t.width AS thumb_width,"
    " t.height AS thumb_height, t.size_bytes AS thumb_bytes"
)


def photo_from_row(row: dict, thumbnails: dict[int, Thumbnail] | None = None) -> Photo:
    # Spelled out: a gallery builds 25 of these per request, and this is several times faster than a loop.
    if thumbnails is None and row.get("thumb_key") is not None:
        thumbnails = {
            row["thumb_size"]: Thumbnail(
                row["thumb_size"],
                row["thumb_key"],
                row["thumb_type"],
                row["thumb_width"],
                row["thumb_height"],
                row["thumb_bytes"],
            )
        }
    return Photo(
        row["id"],
        row["public_id"],
        row["owner_id"],
        row["owner_username"],
        row["uploader_display_name"],
        row["caption"],
        row["original_filename"],
        row["object_key"],
        row["size_bytes"],
        row["content_type"],
        row["sha256"],
        row["status"],
        row["failure_reason"],
        row["visibility"],
        row["width"],
        row["height"],
        row["orientation"],
        row["taken_at"],
        row["camera_make"],
        row["camera_model"],
        row["created_at"],
        row["processed_at"],
        row["like_count"],
        thumbnails or {},
    )


async def insert_uploading_photo(
    cur: DictCursor,
    *,
    public_id: str,
    owner: User,
    object_key: str,
    original_filename: str,
    multipart_upload_id: str | None,
) -> int:
    await cur.execute(
        "INSERT INTO photos (public_id, owner_id, uploader_display_name, original_filename, object_key,"
        " multipart_upload_id, state) VALUES (%s, %s, %s, %s, %s, %s, 'uploading')",
        (public_id, owner.id, owner.display_name, original_filename, object_key, multipart_upload_id),
    )
    return cur.lastrowid


async def describe_uploading_photo(
    cur: DictCursor,
    *,
    photo_id: int,
    size_bytes: int,
    content_type: str,
    sha256: bytes,
    caption: str,
    visibility: str,
) -> None:
    """Raises IntegrityError when the owner already has a photo with this SHA-256."""
    await cur.execute(
        "UPDATE photos SET size_bytes = %s, content_type = %s, sha256 = %s, caption = %s, visibility = %s"
        " WHERE id = %s AND state = 'uploading'",
        (size_bytes, content_type, sha256, caption, visibility, photo_id),
    )


async def mark_photo_stored(cur: DictCursor, *, photo_id: int, owner_id: int, quota_bytes: int) -> bool:
    """Make the upload visible and count its bytes (with any thumbnails already reported) against the
    owner's quota, in the caller's transaction; False, changing nothing, if that would exceed the quota."""
    await cur.execute(
        "UPDATE photos SET state = 'stored', multipart_upload_id = NULL WHERE id = %s AND state = 'uploading'",
        (photo_id,),
    )
    # After the UPDATE holds the row lock, so a report applied meanwhile is counted here.
    taken = await photo_storage_bytes(cur, photo_id=photo_id)
    await cur.execute(
        "UPDATE users SET storage_used_bytes = storage_used_bytes + %s WHERE id = %s AND storage_used_bytes + %s <= %s",
        (taken, owner_id, taken, quota_bytes),
    )
    return cur.rowcount == 1


async def photo_storage_bytes(cur: DictCursor, *, photo_id: int) -> int:
    """The bytes a photo takes: its original and its thumbnails."""
    await cur.execute(
        "SELECT COALESCE(p.size_bytes, 0) + COALESCE((SELECT SUM(t.size_bytes) FROM thumbnails t"
        " WHERE t.photo_id = p.id), 0) AS taken FROM photos p WHERE p.id = %s",
        (photo_id,),
    )
    row = await cur.fetchone()
    return int(row["taken"]) if row else 0


async def find_photo_id_by_sha256(cur: DictCursor, *, owner_id: int, sha256: bytes) -> str | None:
    await cur.execute("SELECT public_id FROM photos WHERE owner_id = %s AND sha256 = %s", (owner_id, sha256))
    row = await cur.fetchone()
    return row["public_id"] if row else None


async def delete_photo_row(cur: DictCursor, *, photo_id: int) -> None:
    await cur.execute("DELETE FROM photos WHERE id = %s", (photo_id,))


async def find_visible_photo(cur: DictCursor, *, public_id: str, viewer_id: int | None) -> Photo | None:
    """The stored photo if the viewer may see it: the owner always, anyone else only unlisted or public."""
    return await photo_with_thumbnails(
        cur,
        "p.public_id = %s AND (p.owner_id = %s OR p.visibility IN ('unlisted', 'public'))",
        (public_id, viewer_id),
    )


async def find_stored_photo(cur: DictCursor, *, photo_id: int) -> Photo | None:
    """The stored photo with this row id, whoever may see it: callers check the rights (a share link)."""
    return await photo_with_thumbnails(cur, "p.id = %s", (photo_id,))


async def photo_with_thumbnails(cur: DictCursor, condition: str, params: tuple) -> Photo | None:
    await cur.execute(
        f"SELECT {PHOTO_COLUMNS} FROM photos p JOIN users u ON u.id = p.owner_id"  # noqa: S608 - constant SQL
        f" WHERE p.state = 'stored' AND {condition}",
        params,
    )
    row = await cur.fetchone()
    if row is None:
        return None
    await cur.execute(
        "SELECT size, object_key, content_type, width, height, size_bytes FROM thumbnails WHERE photo_id = %s",
        (row["id"],),
    )
    thumbnails = {t["size"]: Thumbnail(**t) for t in await cur.fetchall()}
    return photo_from_row(row, thumbnails)


async def gallery_page(
    cur: DictCursor,
    condition: str,
    params: tuple,
    *,
    before_id: int | None,
    limit: int,
    thumb_size: int,
    tables: str = PHOTOS_WITH_OWNERS,
    key: str = "p.id",
) -> list[Photo]:
    """One newest-first keyset page of the stored photos that meet `condition`, each with its thumb_size
    thumbnail: every gallery's query.

    `tables` joins photos p and users u (after what `condition` needs); the page is keyed on the photo id
    column `key`. STRAIGHT_JOIN: the first of `tables` is read backwards along the index, so the page costs
    the same at any depth (the optimizer may otherwise start from users and sort every match).
    """
    sql = (
        f"SELECT STRAIGHT_JOIN {GALLERY_COLUMNS}, %s AS thumb_size FROM {tables}"  # noqa: S608 - constant SQL
        " LEFT JOIN thumbnails t ON t.photo_id = p.id AND t.size = %s"
        f" WHERE {condition} AND p.state = 'stored' AND {key} < %s ORDER BY {key} DESC LIMIT %s"
    )
    return await fetch_all(cur, photo_from_row, sql, (thumb_size, thumb_size, *params, upper_bound(before_id), limit))


async def owner_gallery(
    cur: DictCursor, *, owner_id: int, before_id: int | None, limit: int, thumb_size: int
) -> list[Photo]:
    return await gallery_page(
        cur, "p.owner_id = %s", (owner_id,), before_id=before_id, limit=limit, thumb_size=thumb_size
    )


async def public_feed(cur: DictCursor, *, before_id: int | None, limit: int, thumb_size: int) -> list[Photo]:
    return await gallery_page(
        cur,
        "p.visibility = 'public' AND p.status = 'ready'",
        (),
        before_id=before_id,
        limit=limit,
        thumb_size=thumb_size,
    )


async def update_photo(
    cur: DictCursor, *, photo_id: int, owner_id: int, caption: str | None, visibility: str | None
) -> None:
    await cur.execute(
        "UPDATE photos SET caption = COALESCE(%s, caption), visibility = COALESCE(%s, visibility)"
        " WHERE id = %s AND owner_id = %s AND state = 'stored'",
        (caption, visibility, photo_id, owner_id),
    )


async def mark_photo_deleting(cur: DictCursor, *, photo_id: int, owner_id: int) -> bool:
    """Hide the photo at once, free its SHA-256 for a new upload and give its bytes back to the
    owner's quota (in the caller's transaction); False if it was not the owner's."""
    await cur.execute(
        "UPDATE photos SET state = 'deleting', sha256 = NULL WHERE id = %s AND owner_id = %s AND state = 'stored'",
        (photo_id, owner_id),
    )
    if cur.rowcount != 1:
        return False
    await release_storage(cur, user_id=owner_id, size_bytes=await photo_storage_bytes(cur, photo_id=photo_id))
    return True


async def photos_to_sweep(cur: DictCursor, *, stale_seconds: int, limit: int) -> list[dict]:
    """Uploads interrupted longer ago than stale_seconds, and deletions not finished."""
    await cur.execute(
        "SELECT id, owner_id, public_id, object_key, multipart_upload_id, state FROM photos"
        " WHERE (state = 'uploading' AND created_at <= UTC_TIMESTAMP(6) - INTERVAL %s SECOND)"
        " OR state = 'deleting' ORDER BY id LIMIT %s",
        (stale_seconds, limit),
    )
    return list(await cur.fetchall())


async def storage_used(cur: DictCursor, *, user_id: int) -> int:
    await cur.execute("SELECT storage_used_bytes FROM users WHERE id = %s", (user_id,))
    row = await cur.fetchone()
    return int(row["storage_used_bytes"]) if row else 0


async def add_storage(cur: DictCursor, *, user_id: int, size_bytes: int) -> None:
    """Count bytes that are already stored (thumbnails), whatever the quota: they cannot be refused."""
    await cur.execute(
        "UPDATE users SET storage_used_bytes = storage_used_bytes + %s WHERE id = %s", (size_bytes, user_id)
    )


async def release_storage(cur: DictCursor, *, user_id: int, size_bytes: int) -> None:
    await cur.execute(
        "UPDATE users SET storage_used_bytes = storage_used_bytes - LEAST(storage_used_bytes, %s) WHERE id = %s",
        (size_bytes, user_id),
    )
