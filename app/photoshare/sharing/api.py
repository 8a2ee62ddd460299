"""/api/v1/shares (the owner's links) and /api/v1/shared/<token> (what a viewer of a link sees)."""

from __future__ import annotations

from quart import request, url_for
from quart_schema import tag, validate_querystring, validate_request, validate_response

from photoshare.accounts.sessions import current_session, require_user, session_blueprint
from photoshare.albums import service as albums_service
from photoshare.errors import ShareLinkNotFoundError
from photoshare.photos.models import PageQuery
from photoshare.runtime import runtime
from photoshare.sharing import service
from photoshare.sharing.models import (
    CreatedShareLinkOut,
    RevokedOut,
    SharedAlbumOut,
    SharedOut,
    SharedPhotoOut,
    SharedPhotoPageOut,
    ShareLink,
    ShareLinkIn,
    ShareLinkOut,
    ShareLinkPageOut,
    UnlockIn,
)
from photoshare.sharing.presentation import link_fields, link_out, shared_photo_out, utc, viewer_urls
from photoshare.web.errors import error_responses, no_content

blueprint = session_blueprint("sharing_api", __name__, url_prefix="/api/v1")


@blueprint.get("/shares")
@tag(["sharing"])
@validate_querystring(PageQuery)
@validate_response(ShareLinkPageOut)
@error_responses(400, 401)
async def list_links(query_args: PageQuery) -> ShareLinkPageOut:
    """My share links, newest first, with their state, expiry and views."""
    page = await service.my_links(db=runtime().db, owner=require_user(), cursor=query_args.cursor)
    return ShareLinkPageOut(items=[link_out(link) for link in page.links], next_cursor=page.next_cursor)


@blueprint.post("/shares")
@tag(["sharing"])
@validate_request(ShareLinkIn)
@validate_response(CreatedShareLinkOut, 201)
@error_responses(400, 401, 403, 404)
async def create_link(data: ShareLinkIn) -> tuple[CreatedShareLinkOut, int]:
    """Share one of my photos or albums by link; the token is in this response only."""
    rt = runtime()
    new = await service.create_link(
        db=rt.db,
        passwords=rt.passwords,
        owner=require_user(),
        photo_public_id=data.photo_id,
        album_public_id=data.album_id,
        expires_in_seconds=data.expires_in_seconds,
        password=data.password,
        allow_download=data.allow_download,
    )
    url = url_for("sharing.shared_page", token=new.token, _external=True)
    return CreatedShareLinkOut(token=new.token, url=url, **link_fields(new.link)), 201


@blueprint.delete("/shares/<int:share_id>")
@tag(["sharing"])
@validate_response(ShareLinkOut)
@error_responses(401, 403, 404)
async def revoke_link(share_id: int) -> ShareLinkOut:
    """Revoke one link: it answers 410 from now on (revoking again changes nothing)."""
    link = await service.revoke_link(db=runtime().db, owner=require_user(), share_id=share_id)
    if link is None:
        raise ShareLinkNotFoundError()
    return link_out(link)


@blueprint.post("/shares/revoke-all")
@tag(["sharing"])
@validate_response(RevokedOut)
@error_responses(401, 403)
async def revoke_all() -> RevokedOut:
    """Revoke every link of mine that still works."""
    return RevokedOut(revoked=await service.revoke_all(db=runtime().db, owner=require_user()))


async def open_unlocked(token: str) -> ShareLink:
    rt = runtime()
    link = await service.open_link(db=rt.db, token=token)
    await service.require_unlocked(db=rt.db, link=link, session=current_session())
    return link


@blueprint.get("/shared/<token>")
@tag(["shared"])
@validate_response(SharedOut)
@error_responses(401, 404, 410)
async def get_shared(token: str) -> SharedOut:
    """What a link shows (counted as a view). 401 share_password_required: unlock it first."""
    rt = runtime()
    link = await open_unlocked(token)
    photo_out = album_out = None
    if link.kind == "photo":
        photo = await service.shared_photo(db=rt.db, link=link, photo_public_id=None)
        urls = await viewer_urls(rt.storage, [photo], allow_download=link.allow_download)
        photo_out = shared_photo_out(photo, urls[photo.public_id])
    else:
        album = await service.shared_album(db=rt.db, link=link)
        cover_photo = (await albums_service.album_view(db=rt.db, album=album)).cover
        cover = None
        if cover_photo is not None:
            urls = await viewer_urls(rt.storage, [cover_photo], allow_download=link.allow_download)
            cover = shared_photo_out(cover_photo, urls[cover_photo.public_id])
        album_out = SharedAlbumOut(title=album.title, photo_count=album.photo_count, cover=cover)
    await service.count_view(db=rt.db, link=link)
    return SharedOut(
        kind=link.kind,
        allow_download=link.allow_download,
        expires_at=utc(link.expires_at),
        photo=photo_out,
        album=album_out,
    )


@blueprint.get("/shared/<token>/photos")
@tag(["shared"])
@validate_querystring(PageQuery)
@validate_response(SharedPhotoPageOut)
@error_responses(400, 401, 404, 410)
async def list_shared_photos(token: str, query_args: PageQuery) -> SharedPhotoPageOut:
    """The photos of a link, newest first, 24 a page (one item for a photo link)."""
    rt = runtime()
    link = await open_unlocked(token)
    if link.kind == "photo":
        photos, next_cursor = [await service.shared_photo(db=rt.db, link=link, photo_public_id=None)], None
    else:
        page = await service.shared_album_page(db=rt.db, link=link, cursor=query_args.cursor)
        photos, next_cursor = page.photos, page.next_cursor
    urls = await viewer_urls(rt.storage, photos, allow_download=link.allow_download)
    return SharedPhotoPageOut(items=[shared_photo_out(p, urls[p.public_id]) for p in photos], next_cursor=next_cursor)


@blueprint.get("/shared/<token>/photos/<photo_id>")
@tag(["shared"])
@validate_response(SharedPhotoOut)
@error_responses(401, 404, 410)
async def get_shared_photo(token: str, photo_id: str) -> SharedPhotoOut:
    """One photo of a link."""
    rt = runtime()
    link = await open_unlocked(token)
    photo = await service.shared_photo(db=rt.db, link=link, photo_public_id=photo_id)
    urls = await viewer_urls(rt.storage, [photo], allow_download=link.allow_download)
    return shared_photo_out(photo, urls[photo.public_id])


@blueprint.post("/shared/<token>/unlock")
@tag(["shared"])
@validate_request(UnlockIn)
@no_content
@error_responses(400, 401, 403, 404, 410, 429)
async def unlock(token: str, data: UnlockIn):
    """Give a link's password; this session then sees the link. Wrong passwords are throttled (429)."""
    rt = runtime()
    link = await service.open_link(db=rt.db, token=token)
    await service.unlock(
        db=rt.db,
        passwords=rt.passwords,
        settings=rt.settings,
        link=link,
        password=data.password,
        session=current_session(),
        client_ip=request.remote_addr or "",
    )
    return "", 204
