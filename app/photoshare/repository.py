"""Every SQL statement of the app. Functions take a cursor and keyword arguments only.

Times come from the database's clock (UTC_TIMESTAMP), the one clock every
worker shares.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from photoshare.accounts.models import Session, User
from photoshare.albums.models import Album
from photoshare.photos.models import Photo, Thumbnail
from photoshare.sharing.models import ShareLink
from photoshare.social.models import Comment
from photoshare.tokens.models import ApiToken

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
        " u.storage_used_bytes, UTC_TIMESTAMP(6) AS now"
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
    return Session(
        token_hash,
        user,
        row["csrf_token"],
        row["created_at"],
        row["last_seen_at"],
        row["now"],
        int(row["storage_used_bytes"] or 0),
    )


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
    " p.created_at, p.processed_at, p.like_count"
)
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


async def mark_photo_stored(cur: Cursor, *, photo_id: int, owner_id: int, quota_bytes: int) -> bool:
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


async def photo_storage_bytes(cur: Cursor, *, photo_id: int) -> int:
    """The bytes a photo takes: its original and its thumbnails."""
    await cur.execute(
        "SELECT COALESCE(p.size_bytes, 0) + COALESCE((SELECT SUM(t.size_bytes) FROM thumbnails t"
        " WHERE t.photo_id = p.id), 0) AS taken FROM photos p WHERE p.id = %s",
        (photo_id,),
    )
    row = await cur.fetchone()
    return int(row["taken"]) if row else 0


async def find_photo_id_by_sha256(cur: Cursor, *, owner_id: int, sha256: bytes) -> str | None:
    await cur.execute("SELECT public_id FROM photos WHERE owner_id = %s AND sha256 = %s", (owner_id, sha256))
    row = await cur.fetchone()
    return row["public_id"] if row else None


async def delete_photo_row(cur: Cursor, *, photo_id: int) -> None:
    await cur.execute("DELETE FROM photos WHERE id = %s", (photo_id,))


async def find_visible_photo(cur: Cursor, *, public_id: str, viewer_id: int | None) -> Photo | None:
    """The stored photo if the viewer may see it: the owner always, anyone else only unlisted or public."""
    return await photo_with_thumbnails(
        cur,
        "p.public_id = %s AND (p.owner_id = %s OR p.visibility IN ('unlisted', 'public'))",
        (public_id, viewer_id),
    )


async def find_stored_photo(cur: Cursor, *, photo_id: int) -> Photo | None:
    """The stored photo with this row id, whoever may see it: callers check the rights (a share link)."""
    return await photo_with_thumbnails(cur, "p.id = %s", (photo_id,))


async def find_album_photo(cur: Cursor, *, album_id: int, public_id: str) -> Photo | None:
    """The stored photo if it is in the album, whoever may see it: callers check the rights (a share link)."""
    return await photo_with_thumbnails(
        cur,
        "p.public_id = %s AND EXISTS(SELECT 1 FROM album_photos ap WHERE ap.photo_id = p.id AND ap.album_id = %s)",
        (public_id, album_id),
    )


async def photo_with_thumbnails(cur: Cursor, condition: str, params: tuple) -> Photo | None:
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


async def owner_gallery(
    cur: Cursor, *, owner_id: int, before_id: int | None, limit: int, thumb_size: int
) -> list[Photo]:
    await cur.execute(
        # STRAIGHT_JOIN: photos first, read backwards along the index, so the
        # page costs the same at any depth (the optimizer may otherwise start
        # from users and sort every match).
        f"SELECT STRAIGHT_JOIN {GALLERY_COLUMNS}, %s AS thumb_size"  # noqa: S608 - constant columns
        " FROM photos p JOIN users u ON u.id = p.owner_id"
        " LEFT JOIN thumbnails t ON t.photo_id = p.id AND t.size = %s"
        " WHERE p.owner_id = %s AND p.state = 'stored' AND p.id < %s"
        " ORDER BY p.id DESC LIMIT %s",
        (thumb_size, thumb_size, owner_id, before_id if before_id is not None else 2**63, limit),
    )
    return [photo_from_row(row) for row in await cur.fetchall()]


async def public_feed(cur: Cursor, *, before_id: int | None, limit: int, thumb_size: int) -> list[Photo]:
    await cur.execute(
        f"SELECT STRAIGHT_JOIN {GALLERY_COLUMNS}, %s AS thumb_size"  # noqa: S608 - constant columns
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
        "SELECT id, owner_id, public_id, status, state,"
        " TIMESTAMPDIFF(MICROSECOND, created_at, UTC_TIMESTAMP(6)) / 1000000 AS age_seconds"
        " FROM photos WHERE object_key = %s AND state <> 'deleting' FOR UPDATE",
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


# --- storage quota ---------------------------------------------------------------------------------------------


async def storage_used(cur: Cursor, *, user_id: int) -> int:
    await cur.execute("SELECT storage_used_bytes FROM users WHERE id = %s", (user_id,))
    row = await cur.fetchone()
    return int(row["storage_used_bytes"]) if row else 0


async def add_storage(cur: Cursor, *, user_id: int, size_bytes: int) -> None:
    """Count bytes that are already stored (thumbnails), whatever the quota: they cannot be refused."""
    await cur.execute(
        "UPDATE users SET storage_used_bytes = storage_used_bytes + %s WHERE id = %s", (size_bytes, user_id)
    )


async def release_storage(cur: Cursor, *, user_id: int, size_bytes: int) -> None:
    await cur.execute(
        "UPDATE users SET storage_used_bytes = storage_used_bytes - LEAST(storage_used_bytes, %s) WHERE id = %s",
        (size_bytes, user_id),
    )


# --- likes -----------------------------------------------------------------------------------------------------


async def add_like(cur: Cursor, *, photo_id: int, user_id: int) -> bool:
    """True if this is a new like; the counter moves in the same transaction."""
    await cur.execute("INSERT IGNORE INTO likes (photo_id, user_id) VALUES (%s, %s)", (photo_id, user_id))
    if cur.rowcount != 1:
        return False
    await cur.execute("UPDATE photos SET like_count = like_count + 1 WHERE id = %s", (photo_id,))
    return True


async def remove_like(cur: Cursor, *, photo_id: int, user_id: int) -> bool:
    await cur.execute("DELETE FROM likes WHERE photo_id = %s AND user_id = %s", (photo_id, user_id))
    if cur.rowcount != 1:
        return False
    await cur.execute("UPDATE photos SET like_count = like_count - LEAST(like_count, 1) WHERE id = %s", (photo_id,))
    return True


async def like_state(cur: Cursor, *, photo_id: int, user_id: int | None) -> tuple[int, bool]:
    """(the photo's like count, whether this user likes it)."""
    await cur.execute(
        "SELECT p.like_count, EXISTS(SELECT 1 FROM likes l WHERE l.photo_id = p.id AND l.user_id = %s) AS liked"
        " FROM photos p WHERE p.id = %s",
        (user_id, photo_id),
    )
    row = await cur.fetchone()
    return (int(row["like_count"]), bool(row["liked"])) if row else (0, False)


# --- comments --------------------------------------------------------------------------------------------------

COMMENT_COLUMNS = "c.id, c.photo_id, c.author_id, u.username AS author_username, u.display_name AS author_display_name,"
COMMENT_COLUMNS += " c.body, c.created_at"


def comment_from_row(row: dict) -> Comment:
    return Comment(
        id=row["id"],
        photo_id=row["photo_id"],
        author_id=row["author_id"],
        author_username=row["author_username"],
        author_display_name=row["author_display_name"],
        body=row["body"],
        created_at=row["created_at"],
    )


async def insert_comment(cur: Cursor, *, photo_id: int, author_id: int, body: str) -> int:
    await cur.execute(
        "INSERT INTO comments (photo_id, author_id, body) VALUES (%s, %s, %s)", (photo_id, author_id, body)
    )
    return cur.lastrowid


async def photo_comments(cur: Cursor, *, photo_id: int, after_id: int | None, limit: int) -> list[Comment]:
    """Oldest first, keyset on the comment id."""
    await cur.execute(
        f"SELECT {COMMENT_COLUMNS} FROM comments c JOIN users u ON u.id = c.author_id"  # noqa: S608 - constant
        " WHERE c.photo_id = %s AND c.id > %s ORDER BY c.id LIMIT %s",
        (photo_id, after_id or 0, limit),
    )
    return [comment_from_row(row) for row in await cur.fetchall()]


async def find_comment(cur: Cursor, *, comment_id: int) -> tuple[Comment, dict] | None:
    """The comment with what the rights depend on: its photo's public id, owner, visibility and state."""
    await cur.execute(
        f"SELECT {COMMENT_COLUMNS}, p.public_id AS photo_public_id, p.owner_id AS photo_owner_id,"  # noqa: S608
        " p.visibility AS photo_visibility FROM comments c JOIN users u ON u.id = c.author_id"
        " JOIN photos p ON p.id = c.photo_id WHERE c.id = %s AND p.state = 'stored'",
        (comment_id,),
    )
    row = await cur.fetchone()
    if row is None:
        return None
    return comment_from_row(row), row


async def delete_comment(cur: Cursor, *, comment_id: int) -> None:
    await cur.execute("DELETE FROM comments WHERE id = %s", (comment_id,))


# --- albums ----------------------------------------------------------------------------------------------------

ALBUM_COLUMNS = (
    "a.id, a.public_id, a.owner_id, a.title, a.cover_photo_id, a.created_at,"
    " (SELECT COUNT(*) FROM album_photos ap JOIN photos p ON p.id = ap.photo_id AND p.state = 'stored'"
    " WHERE ap.album_id = a.id) AS photo_count,"
    " (SELECT MAX(ap.photo_id) FROM album_photos ap JOIN photos p ON p.id = ap.photo_id AND p.state = 'stored'"
    " WHERE ap.album_id = a.id) AS newest_photo_id"
)


def album_from_row(row: dict) -> Album:
    return Album(
        id=row["id"],
        public_id=row["public_id"],
        owner_id=row["owner_id"],
        title=row["title"],
        cover_photo_id=row["cover_photo_id"],
        created_at=row["created_at"],
        photo_count=int(row["photo_count"]),
        newest_photo_id=row["newest_photo_id"],
    )


async def insert_album(cur: Cursor, *, public_id: str, owner_id: int, title: str) -> None:
    await cur.execute(
        "INSERT INTO albums (public_id, owner_id, title) VALUES (%s, %s, %s)", (public_id, owner_id, title)
    )


async def find_owned_album(cur: Cursor, *, public_id: str, owner_id: int) -> Album | None:
    await cur.execute(
        f"SELECT {ALBUM_COLUMNS} FROM albums a WHERE a.public_id = %s AND a.owner_id = %s",  # noqa: S608 - constant
        (public_id, owner_id),
    )
    row = await cur.fetchone()
    return album_from_row(row) if row else None


async def find_album(cur: Cursor, *, album_id: int) -> Album | None:
    """The album with this row id, whoever owns it: callers check the rights (a share link)."""
    await cur.execute(f"SELECT {ALBUM_COLUMNS} FROM albums a WHERE a.id = %s", (album_id,))  # noqa: S608 - constant
    row = await cur.fetchone()
    return album_from_row(row) if row else None


async def owner_albums(cur: Cursor, *, owner_id: int, before_id: int | None, limit: int) -> list[Album]:
    await cur.execute(
        f"SELECT {ALBUM_COLUMNS} FROM albums a WHERE a.owner_id = %s AND a.id < %s"  # noqa: S608 - constant
        " ORDER BY a.id DESC LIMIT %s",
        (owner_id, before_id if before_id is not None else 2**63, limit),
    )
    return [album_from_row(row) for row in await cur.fetchall()]


async def photos_by_ids(cur: Cursor, *, photo_ids: Iterable[int], thumb_size: int) -> dict[int, Photo]:
    """Stored photos with one thumbnail size, by row id (album covers): one query for all of them."""
    ids = list(photo_ids)
    if not ids:
        return {}
    placeholders = ", ".join(["%s"] * len(ids))
    await cur.execute(
        f"SELECT {GALLERY_COLUMNS}, %s AS thumb_size"  # noqa: S608 - only placeholders are interpolated
        " FROM photos p JOIN users u ON u.id = p.owner_id"
        " LEFT JOIN thumbnails t ON t.photo_id = p.id AND t.size = %s"
        f" WHERE p.state = 'stored' AND p.id IN ({placeholders})",
        (thumb_size, thumb_size, *ids),
    )
    return {row["id"]: photo_from_row(row) for row in await cur.fetchall()}


async def rename_album(cur: Cursor, *, album_id: int, title: str) -> None:
    await cur.execute("UPDATE albums SET title = %s WHERE id = %s", (title, album_id))


async def set_album_cover(cur: Cursor, *, album_id: int, photo_id: int | None) -> None:
    await cur.execute("UPDATE albums SET cover_photo_id = %s WHERE id = %s", (photo_id, album_id))


async def delete_album(cur: Cursor, *, album_id: int) -> None:
    """The album and its rows of album_photos and share links (cascade); never a photo."""
    await cur.execute("DELETE FROM albums WHERE id = %s", (album_id,))


async def add_album_photo(cur: Cursor, *, album_id: int, photo_id: int) -> bool:
    await cur.execute("INSERT IGNORE INTO album_photos (album_id, photo_id) VALUES (%s, %s)", (album_id, photo_id))
    return cur.rowcount == 1


async def remove_album_photo(cur: Cursor, *, album_id: int, photo_id: int) -> bool:
    await cur.execute("DELETE FROM album_photos WHERE album_id = %s AND photo_id = %s", (album_id, photo_id))
    if cur.rowcount != 1:
        return False
    await cur.execute(
        "UPDATE albums SET cover_photo_id = NULL WHERE id = %s AND cover_photo_id = %s", (album_id, photo_id)
    )
    return True


async def album_contains(cur: Cursor, *, album_id: int, photo_id: int) -> bool:
    await cur.execute("SELECT 1 FROM album_photos WHERE album_id = %s AND photo_id = %s", (album_id, photo_id))
    return await cur.fetchone() is not None


async def album_gallery(
    cur: Cursor, *, album_id: int, before_id: int | None, limit: int, thumb_size: int
) -> list[Photo]:
    """The album's stored photos, newest first, keyset on the photo id along album_photos' primary key."""
    await cur.execute(
        f"SELECT STRAIGHT_JOIN {GALLERY_COLUMNS}, %s AS thumb_size"  # noqa: S608 - constant columns
        " FROM album_photos ap JOIN photos p ON p.id = ap.photo_id JOIN users u ON u.id = p.owner_id"
        " LEFT JOIN thumbnails t ON t.photo_id = p.id AND t.size = %s"
        " WHERE ap.album_id = %s AND ap.photo_id < %s AND p.state = 'stored'"
        " ORDER BY ap.photo_id DESC LIMIT %s",
        (thumb_size, thumb_size, album_id, before_id if before_id is not None else 2**63, limit),
    )
    return [photo_from_row(row) for row in await cur.fetchall()]


async def photo_albums(cur: Cursor, *, photo_id: int, owner_id: int) -> list[dict]:
    """The owner's albums, each with whether it holds the photo (the photo page's album picker)."""
    await cur.execute(
        "SELECT a.public_id, a.title, EXISTS(SELECT 1 FROM album_photos ap WHERE ap.album_id = a.id"
        " AND ap.photo_id = %s) AS holds FROM albums a WHERE a.owner_id = %s ORDER BY a.title LIMIT 200",
        (photo_id, owner_id),
    )
    return list(await cur.fetchall())


# --- share links -----------------------------------------------------------------------------------------------

SHARE_COLUMNS = (
    "s.id, s.token_hint, s.owner_id, s.photo_id, s.album_id, s.password_hash, s.allow_download, s.expires_at,"
    " s.revoked_at, s.view_count, s.created_at, s.expires_at IS NOT NULL AND s.expires_at <= UTC_TIMESTAMP(6)"
    " AS expired, p.public_id AS photo_public_id, COALESCE(NULLIF(p.caption, ''), p.original_filename) AS photo_label,"
    " a.public_id AS album_public_id, a.title AS album_title"
)
SHARE_JOINS = " LEFT JOIN photos p ON p.id = s.photo_id AND p.state = 'stored' LEFT JOIN albums a ON a.id = s.album_id"


def share_from_row(row: dict) -> ShareLink:
    return ShareLink(
        id=row["id"],
        token_hint=row["token_hint"],
        owner_id=row["owner_id"],
        photo_id=row["photo_id"],
        album_id=row["album_id"],
        password_hash=row["password_hash"],
        allow_download=bool(row["allow_download"]),
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
        view_count=int(row["view_count"]),
        created_at=row["created_at"],
        expired=bool(row["expired"]),
        photo_public_id=row["photo_public_id"],
        photo_label=row["photo_label"],
        album_public_id=row["album_public_id"],
        album_title=row["album_title"],
    )


async def insert_share_link(
    cur: Cursor,
    *,
    token_hash: bytes,
    token_hint: str,
    owner_id: int,
    photo_id: int | None,
    album_id: int | None,
    password_hash: str | None,
    allow_download: bool,
    expires_in_seconds: int | None,
) -> int:
    """expires_in_seconds counts from the database's clock; None: the link never expires."""
    await cur.execute(
        "INSERT INTO share_links (token_hash, token_hint, owner_id, photo_id, album_id, password_hash,"
        " allow_download, expires_at) VALUES (%s, %s, %s, %s, %s, %s, %s,"
        " IF(%s IS NULL, NULL, UTC_TIMESTAMP(6) + INTERVAL %s SECOND))",
        (
            token_hash,
            token_hint,
            owner_id,
            photo_id,
            album_id,
            password_hash,
            allow_download,
            expires_in_seconds,
            expires_in_seconds,
        ),
    )
    return cur.lastrowid


async def find_share_by_token(cur: Cursor, *, token_hash: bytes) -> ShareLink | None:
    await cur.execute(
        f"SELECT {SHARE_COLUMNS} FROM share_links s{SHARE_JOINS} WHERE s.token_hash = %s",  # noqa: S608 - constant
        (token_hash,),
    )
    row = await cur.fetchone()
    return share_from_row(row) if row else None


async def find_owned_share(cur: Cursor, *, share_id: int, owner_id: int) -> ShareLink | None:
    await cur.execute(
        f"SELECT {SHARE_COLUMNS} FROM share_links s{SHARE_JOINS}"  # noqa: S608 - constant
        " WHERE s.id = %s AND s.owner_id = %s",
        (share_id, owner_id),
    )
    row = await cur.fetchone()
    return share_from_row(row) if row else None


async def owner_share_links(cur: Cursor, *, owner_id: int, before_id: int | None, limit: int) -> list[ShareLink]:
    await cur.execute(
        f"SELECT {SHARE_COLUMNS} FROM share_links s{SHARE_JOINS}"  # noqa: S608 - constant
        " WHERE s.owner_id = %s AND s.id < %s ORDER BY s.id DESC LIMIT %s",
        (owner_id, before_id if before_id is not None else 2**63, limit),
    )
    return [share_from_row(row) for row in await cur.fetchall()]


async def revoke_share_link(cur: Cursor, *, share_id: int, owner_id: int) -> None:
    await cur.execute(
        "UPDATE share_links SET revoked_at = COALESCE(revoked_at, UTC_TIMESTAMP(6)) WHERE id = %s AND owner_id = %s",
        (share_id, owner_id),
    )


async def revoke_all_share_links(cur: Cursor, *, owner_id: int) -> int:
    await cur.execute(
        "UPDATE share_links SET revoked_at = UTC_TIMESTAMP(6) WHERE owner_id = %s AND revoked_at IS NULL",
        (owner_id,),
    )
    return cur.rowcount


async def count_share_view(cur: Cursor, *, share_id: int) -> None:
    await cur.execute("UPDATE share_links SET view_count = view_count + 1 WHERE id = %s", (share_id,))


async def insert_share_unlock(cur: Cursor, *, session_hash: bytes, share_id: int) -> None:
    await cur.execute(
        "INSERT IGNORE INTO share_unlocks (session_hash, link_id) VALUES (%s, %s)", (session_hash, share_id)
    )


async def share_is_unlocked(cur: Cursor, *, session_hash: bytes, share_id: int) -> bool:
    await cur.execute("SELECT 1 FROM share_unlocks WHERE session_hash = %s AND link_id = %s", (session_hash, share_id))
    return await cur.fetchone() is not None


# --- personal API tokens ---------------------------------------------------------------------------------------


def api_token_from_row(row: dict) -> ApiToken:
    return ApiToken(
        id=row["id"],
        user_id=row["user_id"],
        name=row["name"],
        token_hint=row["token_hint"],
        scope=row["scope"],
        created_at=row["created_at"],
        last_used_at=row["last_used_at"],
    )


async def insert_api_token(
    cur: Cursor, *, user_id: int, name: str, token_hash: bytes, token_hint: str, scope: str
) -> int:
    await cur.execute(
        "INSERT INTO api_tokens (user_id, name, token_hash, token_hint, scope) VALUES (%s, %s, %s, %s, %s)",
        (user_id, name, token_hash, token_hint, scope),
    )
    return cur.lastrowid


async def count_api_tokens(cur: Cursor, *, user_id: int) -> int:
    await cur.execute("SELECT COUNT(*) AS n FROM api_tokens WHERE user_id = %s", (user_id,))
    return int((await cur.fetchone())["n"])


async def find_api_token(cur: Cursor, *, token_hash: bytes) -> tuple[ApiToken, User, datetime] | None:
    """The token, its user and the database's clock now."""
    await cur.execute(
        "SELECT t.id, t.user_id, t.name, t.token_hint, t.scope, t.created_at, t.last_used_at,"
        " u.username, u.display_name, UTC_TIMESTAMP(6) AS now"
        " FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = %s",
        (token_hash,),
    )
    row = await cur.fetchone()
    if row is None:
        return None
    return api_token_from_row(row), User(row["user_id"], row["username"], row["display_name"]), row["now"]


async def touch_api_token(cur: Cursor, *, token_id: int) -> None:
    await cur.execute("UPDATE api_tokens SET last_used_at = UTC_TIMESTAMP(6) WHERE id = %s", (token_id,))


async def user_api_tokens(cur: Cursor, *, user_id: int) -> list[ApiToken]:
    await cur.execute(
        "SELECT id, user_id, name, token_hint, scope, created_at, last_used_at FROM api_tokens"
        " WHERE user_id = %s ORDER BY id DESC",
        (user_id,),
    )
    return [api_token_from_row(row) for row in await cur.fetchall()]


async def delete_api_token(cur: Cursor, *, token_id: int, user_id: int) -> bool:
    await cur.execute("DELETE FROM api_tokens WHERE id = %s AND user_id = %s", (token_id, user_id))
    return cur.rowcount == 1
