"""The share links' SQL: links, their views and the sessions that unlocked them.

Functions take a cursor and keyword arguments only. Expiry is decided by
the database's clock (UTC_TIMESTAMP), the one clock every worker shares.
"""

from __future__ import annotations

from asyncmy.cursors import DictCursor

from photoshare.keyset import upper_bound
from photoshare.rows import fetch_all, fetch_one, row_reader
from photoshare.sharing.models import ShareLink

SHARE_COLUMNS = (
    "s.id, s.token_hint, s.owner_id, s.photo_id, s.album_id, s.password_hash, s.allow_download, s.expires_at,"
    " s.revoked_at, s.view_count, s.created_at, s.expires_at IS NOT NULL AND s.expires_at <= UTC_TIMESTAMP(6)"
    " AS expired, p.public_id AS photo_public_id, COALESCE(NULLIF(p.caption, ''), p.original_filename) AS photo_label,"
    " a.public_id AS album_public_id, a.title AS album_title"
)

SHARE_JOINS = " LEFT JOIN photos p ON p.id = s.photo_id AND p.state = 'stored' LEFT JOIN albums a ON a.id = s.album_id"


# MySQL's BOOLEAN reads as 0 or 1.
share_from_row = row_reader(ShareLink, allow_download=bool, view_count=int, expired=bool)


async def insert_share_link(
    cur: DictCursor,
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


async def find_share_by_token(cur: DictCursor, *, token_hash: bytes) -> ShareLink | None:
    sql = f"SELECT {SHARE_COLUMNS} FROM share_links s{SHARE_JOINS} WHERE s.token_hash = %s"  # noqa: S608 - constant
    return await fetch_one(cur, share_from_row, sql, (token_hash,))


async def find_owned_share(cur: DictCursor, *, share_id: int, owner_id: int) -> ShareLink | None:
    sql = (
        f"SELECT {SHARE_COLUMNS} FROM share_links s{SHARE_JOINS}"  # noqa: S608 - constant
        " WHERE s.id = %s AND s.owner_id = %s"
    )
    return await fetch_one(cur, share_from_row, sql, (share_id, owner_id))


async def owner_share_links(cur: DictCursor, *, owner_id: int, before_id: int | None, limit: int) -> list[ShareLink]:
    sql = (
        f"SELECT {SHARE_COLUMNS} FROM share_links s{SHARE_JOINS}"  # noqa: S608 - constant
        " WHERE s.owner_id = %s AND s.id < %s ORDER BY s.id DESC LIMIT %s"
    )
    return await fetch_all(cur, share_from_row, sql, (owner_id, upper_bound(before_id), limit))


async def revoke_share_link(cur: DictCursor, *, share_id: int, owner_id: int) -> None:
    await cur.execute(
        "UPDATE share_links SET revoked_at = COALESCE(revoked_at, UTC_TIMESTAMP(6)) WHERE id = %s AND owner_id = %s",
        (share_id, owner_id),
    )


async def revoke_all_share_links(cur: DictCursor, *, owner_id: int) -> int:
    await cur.execute(
        "UPDATE share_links SET revoked_at = UTC_TIMESTAMP(6) WHERE owner_id = %s AND revoked_at IS NULL",
        (owner_id,),
    )
    return cur.rowcount


async def count_share_view(cur: DictCursor, *, share_id: int) -> None:
    await cur.execute("UPDATE share_links SET view_count = view_count + 1 WHERE id = %s", (share_id,))


async def insert_share_unlock(cur: DictCursor, *, session_hash: bytes, share_id: int) -> None:
    await cur.execute(
        "INSERT IGNORE INTO share_unlocks (session_hash, link_id) VALUES (%s, %s)", (session_hash, share_id)
    )


async def share_is_unlocked(cur: DictCursor, *, session_hash: bytes, share_id: int) -> bool:
    await cur.execute("SELECT 1 FROM share_unlocks WHERE session_hash = %s AND link_id = %s", (session_hash, share_id))
    return await cur.fetchone() is not None
