"""Every SQL statement of the app. Functions take a cursor and keyword arguments only.

Times come from the database's clock (UTC_TIMESTAMP), the one clock every
worker shares.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from photoshare.accounts.models import Session, User
from photoshare.photos.models import Photo, Thumbnail

Cursor = Any  # an asyncmy DictCursor

# --- users -----------------------------------------------------------------------------------------------------


async def insert_user(cur: Cursor, *, username: str, display_name: str, password_hash: str) -> User:
    await cur.execute(
        "INSERT INTO users (username, display_name, password_hash) VALUES (%s, %s, %s)",
        (username, display_name, password_hash),
    )
    return User(id=cur.lastrowid, username=username, display_name=display_name)


async def find_user_with_hash(cur: Cursor, *, username: str) -> tuple[User, str] | None:
    await cur.execute("SELECT id, username, display_name, password_hash FROM users WHERE username = %s", (username,))
    row = await cur.fetchone()
    if row is None:
        return None
    return User(row["id"], row["username"], row["display_name"]), row["password_hash"]


async def update_password_hash(cur: Cursor, *, user_id: int, password_hash: str) -> None:
    await cur.execute("UPDATE users SET password_hash = %s WHERE id = %s", (password_hash, user_id))


# --- sessions --------------------------------------------------------------------------------------------------


async def insert_session(cur: Cursor, *, token_hash: bytes, user: User | None, csrf_token: str) -> Session:
    await cur.execute("SELECT UTC_TIMESTAMP(6) AS now")
    now = (await cur.fetchone())["now"]
    await cur.execute(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) VALUES (%s, %s, %s, %s, %s)",
        (token_hash, user.id if user else None, csrf_token, now, now),
    )
    return Session(token_hash, user, csrf_token, created_at=now, last_seen_at=now, now=now)


async def find_live_session(
    cur: Cursor, *, token_hash: bytes, idle_seconds: int, absolute_seconds: int
) -> Session | None:
    await cur.execute(
        "SELECT s.user_id, s.csrf_token, s.created_at, s.last_seen_at, u.username, u.display_name,"
        " UTC_TIMESTAMP(6) AS now"
        " FROM sessions s LEFT JOIN users u ON u.id = s.user_id"
        " WHERE s.token_hash = %s"
        " AND s.last_seen_at > UTC_TIMESTAMP(6) - INTERVAL %s SECOND"
        " AND s.created_at > UTC_TIMESTAMP(6) - INTERVAL %s SECOND",
        (token_hash, idle_seconds, absolute_seconds),
    )
    row = await cur.fetchone()
    if row is None:
        return None
    user = User(row["user_id"], row["username"], row["display_name"]) if row["user_id"] is not None else None
    return Session(token_hash, user, row["csrf_token"], row["created_at"], row["last_seen_at"], row["now"])


async def touch_session(cur: Cursor, *, token_hash: bytes) -> None:
    await cur.execute("UPDATE sessions SET last_seen_at = UTC_TIMESTAMP(6) WHERE token_hash = %s", (token_hash,))


async def delete_session(cur: Cursor, *, token_hash: bytes) -> None:
    await cur.execute("DELETE FROM sessions WHERE token_hash = %s", (token_hash,))


async def delete_expired_sessions(cur: Cursor, *, idle_seconds: int, absolute_seconds: int) -> int:
    await cur.execute(
        "DELETE FROM sessions WHERE last_seen_at <= UTC_TIMESTAMP(6) - INTERVAL %s SECOND"
        " OR created_at <= UTC_TIMESTAMP(6) - INTERVAL %s SECOND",
        (idle_seconds, absolute_seconds),
    )
    return cur.rowcount


# --- login throttling ------------------------------------------------------------------------------------------


async def recent_failures(cur: Cursor, *, subjects: Iterable[str], window_seconds: int) -> dict[str, tuple[int, int]]:
    """{subject: (failures, seconds until the window ends)} for subjects with a current window."""
    subjects = list(subjects)
    placeholders = ", ".join(["%s"] * len(subjects))
    await cur.execute(
        f"SELECT subject, failures,"  # noqa: S608 - only placeholders are interpolated
        f" TIMESTAMPDIFF(SECOND, UTC_TIMESTAMP(6), window_start + INTERVAL %s SECOND) AS remaining"
        f" FROM login_failures WHERE subject IN ({placeholders})"
        f" AND window_start > UTC_TIMESTAMP(6) - INTERVAL %s SECOND",
        (window_seconds, *subjects, window_seconds),
    )
    return {row["subject"]: (row["failures"], max(1, row["remaining"])) for row in await cur.fetchall()}


async def record_failure(cur: Cursor, *, subject: str, window_seconds: int) -> None:
    # ON DUPLICATE KEY UPDATE assigns left to right: failures reads the old window_start.
    await cur.execute(
        "INSERT INTO login_failures (subject, window_start, failures) VALUES (%s, UTC_TIMESTAMP(6), 1)"
        " ON DUPLICATE KEY UPDATE"
        " failures = IF(window_start <= UTC_TIMESTAMP(6) - INTERVAL %s SECOND, 1, failures + 1),"
        " window_start = IF(window_start <= UTC_TIMESTAMP(6) - INTERVAL %s SECOND, UTC_TIMESTAMP(6), window_start)",
        (subject, window_seconds, window_seconds),
    )


async def clear_failures(cur: Cursor, *, subject: str) -> None:
    await cur.execute("DELETE FROM login_failures WHERE subject = %s", (subject,))


async def delete_old_failures(cur: Cursor, *, window_seconds: int) -> int:
    await cur.execute(
        "DELETE FROM login_failures WHERE window_start <= UTC_TIMESTAMP(6) - INTERVAL %s SECOND", (window_seconds,)
    )
    return cur.rowcount


# --- photos ----------------------------------------------------------------------------------------------------

PHOTO_COLUMNS = (
    "p.id, p.public_id, p.owner_id, u.username AS owner_username, p.uploader_display_name, p.caption,"
    " p.original_filename, p.object_key, p.size_bytes, p.content_type, p.sha256, p.status, p.failure_reason,"
    " p.visibility, p.width, p.height, p.orientation, p.taken_at, p.camera_make, p.camera_model,"
    " p.created_at, p.processed_at"
)
GALLERY_COLUMNS = (
    PHOTO_COLUMNS + ", t.object_key AS thumb_key, t.content_type AS thumb_type, t.width AS thumb_width,"
    " t.height AS thumb_height, t.size_bytes AS thumb_bytes"
)


def photo_from_row(row: dict, thumbnails: dict[int, Thumbnail] | None = None) -> Photo:
    fields = {name: row[name] for name in Photo.__dataclass_fields__ if name in row and name != "thumbnails"}
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
    return Photo(**fields, thumbnails=thumbnails or {})


async def insert_uploading_photo(
    cur: Cursor,
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
    cur: Cursor,
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


async def mark_photo_stored(cur: Cursor, *, photo_id: int) -> None:
    await cur.execute(
        "UPDATE photos SET state = 'stored', multipart_upload_id = NULL WHERE id = %s AND state = 'uploading'",
        (photo_id,),
    )


async def find_photo_id_by_sha256(cur: Cursor, *, owner_id: int, sha256: bytes) -> str | None:
    await cur.execute("SELECT public_id FROM photos WHERE owner_id = %s AND sha256 = %s", (owner_id, sha256))
    row = await cur.fetchone()
    return row["public_id"] if row else None


async def delete_photo_row(cur: Cursor, *, photo_id: int) -> None:
    await cur.execute("DELETE FROM photos WHERE id = %s", (photo_id,))


async def find_visible_photo(cur: Cursor, *, public_id: str, viewer_id: int | None) -> Photo | None:
    """The stored photo if the viewer may see it: the owner always, anyone else only unlisted or public."""
    await cur.execute(
        f"SELECT {PHOTO_COLUMNS} FROM photos p JOIN users u ON u.id = p.owner_id"  # noqa: S608 - constant columns
        " WHERE p.public_id = %s AND p.state = 'stored'"
        " AND (p.owner_id = %s OR p.visibility IN ('unlisted', 'public'))",
        (public_id, viewer_id),
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


async def owner_gallery(
    cur: Cursor, *, owner_id: int, before_id: int | None, limit: int, thumb_size: int
) -> list[Photo]:
    await cur.execute(
        f"SELECT {GALLERY_COLUMNS}, %s AS thumb_size"  # noqa: S608 - constant columns
        " FROM photos p JOIN users u ON u.id = p.owner_id"
        " LEFT JOIN thumbnails t ON t.photo_id = p.id AND t.size = %s"
        " WHERE p.owner_id = %s AND p.state = 'stored' AND p.id < %s"
        " ORDER BY p.id DESC LIMIT %s",
        (thumb_size, thumb_size, owner_id, before_id if before_id is not None else 2**63, limit),
    )
    return [photo_from_row(row) for row in await cur.fetchall()]


async def public_feed(cur: Cursor, *, before_id: int | None, limit: int, thumb_size: int) -> list[Photo]:
    await cur.execute(
        f"SELECT {GALLERY_COLUMNS}, %s AS thumb_size"  # noqa: S608 - constant columns
        " FROM photos p JOIN users u ON u.id = p.owner_id"
        " LEFT JOIN thumbnails t ON t.photo_id = p.id AND t.size = %s"
        " WHERE p.visibility = 'public' AND p.state = 'stored' AND p.status = 'ready' AND p.id < %s"
        " ORDER BY p.id DESC LIMIT %s",
        (thumb_size, thumb_size, before_id if before_id is not None else 2**63, limit),
    )
    return [photo_from_row(row) for row in await cur.fetchall()]


async def update_photo(
    cur: Cursor, *, photo_id: int, owner_id: int, caption: str | None, visibility: str | None
) -> None:
    await cur.execute(
        "UPDATE photos SET caption = COALESCE(%s, caption), visibility = COALESCE(%s, visibility)"
        " WHERE id = %s AND owner_id = %s AND state = 'stored'",
        (caption, visibility, photo_id, owner_id),
    )


async def mark_photo_deleting(cur: Cursor, *, photo_id: int, owner_id: int) -> bool:
    """Hide the photo at once and free its SHA-256 for a new upload; False if it was not the owner's."""
    await cur.execute(
        "UPDATE photos SET state = 'deleting', sha256 = NULL WHERE id = %s AND owner_id = %s AND state = 'stored'",
        (photo_id, owner_id),
    )
    return cur.rowcount == 1


async def photos_to_sweep(cur: Cursor, *, stale_seconds: int, limit: int) -> list[dict]:
    """Uploads interrupted longer ago than stale_seconds, and deletions not finished."""
    await cur.execute(
        "SELECT id, owner_id, public_id, object_key, multipart_upload_id, state FROM photos"
        " WHERE (state = 'uploading' AND created_at <= UTC_TIMESTAMP(6) - INTERVAL %s SECOND)"
        " OR state = 'deleting' ORDER BY id LIMIT %s",
        (stale_seconds, limit),
    )
    return list(await cur.fetchall())


# --- processing reports ----------------------------------------------------------------------------------------


async def find_photo_for_report(cur: Cursor, *, object_key: str) -> dict | None:
    """The photo the Lambda reports on, locked for the update; None if unknown or being deleted."""
    await cur.execute(
        "SELECT id, owner_id, public_id, status FROM photos WHERE object_key = %s AND state <> 'deleting' FOR UPDATE",
        (object_key,),
    )
    return await cur.fetchone()


async def apply_processing_result(
    cur: Cursor,
    *,
    photo_id: int,
    status: str,
    reason: str | None,
    width: int | None,
    height: int | None,
    orientation: int | None,
    taken_at: datetime | None,
    camera_make: str | None,
    camera_model: str | None,
    thumbnails: list[Thumbnail],
) -> None:
    await cur.execute(
        "UPDATE photos SET status = %s, failure_reason = %s, width = %s, height = %s, orientation = %s,"
        " taken_at = %s, camera_make = %s, camera_model = %s, processed_at = UTC_TIMESTAMP(6)"
        " WHERE id = %s AND status = 'processing'",
        (status, reason, width, height, orientation, taken_at, camera_make, camera_model, photo_id),
    )
    if thumbnails:
        await cur.executemany(
            "INSERT IGNORE INTO thumbnails (photo_id, size, object_key, content_type, width, height, size_bytes)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [(photo_id, t.size, t.object_key, t.content_type, t.width, t.height, t.size_bytes) for t in thumbnails],
        )
