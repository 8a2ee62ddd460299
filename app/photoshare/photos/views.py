"""The photo pages: the public feed, "My photos", the upload page, a photo, its edit and deletion."""

from __future__ import annotations

from jinja2.filters import do_filesizeformat as filesizeformat
from markupsafe import Markup
from quart import redirect, request, url_for

from photoshare.accounts.sessions import (
    csrf_checked_in_view,
    current_session,
    current_user,
    ensure_session,
    require_user,
    session_blueprint,
)
from photoshare.albums import service as albums_service
from photoshare.errors import InvalidRequestError, PhotoNotFoundError
from photoshare.photos import service
from photoshare.photos.cards import gallery_cards
from photoshare.photos.models import CAPTION_MAX_CHARS, PAGE_THUMBNAIL, VISIBILITIES
from photoshare.photos.page_paths import PHOTO_PAGE_PREFIX
from photoshare.photos.upload_routes import PAGE_UPLOAD_PATH, receive_upload
from photoshare.runtime import runtime
from photoshare.social import service as social_service
from photoshare.social.models import COMMENT_MAX_CHARS
from photoshare.web.pages import render_page

blueprint = session_blueprint("photos", __name__)


def storage_line(used: int, quota: int) -> Markup:
    """The quota line of "My photos" and the upload page, formatted here: the gallery is the hot path."""
    percent = round(100 * used / quota, 1) if quota else 0
    return Markup(  # noqa: S704 - numbers only
        f'<p class="storage">Storage: {filesizeformat(used, binary=True)} of {filesizeformat(quota, binary=True)}'
        f' used ({percent}%) <meter min="0" max="{quota}" value="{used}" high="{int(quota * 0.9)}">'
        f"{percent}%</meter></p>"
    )


@blueprint.get("/")
async def feed():
    rt = runtime()
    cursor = request.args.get("cursor", "")
    anonymous = current_user() is None
    if anonymous and (cached := rt.feed_cache.get(cursor)) is not None:
        return cached
    page = await service.public_feed(db=rt.db, cursor=cursor or None)
    cards = gallery_cards(page, await service.page_urls(rt.storage, page), show_visibility=False)
    rendered = await render_page("gallery.html", title="Public photos", page=page, cards=cards, mine=False)
    if anonymous:  # the same page for every visitor who is not logged in
        rt.feed_cache.put(cursor, rendered)
    return rendered


@blueprint.get("/photos")
async def my_photos():
    user = require_user()
    rt = runtime()
    page = await service.my_photos(db=rt.db, owner=user, cursor=request.args.get("cursor"))
    cards = gallery_cards(page, await service.page_urls(rt.storage, page), show_visibility=True)
    return await render_page(
        "gallery.html",
        title="My photos",
        page=page,
        cards=cards,
        mine=True,
        storage=storage_line(current_session().storage_used_bytes, rt.settings.storage_quota_bytes),
    )


@blueprint.get("/upload")
async def upload_page():
    require_user()
    session = await ensure_session()
    rt = runtime()
    return await render_page(
        "upload.html",
        max_upload_bytes=rt.settings.max_upload_bytes,
        caption_max=CAPTION_MAX_CHARS,
        storage=storage_line(session.storage_used_bytes, rt.settings.storage_quota_bytes),
    )


@blueprint.post(PAGE_UPLOAD_PATH)
@csrf_checked_in_view
async def upload_submit():
    public_id = await receive_upload()
    return redirect(url_for("photos.photo_page", public_id=public_id), 303)


@blueprint.get(PHOTO_PAGE_PREFIX + "<public_id>")
async def photo_page(public_id: str):
    rt = runtime()
    viewer = current_user()
    photo = await service.visible_photo(db=rt.db, public_id=public_id, viewer=viewer)
    if photo is None:
        raise PhotoNotFoundError()
    urls = await service.photo_urls(rt.storage, photo)
    is_owner = viewer is not None and viewer.id == photo.owner_id
    like_count, liked = await social_service.like_state(db=rt.db, photo=photo, viewer=viewer)
    comments = await social_service.photo_comments(db=rt.db, photo=photo, cursor=request.args.get("comments"))
    return await render_page(
        "photo.html",
        photo=photo,
        urls=urls,
        large=PAGE_THUMBNAIL,
        is_owner=is_owner,
        visibilities=VISIBILITIES,
        caption_max=CAPTION_MAX_CHARS,
        like_count=like_count,
        liked=liked,
        comments=comments,
        comment_max=COMMENT_MAX_CHARS,
        albums=await albums_service.albums_of_photo(db=rt.db, owner=viewer, photo=photo) if is_owner else [],
    )


@blueprint.post("/photos/<public_id>")
async def photo_edit(public_id: str):
    user = require_user()
    form = await request.form
    caption, visibility = form.get("caption"), form.get("visibility")
    if caption is not None and len(caption) > CAPTION_MAX_CHARS:
        raise InvalidRequestError(f"A caption has at most {CAPTION_MAX_CHARS} characters.")
    if visibility is not None and visibility not in VISIBILITIES:
        raise InvalidRequestError("Visibility is private, unlisted or public.")
    photo = await service.edit_photo(
        db=runtime().db, public_id=public_id, user=user, caption=caption, visibility=visibility
    )
    if photo is None:
        raise PhotoNotFoundError()
    return redirect(url_for("photos.photo_page", public_id=public_id), 303)


@blueprint.post("/photos/<public_id>/delete")
async def photo_delete(public_id: str):
    user = require_user()
    rt = runtime()
    if not await service.delete_photo(db=rt.db, storage=rt.storage, public_id=public_id, user=user):
        raise PhotoNotFoundError()
    return redirect(url_for("photos.my_photos"), 303)
