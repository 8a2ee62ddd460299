"""The photo page's forms for comments and likes; each redirects back to the photo."""

from __future__ import annotations

from quart import redirect, request, url_for

from photoshare.accounts.sessions import require_user, session_blueprint
from photoshare.runtime import runtime
from photoshare.social import service

blueprint = session_blueprint("social", __name__)


def back_to(public_id: str, anchor: str):
    return redirect(url_for("photos.photo_page", public_id=public_id, _anchor=anchor), 303)


@blueprint.post("/photos/<public_id>/comments")
async def comment_submit(public_id: str):
    user = require_user()
    form = await request.form
    await service.add_comment(db=runtime().db, photo_public_id=public_id, author=user, body=form.get("body", ""))
    return back_to(public_id, "comments")


@blueprint.post("/comments/<int:comment_id>/delete")
async def comment_delete(comment_id: int):
    photo_id = await service.delete_comment(db=runtime().db, comment_id=comment_id, user=require_user())
    return back_to(photo_id, "comments")


@blueprint.post("/photos/<public_id>/like")
async def like_submit(public_id: str):
    form = await request.form
    liked = form.get("liked", "true") == "true"
    await service.set_like(db=runtime().db, photo_public_id=public_id, user=require_user(), liked=liked)
    return back_to(public_id, "likes")
