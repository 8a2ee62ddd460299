"""API tokens as the services see them, and the JSON API's request and response bodies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Scope = Literal["read", "write"]
NAME_MAX_CHARS = 100


@dataclass(frozen=True)
class ApiToken:
    id: int
    user_id: int
    name: str
    token_hint: str
    scope: Scope
    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True)
class NewApiToken:
    """A token just created: the secret is shown this once and never stored."""

    token: str
    record: ApiToken


class ApiTokenIn(BaseModel):
    name: str = Field(
        min_length=1, max_length=NAME_MAX_CHARS, description="what the token is for, e.g. 'backup script'"
    )
    scope: Scope = Field(description="read: GET requests only; write: everything the account may do")


class ApiTokenOut(BaseModel):
    id: int
    name: str
    scope: Scope
    token_hint: str = Field(description="the token's first characters, to tell tokens apart")
    created_at: datetime
    last_used_at: datetime | None


class CreatedApiTokenOut(ApiTokenOut):
    token: str = Field(description="send it as 'Authorization: Bearer <token>'; shown only in this response")


class ApiTokenListOut(BaseModel):
    items: list[ApiTokenOut]
