"""Accounts as the services see them, and the JSON API's request and response bodies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


@dataclass(frozen=True)
class User:
    id: int
    username: str
    display_name: str


@dataclass(frozen=True)
class Session:
    token_hash: bytes
    user: User | None
    csrf_token: str
    created_at: datetime
    last_seen_at: datetime
    now: datetime  # the database's clock when the session was read
    storage_used_bytes: int = 0  # the user's, read with the session so that pages need no query for it


@dataclass(frozen=True)
class NewSession:
    """A session just created: the token goes into the cookie and is never stored."""

    token: str
    session: Session


class UserOut(BaseModel):
    username: str
    display_name: str


class SessionOut(BaseModel):
    user: UserOut | None = Field(description="the logged-in user, or null for an anonymous visitor")
    csrf_token: str = Field(description="send it as the X-CSRF-Token header with every state-changing request")


class RegisterIn(BaseModel):
    username: str = Field(description="3 to 32 characters: letters, digits, '.', '_' or '-'; case does not matter")
    password: str = Field(description="8 to 128 characters")
    display_name: str | None = Field(default=None, description="shown beside your photos; defaults to the username")


class LoginIn(BaseModel):
    username: str
    password: str


class StorageOut(BaseModel):
    used_bytes: int = Field(ge=0, description="originals and thumbnails")
    quota_bytes: int = Field(ge=0, description="PHOTOSHARE_STORAGE_QUOTA_BYTES: an upload beyond it gets 413")


class MeOut(BaseModel):
    user: UserOut
    authenticated_by: Literal["session", "token"]
    token_scope: Literal["read", "write"] | None = Field(description="the API token's scope, null for a session")
    storage: StorageOut
