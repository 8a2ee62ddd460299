"""Share links as the services see them, and the JSON API's request and response bodies.

What a share viewer gets is a model of its own (SharedPhotoOut): no file
name, no checksum, no owner's username and no original unless the owner
allowed downloads; the Lambda's metadata never holds GPS data or serials.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

State = Literal["active", "expired", "revoked"]
Kind = Literal["photo", "album"]
PASSWORD_MIN_CHARS = 6
PASSWORD_MAX_CHARS = 128
MAX_EXPIRY_SECONDS = 366 * 24 * 3600
# The pages' choices (the API takes any number of seconds from 60 to MAX_EXPIRY_SECONDS).
EXPIRY_CHOICES = (("never", ""), ("1 hour", 3600), ("1 day", 86400), ("7 days", 604800), ("30 days", 2592000))


@dataclass(frozen=True)
class ShareLink:
    id: int
    token_hint: str
    owner_id: int
    photo_id: int | None
    album_id: int | None
    password_hash: str | None
    allow_download: bool
    expires_at: datetime | None
    revoked_at: datetime | None
    view_count: int
    created_at: datetime
    expired: bool  # by the database's clock when the row was read
    photo_public_id: str | None  # None also when the photo is being deleted
    photo_label: str | None
    album_public_id: str | None
    album_title: str | None

    @property
    def state(self) -> State:
        if self.revoked_at is not None:
            return "revoked"
        return "expired" if self.expired else "active"

    @property
    def kind(self) -> Kind:
        return "photo" if self.photo_id is not None else "album"

    @property
    def target_public_id(self) -> str | None:
        return self.photo_public_id if self.kind == "photo" else self.album_public_id

    @property
    def target_label(self) -> str:
        return (self.photo_label if self.kind == "photo" else self.album_title) or ""


@dataclass(frozen=True)
class NewShareLink:
    """A link just created: the token is shown this once; only its SHA-256 is stored."""

    token: str
    link: ShareLink


@dataclass(frozen=True)
class ShareLinkPage:
    links: list[ShareLink]
    next_cursor: str | None


class ShareLinkIn(BaseModel):
    photo_id: str | None = Field(default=None, description="share this photo (or give album_id)")
    album_id: str | None = Field(default=None, description="share this album (or give photo_id)")
    expires_in_seconds: int | None = Field(
        default=None, ge=60, le=MAX_EXPIRY_SECONDS, description="null: the link never expires"
    )
    password: str | None = Field(
        default=None,
        min_length=PASSWORD_MIN_CHARS,
        max_length=PASSWORD_MAX_CHARS,
        description="viewers must enter it first (stored as an argon2id hash)",
    )
    allow_download: bool = Field(default=False, description="viewers may open the original file (with its EXIF)")

    @model_validator(mode="after")
    def one_target(self) -> ShareLinkIn:
        if (self.photo_id is None) == (self.album_id is None):
            raise ValueError("give exactly one of photo_id and album_id")
        return self


class ShareLinkOut(BaseModel):
    id: int
    kind: Kind
    target_id: str | None = Field(description="the photo's or album's id; null once it was deleted")
    target_label: str
    token_hint: str = Field(description="the token's first characters, to tell links apart")
    has_password: bool
    allow_download: bool
    expires_at: datetime | None
    revoked_at: datetime | None
    state: State
    view_count: int = Field(ge=0)
    created_at: datetime


class CreatedShareLinkOut(ShareLinkOut):
    token: str = Field(description="shown only in this response")
    url: str = Field(description="the address to give to viewers")


class ShareLinkPageOut(BaseModel):
    items: list[ShareLinkOut]
    next_cursor: str | None


class RevokedOut(BaseModel):
    revoked: int = Field(ge=0, description="how many links were active and are revoked now")


class UnlockIn(BaseModel):
    password: str = Field(max_length=PASSWORD_MAX_CHARS)


class SharedUrlsOut(BaseModel):
    thumbnail_256: str | None
    thumbnail_1024: str | None
    original: str | None = Field(description="only when the owner allows downloads")
    expires_at: datetime | None


class SharedPhotoOut(BaseModel):
    id: str
    caption: str
    uploader_display_name: str
    status: Literal["processing", "ready", "failed"]
    content_type: str | None
    width: int | None
    height: int | None
    orientation: int | None
    taken_at: datetime | None
    camera_make: str | None
    camera_model: str | None
    urls: SharedUrlsOut


class SharedAlbumOut(BaseModel):
    title: str
    photo_count: int = Field(ge=0)
    cover: SharedPhotoOut | None


class SharedOut(BaseModel):
    kind: Kind
    allow_download: bool
    expires_at: datetime | None
    photo: SharedPhotoOut | None = Field(description="for a photo link")
    album: SharedAlbumOut | None = Field(description="for an album link; its photos are under .../photos")


class SharedPhotoPageOut(BaseModel):
    items: list[SharedPhotoOut]
    next_cursor: str | None
