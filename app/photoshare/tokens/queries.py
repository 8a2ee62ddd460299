"""The personal API tokens' SQL.

Functions take a cursor and keyword arguments only.
"""

from __future__ import annotations

from datetime import datetime

from asyncmy.cursors import DictCursor

from photoshare.accounts.models import User
from photoshare.rows import fetch_all, row_reader
from photoshare.tokens.models import ApiToken

api_token_from_row = row_reader(ApiToken)


async def insert_api_token(
    cur: DictCursor, *, user_id: int, name: str, token_hash: bytes, token_hint: str, scope: str
) -> int:
    await cur.execute(
        "INSERT INTO api_tokens (user_id, name, token_hash, token_hint, scope) VALUES (%s, %s, %s, %s, %s)",
        (user_id, name, token_hash, token_hint, scope),
    )
    return cur.lastrowid


async def count_api_tokens(cur: DictCursor, *, user_id: int) -> int:
    await cur.execute("SELECT COUNT(*) AS n FROM api_tokens WHERE user_id = %s", (user_id,))
    return int((await cur.fetchone())["n"])


async def find_api_token(cur: DictCursor, *, token_hash: bytes) -> tuple[ApiToken, User, datetime] | None:
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


async def touch_api_token(cur: DictCursor, *, token_id: int) -> None:
    await cur.execute("UPDATE api_tokens SET last_used_at = UTC_TIMESTAMP(6) WHERE id = %s", (token_id,))


async def user_api_tokens(cur: DictCursor, *, user_id: int) -> list[ApiToken]:
    sql = (
        "SELECT id, user_id, name, token_hint, scope, created_at, last_used_at FROM api_tokens"
        " WHERE user_id = %s ORDER BY id DESC"
    )
    return await fetch_all(cur, api_token_from_row, sql, (user_id,))


async def delete_api_token(cur: DictCursor, *, token_id: int, user_id: int) -> bool:
    await cur.execute("DELETE FROM api_tokens WHERE id = %s AND user_id = %s", (token_id, user_id))
    return cur.rowcount == 1
