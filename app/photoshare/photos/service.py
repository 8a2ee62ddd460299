"""The galleries, one photo, its edits and its deletion. Every query applies the viewer's rights.

A photo the viewer may not see does not exist for them: these functions
return None and the views answer 404 (never 403), whatever the route.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from photoshare.accounts.models import User
from photoshare.database import Database
from photoshare.errors import NotOwnerError
from photoshare.keyset import decode_cursor, keyset_page
from photoshare.logs import log
from photoshare.photos import keys, queries
from photoshare.photos.models import GALLERY_THUMBNAIL, Photo, PhotoPage
from photoshare.presign import SignedUrl
from photoshare.storage import PhotoStorage

PAGE_SIZE = 24


@dataclass(frozen=True)
class PhotoUrls:
    original: SignedUrl | None
    thumbnails: dict[int, SignedUrl]


def signed_urls(storage: PhotoStorage, photo: Photo, credentials, *, original: bool) -> PhotoUrls:
    sign = storage.signer.sign
    return PhotoUrls(
        original=sign(photo.object_key, credentials) if original else None,
        thumbnails={size: sign(thumb.object_key, credentials) for size, thumb in photo.thumbnails.items()},
    )


async def page_urls(storage: PhotoStorage, page: PhotoPage) -> dict[str, PhotoUrls]:
    credentials = await storage.frozen_credentials()
    return {photo.public_id: signed_urls(storage, photo, credentials, original=False) for photo in page.photos}


async def photo_urls(storage: PhotoStorage, photo: Photo) -> PhotoUrls:
    return signed_urls(storage, photo, await storage.frozen_credentials(), original=True)


def paged(photos: list[Photo]) -> PhotoPage:
    return PhotoPage(*keyset_page(photos, PAGE_SIZE))


async def my_photos(*, db: Database, owner: User, cursor: str | None) -> PhotoPage:
    before = decode_cursor(cursor)
    async with db.cursor() as cur:
        photos = await queries.owner_gallery(
            cur, owner_id=owner.id, before_id=before, limit=PAGE_SIZE + 1, thumb_size=GALLERY_THUMBNAIL
        )
    return paged(photos)


async def public_feed(*, db: Database, cursor: str | None) -> PhotoPage:
    before = decode_cursor(cursor)
    async with db.cursor() as cur:
        photos = await queries.public_feed(cur, before_id=before, limit=PAGE_SIZE + 1, thumb_size=GALLERY_THUMBNAIL)
    return paged(photos)


async def storage_used(*, db: Database, user: User) -> int:
    """Bytes of the user's originals and thumbnails, as the quota counts them."""
    async with db.cursor() as cur:
        return await queries.storage_used(cur, user_id=user.id)


async def visible_photo(*, db: Database, public_id: str, viewer: User | None) -> Photo | None:
    if not keys.is_public_id(public_id):
        return None
    async with db.cursor() as cur:
        return await queries.find_visible_photo(cur, public_id=public_id, viewer_id=viewer.id if viewer else None)


async def owned_photo(
    *, db: Database, public_id: str, user: User, not_owner_message: str | None = None
) -> Photo | None:
    """The photo if the user owns it; None if they cannot see it; NotOwnerError if they see but do not own it."""
    photo = await visible_photo(db=db, public_id=public_id, viewer=user)
    if photo is not None and photo.owner_id != user.id:
        raise NotOwnerError(not_owner_message)
    return photo


async def edit_photo(
    *, db: Database, public_id: str, user: User, caption: str | None, visibility: str | None
) -> Photo | None:
    photo = await owned_photo(db=db, public_id=public_id, user=user)
    if photo is None:
        return None
    async with db.cursor() as cur:
        await queries.update_photo(
            cur,
            photo_id=photo.id,
            owner_id=user.id,
            caption=caption.strip() if caption is not None else None,
            visibility=visibility,
        )
    log("photo_edited", photo_id=public_id)
    return await visible_photo(db=db, public_id=public_id, viewer=user)


async def delete_photo(*, db: Database, storage: PhotoStorage, public_id: str, user: User) -> bool:
    """Hide the photo at once, then delete its objects and rows. False if the user has no such photo.

    If S3 fails, the photo stays hidden in state 'deleting' and the janitor
    finishes; the caller still gets the storage error, so the user knows.
    """
    photo = await owned_photo(db=db, public_id=public_id, user=user)
    if photo is None:
        return False
    async with db.transaction() as cur:
        if not await queries.mark_photo_deleting(cur, photo_id=photo.id, owner_id=user.id):
            return False
    await remove_photo(db=db, storage=storage, photo_id=photo.id, owner_id=user.id, public_id=public_id)
    return True


async def remove_photo(*, db: Database, storage: PhotoStorage, photo_id: int, owner_id: int, public_id: str) -> None:
    """Delete every object of the photo, then its rows (thumbnail rows cascade)."""
    await storage.delete_photo_objects(
        keys.original_key(owner_id, public_id), keys.thumbnail_prefix(owner_id, public_id)
    )
    async with db.cursor() as cur:
        await queries.delete_photo_row(cur, photo_id=photo_id)
    log("photo_deleted", level=logging.INFO, photo_id=public_id)
