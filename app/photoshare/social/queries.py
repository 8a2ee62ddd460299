"""The social SQL: likes (with the photo's counter) and comments.

Functions take a cursor and keyword arguments only.
"""

from __future__ import annotations

from asyncmy.cursors import DictCursor

from photoshare.rows import fetch_all, row_reader
from photoshare.social.models import Comment


async def add_like(cur: DictCursor, *, photo_id: int, user_id: int) -> bool:
    """True if this is a new like; the counter moves in the same transaction."""
    await cur.execute("INSERT IGNORE INTO likes (photo_id, user_id) VALUES (%s, %s)", (photo_id, user_id))
    if cur.rowcount != 1:
        return False
    await cur.execute("UPDATE photos SET like_count = like_count + 1 WHERE id = %s", (photo_id,))
    return True


async def remove_like(cur: DictCursor, *, photo_id: int, user_id: int) -> bool:
    await cur.execute("DELETE FROM likes WHERE photo_id = %s AND user_id = %s", (photo_id, user_id))
    if cur.rowcount != 1:
        return False
    await cur.execute("UPDATE photos SET like_count = like_count - LEAST(like_count, 1) WHERE id = %s", (photo_id,))
    return True


async def like_state(cur: DictCursor, *, photo_id: int, user_id: int | None) -> tuple[int, bool]:
    """(the photo's like count, whether this user likes it)."""
    await cur.execute(
        "SELECT p.like_count, EXISTS(SELECT 1 FROM likes l WHERE l.photo_id = p.id AND l.user_id = %s) AS liked"
        " FROM photos p WHERE p.id = %s",
        (user_id, photo_id),
    )
    row = await cur.fetchone()
    return (int(row["like_count"]), bool(row["liked"])) if row else (0, False)


COMMENT_COLUMNS = "c.id, c.photo_id, c.author_id, u.username AS author_username, u.display_name AS author_display_name,"
COMMENT_COLUMNS += " c.body, c.created_at"


comment_from_row = row_reader(Comment)


async def insert_comment(cur: DictCursor, *, photo_id: int, author_id: int, body: str) -> int:
    await cur.execute(
        "INSERT INTO comments (photo_id, author_id, body) VALUES (%s, %s, %s)", (photo_id, author_id, body)
    )
    return cur.lastrowid


async def photo_comments(cur: DictCursor, *, photo_id: int, after_id: int | None, limit: int) -> list[Comment]:
    """Oldest first, keyset on the comment id."""
    sql = (
        f"SELECT {COMMENT_COLUMNS} FROM comments c JOIN users u ON u.id = c.author_id"  # noqa: S608 - constant
        " WHERE c.photo_id = %s AND c.id > %s ORDER BY c.id LIMIT %s"
    )
    return await fetch_all(cur, comment_from_row, sql, (photo_id, after_id or 0, limit))


async def find_comment(cur: DictCursor, *, comment_id: int) -> tuple[Comment, dict] | None:
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


async def delete_comment(cur: DictCursor, *, comment_id: int) -> None:
    await cur.execute("DELETE FROM comments WHERE id = %s", (comment_id,))
