"""The owner's share links page and its forms, and the pages a viewer of a link sees (/s/<token>).

Shared pages show thumbnails (which carry no EXIF) and the metadata the
Lambda kept (never GPS or serials); the original only when the owner allowed
downloads. An unknown link is a friendly 404 page, a revoked or expired one
a friendly 410 page (the errors' page_template).
"""

from __future__ import annotations

from quart import redirect, request, url_for

from photoshare.accounts.sessions import current_session, ensure_session, require_user, session_blueprint
from photoshare.albums import service as albums_service
from photoshare.errors import (
    InvalidRequestError,
    ShareLinkNotFoundError,
    SharePasswordRequiredError,
    WrongSharePasswordError,
)
from photoshare.photos.models import PAGE_THUMBNAIL
from photoshare.runtime import runtime
from photoshare.sharing import service
from photoshare.sharing.models import MAX_EXPIRY_SECONDS, PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, ShareLink
from photoshare.sharing.presentation import viewer_urls
from photoshare.web.pages import render_page

blueprint = session_blueprint("sharing", __name__)


def expiry_from_form(raw: str | None) -> int | None:
    if not raw:
        return None
    if not raw.isdigit() or not 60 <= int(raw) <= MAX_EXPIRY_SECONDS:
        raise InvalidRequestError("Pick an expiry from the list.")
    return int(raw)


@blueprint.get("/shares")
async def links_page():
    user = require_user()
    await ensure_session()
    page = await service.my_links(db=runtime().db, owner=user, cursor=request.args.get("cursor"))
    return await render_page("shares.html", page=page)


@blueprint.post("/shares")
async def link_create():
    """From a photo or album page: make a link and show it, this once."""
    form = await request.form
    rt = runtime()
    password = form.get("password") or None
    if password is not None and not PASSWORD_MIN_CHARS <= len(password) <= PASSWORD_MAX_CHARS:
        raise InvalidRequestError(f"A link's password has {PASSWORD_MIN_CHARS} to {PASSWORD_MAX_CHARS} characters.")
    new = await service.create_link(
        db=rt.db,
        passwords=rt.passwords,
        owner=require_user(),
        photo_public_id=form.get("photo_id") or None,
        album_public_id=None if form.get("photo_id") else form.get("album_id", ""),
        expires_in_seconds=expiry_from_form(form.get("expires_in_seconds")),
        password=password,
        allow_download=form.get("allow_download") == "on",
    )
    url = url_for("sharing.shared_page", token=new.token, _external=True)
    return await render_page("share_created.html", link=new.link, url=url), 201


@blueprint.post("/shares/<int:share_id>/revoke")
async def link_revoke(share_id: int):
    if await service.revoke_link(db=runtime().db, owner=require_user(), share_id=share_id) is None:
        raise ShareLinkNotFoundError()
    return redirect(url_for("sharing.links_page"), 303)


@blueprint.post("/shares/revoke-all")
async def links_revoke_all():
    await service.revoke_all(db=runtime().db, owner=require_user())
    return redirect(url_for("sharing.links_page"), 303)


async def open_or_ask(token: str) -> ShareLink | None:
    """The link if this visitor may see it; None when its password is needed first."""
    rt = runtime()
    link = await service.open_link(db=rt.db, token=token)
    try:
        await service.require_unlocked(db=rt.db, link=link, session=current_session())
    except SharePasswordRequiredError:
        return None
    return link


async def password_page(token: str, error: str | None = None, status: int = 401):
    await ensure_session()
    page = await render_page("share_locked.html", token=token, error=error, password_max=PASSWORD_MAX_CHARS)
    return page, status


@blueprint.get("/s/<token>")
async def shared_page(token: str):
    rt = runtime()
    link = await open_or_ask(token)
    if link is None:
        return await password_page(token)
    await service.count_view(db=rt.db, link=link)
    if link.kind == "photo":
        return await shared_photo_page(token, link, None)
    album = await service.shared_album(db=rt.db, link=link)
    page = await albums_service.album_page(db=rt.db, album=album, cursor=request.args.get("cursor"))
    urls = await viewer_urls(rt.storage, page.photos, allow_download=False)
    return await render_page("share_album.html", token=token, album=album, page=page, urls=urls)


@blueprint.get("/s/<token>/photos/<photo_id>")
async def shared_album_photo(token: str, photo_id: str):
    link = await open_or_ask(token)
    if link is None:
        return await password_page(token)
    return await shared_photo_page(token, link, photo_id)


async def shared_photo_page(token: str, link: ShareLink, photo_id: str | None):
    rt = runtime()
    photo = await service.shared_photo(db=rt.db, link=link, photo_public_id=photo_id)
    urls = (await viewer_urls(rt.storage, [photo], allow_download=link.allow_download))[photo.public_id]
    return await render_page(
        "share_photo.html", token=token, link=link, photo=photo, urls=urls, large=PAGE_THUMBNAIL, in_album=photo_id
    )


@blueprint.post("/s/<token>/unlock")
async def shared_unlock(token: str):
    rt = runtime()
    form = await request.form
    link = await service.open_link(db=rt.db, token=token)
    try:
        await service.unlock(
            db=rt.db,
            passwords=rt.passwords,
            settings=rt.settings,
            link=link,
            password=form.get("password", "")[:PASSWORD_MAX_CHARS],
            session=current_session(),
            client_ip=request.remote_addr or "",
        )
    except WrongSharePasswordError as err:
        return await password_page(token, error=err.message)
    return redirect(url_for("sharing.shared_page", token=token), 303)
