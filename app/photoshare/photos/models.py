"""Photos as the services see them, and the JSON API's request and response bodies."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Visibility = Literal["private", "unlisted", "public"]
Status = Literal["processing", "ready", "failed"]
VISIBILITIES: tuple[Visibility, ...] = ("private", "unlisted", "public")
CAPTION_MAX_CHARS = 2000
GALLERY_THUMBNAIL = 256
PAGE_THUMBNAIL = 1024


@dataclass(frozen=True)
class Thumbnail:
    size: int
    object_key: str
    content_type: str
    width: int
    height: int
    size_bytes: int


@dataclass(slots=True)  # not frozen: constructing frozen dataclasses is slow, and a gallery makes 25
class Photo:
    id: int
    public_id: str
    owner_id: int
    owner_username: str
    uploader_display_name: str
    caption: str
    original_filename: str
    object_key: str
    size_bytes: int | None
    content_type: str | None
    sha256: bytes | None
    status: Status
    failure_reason: str | None
    visibility: Visibility
    width: int | None
    height: int | None
    orientation: int | None
    taken_at: datetime | None
    camera_make: str | None
    camera_model: str | None
    created_at: datetime
    processed_at: datetime | None
    like_count: int = 0
    thumbnails: dict[int, Thumbnail] = field(default_factory=dict)


@dataclass(frozen=True)
class PhotoPage:
    photos: list[Photo]
    next_cursor: str | None


class OwnerOut(BaseModel):
    username: str


class PhotoMetadataOut(BaseModel):
    width: int | None = Field(description="as stored, before orientation is applied")
    height: int | None
    orientation: int | None = Field(description="EXIF orientation 1-8; 5 to 8 swap width and height")
    taken_at: datetime | None = Field(description="EXIF DateTimeOriginal, the camera's local time")
    camera_make: str | None
    camera_model: str | None


class ImageUrlsOut(BaseModel):
    original: str | None = Field(default=None, description="presigned, short-lived; only on a single photo")
    thumbnail_256: str | None = None
    thumbnail_1024: str | None = None
    expires_at: datetime | None = Field(default=None, description="when these URLs stop working")


class PhotoOut(BaseModel):
    id: str
    owner: OwnerOut
    uploader_display_name: str
    caption: str
    original_filename: str
    size_bytes: int | None
    content_type: str | None
    sha256: str | None
    status: Status
    failure_reason: str | None
    visibility: Visibility
    created_at: datetime
    processed_at: datetime | None
    like_count: int = Field(ge=0)
    metadata: PhotoMetadataOut
    urls: ImageUrlsOut


class PhotoPageOut(BaseModel):
    items: list[PhotoOut]
    next_cursor: str | None = Field(description="pass as ?cursor= for the next page; null on the last page")


class PageQuery(BaseModel):
    cursor: str | None = None


class PhotoUpdateIn(BaseModel):
    caption: str | None = Field(default=None, max_length=CAPTION_MAX_CHARS)
    visibility: Visibility | None = None


class UploadForm(BaseModel):
    """multipart/form-data: the fields may come in any order; exactly one file."""

    file: bytes = Field(description="the image: JPEG, PNG, WebP, GIF or HEIC/HEIF")
    caption: str = Field(default="", max_length=CAPTION_MAX_CHARS)
    visibility: Visibility = "private"
    csrf_token: str | None = Field(default=None, description="instead of the X-CSRF-Token header")
