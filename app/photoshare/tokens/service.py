"""Creating, finding, listing and revoking personal API tokens. Only a SHA-256 of each is stored:
a token is 256 random bits, so a fast hash is enough (unlike a password)."""

from __future__ import annotations

import hashlib
import secrets

from photoshare.accounts.models import User
from photoshare.database import Database
from photoshare.errors import InvalidRequestError, InvalidTokenError
from photoshare.logs import log
from photoshare.tokens import queries
from photoshare.tokens.models import NAME_MAX_CHARS, ApiToken, NewApiToken

PREFIX = "psk_"
MAX_TOKENS_PER_USER = 50
# last_used_at is written at most this often, so reading is not a write.
TOUCH_INTERVAL_SECONDS = 60


def hash_token(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "replace")).digest()


def clean_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name or len(name) > NAME_MAX_CHARS or not name.isprintable():
        raise InvalidRequestError(f"A token's name has 1 to {NAME_MAX_CHARS} printable characters.", field="name")
    return name


async def create_token(*, db: Database, user: User, name: str, scope: str) -> NewApiToken:
    name = clean_name(name)
    if scope not in ("read", "write"):
        raise InvalidRequestError("A token's scope is read or write.", field="scope")
    token = PREFIX + secrets.token_urlsafe(32)
    async with db.transaction() as cur:
        if await queries.count_api_tokens(cur, user_id=user.id) >= MAX_TOKENS_PER_USER:
            raise InvalidRequestError(
                f"You have {MAX_TOKENS_PER_USER} API tokens, the most an account may have."
                " Revoke one you no longer use."
            )
        token_id = await queries.insert_api_token(
            cur, user_id=user.id, name=name, token_hash=hash_token(token), token_hint=token[:8], scope=scope
        )
    records = await list_tokens(db=db, user=user)
    log("api_token_created", user_id=user.id, token_id=token_id, scope=scope)
    return NewApiToken(token=token, record=next(r for r in records if r.id == token_id))


async def authenticate(*, db: Database, token: str) -> tuple[ApiToken, User]:
    """The token's record and user; InvalidTokenError for anything else."""
    if not token.startswith(PREFIX) or len(token) > 100:
        raise InvalidTokenError()
    async with db.cursor() as cur:
        found = await queries.find_api_token(cur, token_hash=hash_token(token))
        if found is None:
            raise InvalidTokenError()
        record, user, now = found
        if record.last_used_at is None or (now - record.last_used_at).total_seconds() > TOUCH_INTERVAL_SECONDS:
            await queries.touch_api_token(cur, token_id=record.id)
    return record, user


async def list_tokens(*, db: Database, user: User) -> list[ApiToken]:
    async with db.cursor() as cur:
        return await queries.user_api_tokens(cur, user_id=user.id)


async def revoke_token(*, db: Database, user: User, token_id: int) -> bool:
    async with db.cursor() as cur:
        revoked = await queries.delete_api_token(cur, token_id=token_id, user_id=user.id)
    if revoked:
        log("api_token_revoked", user_id=user.id, token_id=token_id)
    return revoked
