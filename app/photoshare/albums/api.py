"""/api/v1/albums: the owner's albums as JSON, with the same rights as the pages."""

from __future__ import annotations

from datetime import UTC

from quart_schema import tag, validate_querystring, validate_request, validate_response

from photoshare.accounts.sessions import require_user, session_blueprint
from photoshare.albums import service
from photoshare.albums.models import Album, AlbumIn, AlbumListOut, AlbumOut, AlbumUpdateIn, AlbumView
from photoshare.errors import AlbumNotFoundError
from photoshare.photos import service as photos_service
from photoshare.photos.api import page_out, photo_out
from photoshare.photos.models import PageQuery, PhotoPageOut
from photoshare.runtime import runtime
from photoshare.web.errors import error_responses, no_content

blueprint = session_blueprint("albums_api", __name__, url_prefix="/api/v1")


async def albums_out(views: list[AlbumView]) -> list[AlbumOut]:
    storage = runtime().storage
    credentials = await storage.frozen_credentials()
    return [
        AlbumOut(
            id=view.album.public_id,
            title=view.album.title,
            photo_count=view.album.photo_count,
            created_at=view.album.created_at.replace(tzinfo=UTC),
            cover=photo_out(view.cover, photos_service.signed_urls(storage, view.cover, credentials, original=False))
            if view.cover
            else None,
        )
        for view in views
    ]


async def album_out(album: Album) -> AlbumOut:
    return (await albums_out([await service.album_view(db=runtime().db, album=album)]))[0]


async def my_album(album_id: str) -> Album:
    return await service.require_owned_album(db=runtime().db, owner=require_user(), public_id=album_id)


@blueprint.get("/albums")
@tag(["albums"])
@validate_querystring(PageQuery)
@validate_response(AlbumListOut)
@error_responses(400, 401)
async def list_albums(query_args: PageQuery) -> AlbumListOut:
    """My albums, newest first, 24 a page (keyset pagination)."""
    albums = await service.my_albums(db=runtime().db, owner=require_user(), cursor=query_args.cursor)
    return AlbumListOut(items=await albums_out(albums.albums), next_cursor=albums.next_cursor)


@blueprint.post("/albums")
@tag(["albums"])
@validate_request(AlbumIn)
@validate_response(AlbumOut, 201)
@error_responses(400, 401, 403)
async def create_album(data: AlbumIn) -> tuple[AlbumOut, int]:
    """Create an empty album."""
    view = await service.create_album(db=runtime().db, owner=require_user(), title=data.title)
    return (await albums_out([view]))[0], 201


@blueprint.get("/albums/<album_id>")
@tag(["albums"])
@validate_response(AlbumOut)
@error_responses(401, 404)
async def get_album(album_id: str) -> AlbumOut:
    """One of my albums with its cover and photo count."""
    return await album_out(await my_album(album_id))


@blueprint.patch("/albums/<album_id>")
@tag(["albums"])
@validate_request(AlbumUpdateIn)
@validate_response(AlbumOut)
@error_responses(400, 401, 403, 404)
async def update_album(album_id: str, data: AlbumUpdateIn) -> AlbumOut:
    """Rename the album or choose its cover (a photo in it; '' for the newest photo)."""
    album = await service.update_album(
        db=runtime().db, owner=require_user(), public_id=album_id, title=data.title, cover_photo_id=data.cover_photo_id
    )
    if album is None:
        raise AlbumNotFoundError()
    return await album_out(album)


@blueprint.delete("/albums/<album_id>")
@tag(["albums"])
@no_content
@error_responses(401, 403, 404)
async def delete_album(album_id: str):
    """Delete the album and its share links; its photos stay in My photos."""
    if not await service.delete_album(db=runtime().db, owner=require_user(), public_id=album_id):
        raise AlbumNotFoundError()
    return "", 204


@blueprint.get("/albums/<album_id>/photos")
@tag(["albums"])
@validate_querystring(PageQuery)
@validate_response(PhotoPageOut)
@error_responses(400, 401, 404)
async def list_album_photos(album_id: str, query_args: PageQuery) -> PhotoPageOut:
    """The album's photos, newest first, 24 a page (keyset pagination)."""
    album = await my_album(album_id)
    return await page_out(await service.album_page(db=runtime().db, album=album, cursor=query_args.cursor))


@blueprint.put("/albums/<album_id>/photos/<photo_id>")
@tag(["albums"])
@no_content
@error_responses(401, 403, 404)
async def add_album_photo(album_id: str, photo_id: str):
    """Put one of my photos into the album (a photo may be in several albums; adding twice is fine)."""
    album = await my_album(album_id)
    await service.add_photo(db=runtime().db, owner=require_user(), album=album, photo_public_id=photo_id)
    return "", 204


@blueprint.delete("/albums/<album_id>/photos/<photo_id>")
@tag(["albums"])
@no_content
@error_responses(401, 403, 404)
async def remove_album_photo(album_id: str, photo_id: str):
    """Take a photo out of the album; the photo itself is not deleted."""
    album = await my_album(album_id)
    await service.remove_photo(db=runtime().db, owner=require_user(), album=album, photo_public_id=photo_id)
    return "", 204
