"""/api/v1/photos and /api/v1/feed: the photos as JSON, with the same rights as the pages."""

from __future__ import annotations

from datetime import UTC, datetime

from quart_schema import (
    DataSource,
    document_request,
    tag,
    validate_querystring,
    validate_request,
    validate_response,
)

from photoshare.accounts.sessions import csrf_checked_in_view, current_user, require_user, session_blueprint
from photoshare.errors import PhotoNotFoundError
from photoshare.photos import service
from photoshare.photos.models import (
    GALLERY_THUMBNAIL,
    PAGE_THUMBNAIL,
    ImageUrlsOut,
    OwnerOut,
    PageQuery,
    Photo,
    PhotoMetadataOut,
    PhotoOut,
    PhotoPage,
    PhotoPageOut,
    PhotoUpdateIn,
    UploadForm,
)
from photoshare.photos.upload_routes import API_UPLOAD_PATH, receive_upload
from photoshare.runtime import runtime
from photoshare.web.errors import error_responses, no_content

blueprint = session_blueprint("photos_api", __name__, url_prefix="/api/v1")


def metadata_fields(photo: Photo) -> dict:
    """What the processor read from the file, by the API's field names (PhotoMetadataOut's)."""
    return {name: getattr(photo, name) for name in PhotoMetadataOut.model_fields}


def url_fields(urls: service.PhotoUrls) -> dict:
    """The signed URLs by the API's field names (ImageUrlsOut's), with the time the first of them stops working."""
    signed = [url for url in (urls.original, *urls.thumbnails.values()) if url is not None]
    small, large = urls.thumbnails.get(GALLERY_THUMBNAIL), urls.thumbnails.get(PAGE_THUMBNAIL)
    return {
        "original": urls.original.url if urls.original else None,
        "thumbnail_256": small.url if small else None,
        "thumbnail_1024": large.url if large else None,
        "expires_at": datetime.fromtimestamp(min(u.expires_at for u in signed), UTC) if signed else None,
    }


def photo_out(photo: Photo, urls: service.PhotoUrls) -> PhotoOut:
    return PhotoOut(
        id=photo.public_id,
        owner=OwnerOut(username=photo.owner_username),
        uploader_display_name=photo.uploader_display_name,
        caption=photo.caption,
        original_filename=photo.original_filename,
        size_bytes=photo.size_bytes,
        content_type=photo.content_type,
        sha256=photo.sha256.hex() if photo.sha256 else None,
        status=photo.status,
        failure_reason=photo.failure_reason,
        visibility=photo.visibility,
        created_at=photo.created_at.replace(tzinfo=UTC),
        processed_at=photo.processed_at.replace(tzinfo=UTC) if photo.processed_at else None,
        like_count=photo.like_count,
        metadata=PhotoMetadataOut(**metadata_fields(photo)),
        urls=ImageUrlsOut(**url_fields(urls)),
    )


async def page_out(page: PhotoPage) -> PhotoPageOut:
    urls = await service.page_urls(runtime().storage, page)
    return PhotoPageOut(items=[photo_out(p, urls[p.public_id]) for p in page.photos], next_cursor=page.next_cursor)


async def single_photo_out(photo: Photo) -> PhotoOut:
    return photo_out(photo, await service.photo_urls(runtime().storage, photo))


@blueprint.get("/photos")
@tag(["photos"])
@validate_querystring(PageQuery)
@validate_response(PhotoPageOut)
@error_responses(400, 401)
async def list_my_photos(query_args: PageQuery) -> PhotoPageOut:
    """My photos, newest first, 24 a page (keyset pagination)."""
    page = await service.my_photos(db=runtime().db, owner=require_user(), cursor=query_args.cursor)
    return await page_out(page)


@blueprint.get("/feed")
@tag(["photos"])
@validate_querystring(PageQuery)
@validate_response(PhotoPageOut)
@error_responses(400)
async def list_public_photos(query_args: PageQuery) -> PhotoPageOut:
    """The public feed: everyone's public, processed photos, newest first."""
    return await page_out(await service.public_feed(db=runtime().db, cursor=query_args.cursor))


@blueprint.post(API_UPLOAD_PATH.removeprefix("/api/v1"))
@csrf_checked_in_view
@tag(["photos"])
@document_request(UploadForm, source=DataSource.FORM_MULTIPART)
@validate_response(PhotoOut, 201)
@error_responses(400, 401, 403, 408, 409, 413, 415)
async def upload_photo() -> tuple[PhotoOut, int]:
    """Upload one photo (streamed; the limit is PHOTOSHARE_MAX_UPLOAD_BYTES). It starts as 'processing'."""
    public_id = await receive_upload()
    photo = await service.visible_photo(db=runtime().db, public_id=public_id, viewer=current_user())
    return await single_photo_out(photo), 201


@blueprint.get("/photos/<public_id>")
@tag(["photos"])
@validate_response(PhotoOut)
@error_responses(404)
async def get_photo(public_id: str) -> PhotoOut:
    """One photo with short-lived URLs of the original and its thumbnails."""
    photo = await service.visible_photo(db=runtime().db, public_id=public_id, viewer=current_user())
    if photo is None:
        raise PhotoNotFoundError()
    return await single_photo_out(photo)


@blueprint.patch("/photos/<public_id>")
@tag(["photos"])
@validate_request(PhotoUpdateIn)
@validate_response(PhotoOut)
@error_responses(400, 401, 403, 404)
async def update_photo(public_id: str, data: PhotoUpdateIn) -> PhotoOut:
    """Change the caption or the visibility (owner only)."""
    photo = await service.edit_photo(
        db=runtime().db, public_id=public_id, user=require_user(), caption=data.caption, visibility=data.visibility
    )
    if photo is None:
        raise PhotoNotFoundError()
    return await single_photo_out(photo)


@blueprint.delete("/photos/<public_id>")
@tag(["photos"])
@no_content
@error_responses(401, 403, 404)
async def delete_photo(public_id: str):
    """Delete the photo, its thumbnails and every object in S3 (owner only)."""
    rt = runtime()
    if not await service.delete_photo(db=rt.db, storage=rt.storage, public_id=public_id, user=require_user()):
        raise PhotoNotFoundError()
    return "", 204
