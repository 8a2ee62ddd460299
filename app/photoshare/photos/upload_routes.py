"""The upload routes: their paths (whose bodies stream past Quart) and the entry the page and the API share."""

from __future__ import annotations

from quart import request

from photoshare.accounts.sessions import CSRF_HEADER, check_csrf, require_user
from photoshare.photos.upload import Upload
from photoshare.runtime import runtime
from photoshare.web.streaming import SCOPE_KEY

API_UPLOAD_PATH = "/api/v1/photos"
PAGE_UPLOAD_PATH = "/upload"
STREAMED_ROUTES = (("POST", API_UPLOAD_PATH), ("POST", PAGE_UPLOAD_PATH))


async def receive_upload() -> str:
    """Stream the request's file into a new photo; its public id."""
    user = require_user()
    rt = runtime()
    upload = Upload(db=rt.db, storage=rt.storage, settings=rt.settings, owner=user)
    return await upload.run(
        request.scope[SCOPE_KEY],
        content_type=request.headers.get("Content-Type"),
        content_length=request.content_length,
        csrf_header=request.headers.get(CSRF_HEADER),
        check_csrf=check_csrf,
    )
