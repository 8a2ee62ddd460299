"""Albums as the services see them, and the JSON API's request and response bodies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from pydantic import BaseModel, Field

from photoshare.photos.models import Photo, PhotoOut

TITLE_MAX_CHARS = 200


@dataclass(frozen=True)
class Album:
    id: int
    public_id: str
    owner_id: int
    title: str
    cover_photo_id: int | None
    created_at: datetime
    photo_count: int
    newest_photo_id: int | None

    @property
    def cover_id(self) -> int | None:
        """The owner's chosen cover, else the newest photo."""
        return self.cover_photo_id or self.newest_photo_id


@dataclass(frozen=True)
class AlbumView:
    album: Album
    cover: Photo | None


@dataclass(frozen=True)
class AlbumList:
    albums: list[AlbumView]
    next_cursor: str | None


class AlbumIn(BaseModel):
    title: str = Field(min_length=1, max_length=TITLE_MAX_CHARS)


class AlbumUpdateIn(BaseModel):
    title: str | None = Field(default=None, min_length=1, max_length=TITLE_MAX_CHARS)
    cover_photo_id: str | None = Field(
        default=None, description="a photo in the album to show as its cover; '' returns to the newest photo"
    )


class AlbumOut(BaseModel):
    id: str
    title: str
    photo_count: int = Field(ge=0)
    created_at: datetime
    cover: PhotoOut | None = Field(description="the chosen cover, else the newest photo; null when empty")


class AlbumListOut(BaseModel):
    items: list[AlbumOut]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null on the last page")
