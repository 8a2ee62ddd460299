"""What share viewers and owners get back: the links as the owner sees them, photos as a viewer may."""

from __future__ import annotations

from datetime import UTC, datetime

from photoshare.photos.api import metadata_fields, url_fields
from photoshare.photos.models import Photo
from photoshare.photos.service import PhotoUrls, signed_urls
from photoshare.sharing.models import SharedPhotoOut, SharedUrlsOut, ShareLink, ShareLinkOut
from photoshare.storage import PhotoStorage


def utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value else None


def link_fields(link: ShareLink) -> dict:
    return {
        "id": link.id,
        "kind": link.kind,
        "target_id": link.target_public_id,
        "target_label": link.target_label,
        "token_hint": link.token_hint,
        "has_password": link.password_hash is not None,
        "allow_download": link.allow_download,
        "expires_at": utc(link.expires_at),
        "revoked_at": utc(link.revoked_at),
        "state": link.state,
        "view_count": link.view_count,
        "created_at": utc(link.created_at),
    }


def link_out(link: ShareLink) -> ShareLinkOut:
    return ShareLinkOut(**link_fields(link))


async def viewer_urls(storage: PhotoStorage, photos: list[Photo], *, allow_download: bool) -> dict[str, PhotoUrls]:
    """Thumbnails (no EXIF) always; the original (with its EXIF) only if the owner allows downloads."""
    credentials = await storage.frozen_credentials()
    return {p.public_id: signed_urls(storage, p, credentials, original=allow_download) for p in photos}


def shared_photo_out(photo: Photo, urls: PhotoUrls) -> SharedPhotoOut:
    return SharedPhotoOut(
        id=photo.public_id,
        caption=photo.caption,
        uploader_display_name=photo.uploader_display_name,
        status=photo.status,
        content_type=photo.content_type,
        **metadata_fields(photo),
        urls=SharedUrlsOut(**url_fields(urls)),
    )
