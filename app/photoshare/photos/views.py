"""The photo pages: the public feed, "My photos", the upload page, a photo, its edit and deletion."""

from __future__ import annotations

from quart import redirect, render_template, request, url_for

from photoshare.accounts.web import csrf_checked_in_view, current_user, ensure_session, require_user, session_blueprint
from photoshare.errors import InvalidRequestError, PhotoNotFoundError
from photoshare.photos import service
from photoshare.photos.models import CAPTION_MAX_CHARS, PAGE_THUMBNAIL, VISIBILITIES
from photoshare.photos.streamed import PAGE_UPLOAD_PATH, receive_upload
from photoshare.runtime import runtime

blueprint = session_blueprint("photos", __name__)


@blueprint.get("/")
async def feed():
    rt = runtime()
    page = await service.public_feed(db=rt.db, cursor=request.args.get("cursor"))
    urls = await service.page_urls(rt.storage, page)
    return await render_template("gallery.html", title="Public photos", page=page, urls=urls, endpoint="photos.feed")


@blueprint.get("/photos")
async def my_photos():
    user = require_user()
    rt = runtime()
    page = await service.my_photos(db=rt.db, owner=user, cursor=request.args.get("cursor"))
    urls = await service.page_urls(rt.storage, page)
    return await render_template("gallery.html", title="My photos", page=page, urls=urls, endpoint="photos.my_photos")


@blueprint.get("/upload")
async def upload_page():
    require_user()
    await ensure_session()
    return await render_template(
        "upload.html", max_upload_bytes=runtime().settings.max_upload_bytes, caption_max=CAPTION_MAX_CHARS
    )


@blueprint.post(PAGE_UPLOAD_PATH)
@csrf_checked_in_view
async def upload_submit():
    public_id = await receive_upload()
    return redirect(url_for("photos.photo_page", public_id=public_id), 303)


@blueprint.get("/photos/<public_id>")
async def photo_page(public_id: str):
    rt = runtime()
    viewer = current_user()
    photo = await service.visible_photo(db=rt.db, public_id=public_id, viewer=viewer)
    if photo is None:
        raise PhotoNotFoundError()
    urls = await service.photo_urls(rt.storage, photo)
    return await render_template(
        "photo.html",
        photo=photo,
        urls=urls,
        large=PAGE_THUMBNAIL,
        is_owner=viewer is not None and viewer.id == photo.owner_id,
        visibilities=VISIBILITIES,
        caption_max=CAPTION_MAX_CHARS,
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
