"""The album pages: my albums, one album (keyset pages, cover), and the forms that change them."""

from __future__ import annotations

from quart import redirect, request, url_for

from photoshare.accounts.sessions import ensure_session, require_user, session_blueprint
from photoshare.albums import service
from photoshare.albums.models import TITLE_MAX_CHARS, Album
from photoshare.errors import AlbumNotFoundError
from photoshare.photos import service as photos_service
from photoshare.photos.cards import gallery_cards
from photoshare.photos.models import GALLERY_THUMBNAIL
from photoshare.runtime import runtime
from photoshare.web.pages import render_page

blueprint = session_blueprint("albums", __name__)


async def my_album(public_id: str) -> Album:
    return await service.require_owned_album(db=runtime().db, owner=require_user(), public_id=public_id)


@blueprint.get("/albums")
async def albums_page():
    user = require_user()
    await ensure_session()
    rt = runtime()
    albums = await service.my_albums(db=rt.db, owner=user, cursor=request.args.get("cursor"))
    credentials = await rt.storage.frozen_credentials()
    covers = {
        view.album.public_id: photos_service.signed_urls(
            rt.storage, view.cover, credentials, original=False
        ).thumbnails.get(GALLERY_THUMBNAIL)
        for view in albums.albums
        if view.cover is not None
    }
    return await render_page("albums.html", albums=albums, covers=covers, title_max=TITLE_MAX_CHARS)


@blueprint.post("/albums")
async def album_create():
    form = await request.form
    view = await service.create_album(db=runtime().db, owner=require_user(), title=form.get("title", ""))
    return redirect(url_for("albums.album_page", public_id=view.album.public_id), 303)


@blueprint.get("/albums/<public_id>")
async def album_page(public_id: str):
    rt = runtime()
    album = await my_album(public_id)
    await ensure_session()
    view = await service.album_view(db=rt.db, album=album)
    page = await service.album_page(db=rt.db, album=album, cursor=request.args.get("cursor"))
    cards = gallery_cards(page, await photos_service.page_urls(rt.storage, page), show_visibility=True)
    cover = None
    if view.cover is not None:
        cover = (await photos_service.photo_urls(rt.storage, view.cover)).thumbnails.get(GALLERY_THUMBNAIL)
    return await render_page(
        "album.html", album=album, cover=cover, page=page, cards=cards, title_max=TITLE_MAX_CHARS, photos=page.photos
    )


@blueprint.post("/albums/<public_id>")
async def album_edit(public_id: str):
    form = await request.form
    album = await service.update_album(
        db=runtime().db,
        owner=require_user(),
        public_id=public_id,
        title=form.get("title"),
        cover_photo_id=form.get("cover_photo_id"),
    )
    if album is None:
        raise AlbumNotFoundError()
    return redirect(url_for("albums.album_page", public_id=public_id), 303)


@blueprint.post("/albums/<public_id>/delete")
async def album_delete(public_id: str):
    if not await service.delete_album(db=runtime().db, owner=require_user(), public_id=public_id):
        raise AlbumNotFoundError()
    return redirect(url_for("albums.albums_page"), 303)


@blueprint.post("/albums/<public_id>/photos")
async def album_add_photo(public_id: str):
    """From the photo page: put the photo into this album, then back to the photo."""
    form = await request.form
    album = await my_album(public_id)
    photo_id = form.get("photo_id", "")
    await service.add_photo(db=runtime().db, owner=require_user(), album=album, photo_public_id=photo_id)
    return redirect(url_for("photos.photo_page", public_id=photo_id, _anchor="albums"), 303)


@blueprint.post("/albums/<public_id>/photos/<photo_id>/remove")
async def album_remove_photo(public_id: str, photo_id: str):
    album = await my_album(public_id)
    await service.remove_photo(db=runtime().db, owner=require_user(), album=album, photo_public_id=photo_id)
    return redirect(url_for("albums.album_page", public_id=public_id), 303)
