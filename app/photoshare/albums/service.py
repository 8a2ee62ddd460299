"""Albums: create, list, rename, choose a cover, delete, and add or remove photos. Owner only.

Another user's album does not exist for anyone but its owner (None, or
AlbumNotFoundError from require_owned_album: a 404). Only the owner's own
photos go into an album. Deleting an album removes its rows and its share
links, never a photo.
"""

from __future__ import annotations

from photoshare.accounts.models import User
from photoshare.albums import queries
from photoshare.albums.models import TITLE_MAX_CHARS, Album, AlbumList, AlbumView
from photoshare.database import Database
from photoshare.errors import AlbumNotFoundError, InvalidRequestError, PhotoNotFoundError
from photoshare.keyset import decode_cursor, keyset_page
from photoshare.logs import log
from photoshare.photos import keys
from photoshare.photos import service as photos_service
from photoshare.photos.models import GALLERY_THUMBNAIL, Photo, PhotoPage

PAGE_SIZE = photos_service.PAGE_SIZE


def clean_title(raw: str) -> str:
    title = " ".join(raw.split())
    if not title or len(title) > TITLE_MAX_CHARS or not title.isprintable():
        raise InvalidRequestError(f"An album's title has 1 to {TITLE_MAX_CHARS} printable characters.", field="title")
    return title


async def with_covers(db: Database, albums: list[Album]) -> list[AlbumView]:
    """Each album with its cover photo, all covers read in one query."""
    async with db.cursor() as cur:
        covers = await queries.photos_by_ids(
            cur, photo_ids={a.cover_id for a in albums if a.cover_id}, thumb_size=GALLERY_THUMBNAIL
        )
    return [AlbumView(album, covers.get(album.cover_id)) for album in albums]


async def create_album(*, db: Database, owner: User, title: str) -> AlbumView:
    public_id = keys.new_public_id()
    async with db.cursor() as cur:
        await queries.insert_album(cur, public_id=public_id, owner_id=owner.id, title=clean_title(title))
        album = await queries.find_owned_album(cur, public_id=public_id, owner_id=owner.id)
    log("album_created", album_id=public_id)
    return AlbumView(album, None)


async def my_albums(*, db: Database, owner: User, cursor: str | None) -> AlbumList:
    before = decode_cursor(cursor)
    async with db.cursor() as cur:
        albums = await queries.owner_albums(cur, owner_id=owner.id, before_id=before, limit=PAGE_SIZE + 1)
    albums, next_cursor = keyset_page(albums, PAGE_SIZE)
    return AlbumList(await with_covers(db, albums), next_cursor)


async def owned_album(*, db: Database, owner: User, public_id: str) -> Album | None:
    if not keys.is_public_id(public_id):
        return None
    async with db.cursor() as cur:
        return await queries.find_owned_album(cur, public_id=public_id, owner_id=owner.id)


async def require_owned_album(*, db: Database, owner: User, public_id: str) -> Album:
    """The owner's album; AlbumNotFoundError (a 404) if the owner has no such album."""
    album = await owned_album(db=db, owner=owner, public_id=public_id)
    if album is None:
        raise AlbumNotFoundError()
    return album


async def album_view(*, db: Database, album: Album) -> AlbumView:
    return (await with_covers(db, [album]))[0]


async def album_page(*, db: Database, album: Album, cursor: str | None) -> PhotoPage:
    """One keyset page of the album's photos, newest first."""
    before = decode_cursor(cursor)
    async with db.cursor() as cur:
        photos = await queries.album_gallery(
            cur, album_id=album.id, before_id=before, limit=PAGE_SIZE + 1, thumb_size=GALLERY_THUMBNAIL
        )
    return photos_service.paged(photos)


async def own_photo(*, db: Database, owner: User, photo_public_id: str) -> Photo:
    photo = await photos_service.owned_photo(
        db=db, public_id=photo_public_id, user=owner, not_owner_message="Only your own photos can go into your albums."
    )
    if photo is None:
        raise PhotoNotFoundError()
    return photo


async def update_album(
    *, db: Database, owner: User, public_id: str, title: str | None, cover_photo_id: str | None
) -> Album | None:
    """Rename and/or choose the cover ('' for the newest photo again); None if the owner has no such album."""
    album = await owned_album(db=db, owner=owner, public_id=public_id)
    if album is None:
        return None
    cover: Photo | None = None
    if cover_photo_id:
        cover = await own_photo(db=db, owner=owner, photo_public_id=cover_photo_id)
    async with db.transaction() as cur:
        if title is not None:
            await queries.rename_album(cur, album_id=album.id, title=clean_title(title))
        if cover is not None:
            if not await queries.album_contains(cur, album_id=album.id, photo_id=cover.id):
                raise InvalidRequestError("The cover must be a photo in this album. Add it first.", field="cover")
            await queries.set_album_cover(cur, album_id=album.id, photo_id=cover.id)
        elif cover_photo_id == "":
            await queries.set_album_cover(cur, album_id=album.id, photo_id=None)
    log("album_edited", album_id=public_id)
    return await owned_album(db=db, owner=owner, public_id=public_id)


async def delete_album(*, db: Database, owner: User, public_id: str) -> bool:
    album = await owned_album(db=db, owner=owner, public_id=public_id)
    if album is None:
        return False
    async with db.cursor() as cur:
        await queries.delete_album(cur, album_id=album.id)
    log("album_deleted", album_id=public_id, photos_kept=album.photo_count)
    return True


async def add_photo(*, db: Database, owner: User, album: Album, photo_public_id: str) -> bool:
    """True if the photo was added, False if it was there already."""
    photo = await own_photo(db=db, owner=owner, photo_public_id=photo_public_id)
    async with db.cursor() as cur:
        return await queries.add_album_photo(cur, album_id=album.id, photo_id=photo.id)


async def remove_photo(*, db: Database, owner: User, album: Album, photo_public_id: str) -> None:
    """Take the photo out of the album (the photo itself stays); PhotoNotFoundError if it is not in it."""
    photo = await own_photo(db=db, owner=owner, photo_public_id=photo_public_id)
    async with db.transaction() as cur:
        if not await queries.remove_album_photo(cur, album_id=album.id, photo_id=photo.id):
            raise PhotoNotFoundError("This photo is not in the album.")


async def albums_of_photo(*, db: Database, owner: User, photo: Photo) -> list[dict]:
    async with db.cursor() as cur:
        return await queries.photo_albums(cur, photo_id=photo.id, owner_id=owner.id)
