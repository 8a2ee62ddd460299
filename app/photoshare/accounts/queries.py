"""The accounts' SQL: users, sessions and the failure windows that throttle log-ins (and share passwords).

Functions take a cursor and keyword arguments only. Times come from the
database's clock (UTC_TIMESTAMP), the one clock every worker shares.
"""

from __future__ import annotations

from collections.abc import Iterable

from asyncmy.cursors import DictCursor

from photoshare.accounts.models import Session, User


async def insert_user(cur: DictCursor, *, username: str, display_name: str, password_hash: str) -> User:
    await cur.execute(
        "INSERT INTO users (username, display_name, password_hash) VALUES (%s, %s, %s)",
        (username, display_name, password_hash),
    )
    return User(id=cur.lastrowid, username=username, display_name=display_name)


async def find_user_with_hash(cur: DictCursor, *, username: str) -> tuple[User, str] | None:
    await cur.execute("SELECT id, username, display_name, password_hash FROM users WHERE username = %s", (username,))
    row = await cur.fetchone()
    if row is None:
        return None
    return User(row["id"], row["username"], row["display_name"]), row["password_hash"]


async def update_password_hash(cur: DictCursor, *, user_id: int, password_hash: str) -> None:
    await cur.execute("UPDATE users SET password_hash = %s WHERE id = %s", (password_hash, user_id))


async def insert_session(cur: DictCursor, *, token_hash: bytes, user: User | None, csrf_token: str) -> Session:
    await cur.execute("SELECT UTC_TIMESTAMP(6) AS now")
    now = (await cur.fetchone())["now"]
    await cur.execute(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) VALUES (%s, %s, %s, %s, %s)",
        (token_hash, user.id if user else None, csrf_token, now, now),
    )
    return Session(token_hash, user, csrf_token, created_at=now, last_seen_at=now, now=now)


async def find_live_session(
    cur: DictCursor, *, token_hash: bytes, idle_seconds: int, absolute_seconds: int
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


async def touch_session(cur: DictCursor, *, token_hash: bytes) -> None:
    await cur.execute("UPDATE sessions SET last_seen_at = UTC_TIMESTAMP(6) WHERE token_hash = %s", (token_hash,))


async def delete_session(cur: DictCursor, *, token_hash: bytes) -> None:
    await cur.execute("DELETE FROM sessions WHERE token_hash = %s", (token_hash,))


async def delete_expired_sessions(cur: DictCursor, *, idle_seconds: int, absolute_seconds: int) -> int:
    await cur.execute(
        "DELETE FROM sessions WHERE last_seen_at <= UTC_TIMESTAMP(6) - INTERVAL %s SECOND"
        " OR created_at <= UTC_TIMESTAMP(6) - INTERVAL %s SECOND",
        (idle_seconds, absolute_seconds),
    )
    return cur.rowcount


async def recent_failures(
    cur: DictCursor, *, subjects: Iterable[str], window_seconds: int
) -> dict[str, tuple[int, int]]:
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


async def record_failure(cur: DictCursor, *, subject: str, window_seconds: int) -> None:
    # ON DUPLICATE KEY UPDATE assigns left to right: failures reads the old window_start.
    await cur.execute(
        "INSERT INTO login_failures (subject, window_start, failures) VALUES (%s, UTC_TIMESTAMP(6), 1)"
        " ON DUPLICATE KEY UPDATE"
        " failures = IF(window_start <= UTC_TIMESTAMP(6) - INTERVAL %s SECOND, 1, failures + 1),"
        " window_start = IF(window_start <= UTC_TIMESTAMP(6) - INTERVAL %s SECOND, UTC_TIMESTAMP(6), window_start)",
        (subject, window_seconds, window_seconds),
    )


async def clear_failures(cur: DictCursor, *, subject: str) -> None:
    await cur.execute("DELETE FROM login_failures WHERE subject = %s", (subject,))


async def delete_old_failures(cur: DictCursor, *, window_seconds: int) -> int:
    await cur.execute(
        "DELETE FROM login_failures WHERE window_start <= UTC_TIMESTAMP(6) - INTERVAL %s SECOND", (window_seconds,)
    )
    return cur.rowcount
