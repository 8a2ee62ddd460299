"""Comments and likes as the services see them, and the JSON API's request and response bodies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, Field

COMMENT_MAX_CHARS = 1000


@dataclass(frozen=True)
class Comment:
    id: int
    photo_id: int
    author_id: int
    author_username: str
    author_display_name: str
    body: str
    created_at: datetime


@dataclass(frozen=True)
class CommentPage:
    comments: list[Comment]
    next_cursor: str | None


class CommentIn(BaseModel):
    body: str = Field(min_length=1, max_length=COMMENT_MAX_CHARS, description="plain text; no markup is rendered")


class CommentAuthorOut(BaseModel):
    username: str
    display_name: str


class CommentOut(BaseModel):
    id: int
    photo_id: str
    author: CommentAuthorOut
    body: str
    created_at: datetime


class CommentPageOut(BaseModel):
    items: list[CommentOut]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next (newer) page; null on the last page")


class LikeOut(BaseModel):
    liked: bool = Field(description="whether you like the photo now")
    like_count: int = Field(ge=0)
