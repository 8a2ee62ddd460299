"""/api/v1/photos/<id>/comments, /api/v1/comments/<id> and /api/v1/photos/<id>/like."""

from __future__ import annotations

from datetime import UTC

from quart_schema import tag, validate_querystring, validate_request, validate_response

from photoshare.accounts.sessions import current_user, require_user, session_blueprint
from photoshare.photos.models import PageQuery
from photoshare.runtime import runtime
from photoshare.social import service
from photoshare.social.models import Comment, CommentAuthorOut, CommentIn, CommentOut, CommentPageOut, LikeOut
from photoshare.web.errors import error_responses, no_content

blueprint = session_blueprint("social_api", __name__, url_prefix="/api/v1")


def comment_out(comment: Comment, photo_public_id: str) -> CommentOut:
    return CommentOut(
        id=comment.id,
        photo_id=photo_public_id,
        author=CommentAuthorOut(username=comment.author_username, display_name=comment.author_display_name),
        body=comment.body,
        created_at=comment.created_at.replace(tzinfo=UTC),
    )


@blueprint.get("/photos/<photo_id>/comments")
@tag(["social"])
@validate_querystring(PageQuery)
@validate_response(CommentPageOut)
@error_responses(400, 404)
async def list_comments(photo_id: str, query_args: PageQuery) -> CommentPageOut:
    """The comments on a photo you may see, oldest first, 50 a page."""
    page = await service.comments_of(
        db=runtime().db, photo_public_id=photo_id, viewer=current_user(), cursor=query_args.cursor
    )
    return CommentPageOut(items=[comment_out(c, photo_id) for c in page.comments], next_cursor=page.next_cursor)


@blueprint.post("/photos/<photo_id>/comments")
@tag(["social"])
@validate_request(CommentIn)
@validate_response(CommentOut, 201)
@error_responses(400, 401, 403, 404)
async def add_comment(photo_id: str, data: CommentIn) -> tuple[CommentOut, int]:
    """Comment on a photo you may see (plain text, at most 1000 characters)."""
    comment = await service.add_comment(
        db=runtime().db, photo_public_id=photo_id, author=require_user(), body=data.body
    )
    return comment_out(comment, photo_id), 201


@blueprint.delete("/comments/<int:comment_id>")
@tag(["social"])
@no_content
@error_responses(401, 403, 404)
async def delete_comment(comment_id: int):
    """Delete a comment: your own, or any on your photo."""
    await service.delete_comment(db=runtime().db, comment_id=comment_id, user=require_user())
    return "", 204


@blueprint.put("/photos/<photo_id>/like")
@tag(["social"])
@validate_response(LikeOut)
@error_responses(401, 403, 404)
async def like_photo(photo_id: str) -> LikeOut:
    """Like a photo you may see (once; liking again changes nothing)."""
    count, liked = await service.set_like(db=runtime().db, photo_public_id=photo_id, user=require_user(), liked=True)
    return LikeOut(liked=liked, like_count=count)


@blueprint.delete("/photos/<photo_id>/like")
@tag(["social"])
@validate_response(LikeOut)
@error_responses(401, 403, 404)
async def unlike_photo(photo_id: str) -> LikeOut:
    """Take your like back."""
    count, liked = await service.set_like(db=runtime().db, photo_public_id=photo_id, user=require_user(), liked=False)
    return LikeOut(liked=liked, like_count=count)
