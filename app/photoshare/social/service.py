"""Comments and likes. Both need a photo the viewer may see: anything else is PhotoNotFoundError (404).

Comments are plain text up to 1000 characters, stored as given (normalised)
and escaped wherever they are shown. The author may delete their comment, and
the photo's owner any comment on their photo. A like is one row per user and
photo; the photo's like_count moves in the same transaction.
"""

from __future__ import annotations

import unicodedata

from photoshare.accounts.models import User
from photoshare.database import Database
from photoshare.errors import CommentNotFoundError, InvalidRequestError, NotCommentAuthorError, PhotoNotFoundError
from photoshare.keyset import decode_cursor, keyset_page
from photoshare.logs import log
from photoshare.photos import service as photos_service
from photoshare.photos.models import Photo
from photoshare.social import queries
from photoshare.social.models import COMMENT_MAX_CHARS, Comment, CommentPage

COMMENTS_PAGE_SIZE = 50
ALLOWED_CONTROLS = frozenset("\n\t")


def clean_body(raw: str) -> str:
    body = unicodedata.normalize("NFC", raw.replace("\r\n", "\n")).strip()
    if not body or len(body) > COMMENT_MAX_CHARS:
        raise InvalidRequestError(f"A comment has 1 to {COMMENT_MAX_CHARS} characters.", field="body")
    if any(not char.isprintable() and char not in ALLOWED_CONTROLS for char in body):
        raise InvalidRequestError("A comment is plain text: no control characters.", field="body")
    return body


async def seen_photo(db: Database, public_id: str, viewer: User | None) -> Photo:
    photo = await photos_service.visible_photo(db=db, public_id=public_id, viewer=viewer)
    if photo is None:
        raise PhotoNotFoundError()
    return photo


async def add_comment(*, db: Database, photo_public_id: str, author: User, body: str) -> Comment:
    photo = await seen_photo(db, photo_public_id, author)
    body = clean_body(body)
    async with db.cursor() as cur:
        comment_id = await queries.insert_comment(cur, photo_id=photo.id, author_id=author.id, body=body)
        comment, _ = await queries.find_comment(cur, comment_id=comment_id)
    log("comment_added", photo_id=photo_public_id, comment_id=comment_id)
    return comment


async def photo_comments(*, db: Database, photo: Photo, cursor: str | None) -> CommentPage:
    """Oldest first, 50 a page."""
    after = decode_cursor(cursor)
    async with db.cursor() as cur:
        comments = await queries.photo_comments(cur, photo_id=photo.id, after_id=after, limit=COMMENTS_PAGE_SIZE + 1)
    return CommentPage(*keyset_page(comments, COMMENTS_PAGE_SIZE))


async def comments_of(*, db: Database, photo_public_id: str, viewer: User | None, cursor: str | None) -> CommentPage:
    photo = await seen_photo(db, photo_public_id, viewer)
    return await photo_comments(db=db, photo=photo, cursor=cursor)


async def delete_comment(*, db: Database, comment_id: int, user: User) -> str:
    """Delete it if the user wrote it or owns the photo; the photo's public id (for a redirect)."""
    async with db.cursor() as cur:
        found = await queries.find_comment(cur, comment_id=comment_id)
    if found is None:
        raise CommentNotFoundError()
    comment, photo = found
    if photo["photo_owner_id"] != user.id and photo["photo_visibility"] == "private":
        raise CommentNotFoundError()  # on a photo they cannot see: it does not exist for them
    if user.id not in (comment.author_id, photo["photo_owner_id"]):
        raise NotCommentAuthorError()
    async with db.cursor() as cur:
        await queries.delete_comment(cur, comment_id=comment_id)
    log("comment_deleted", comment_id=comment_id, by_owner=user.id != comment.author_id)
    return photo["photo_public_id"]


async def set_like(*, db: Database, photo_public_id: str, user: User, liked: bool) -> tuple[int, bool]:
    """Like or unlike (both idempotent); the photo's like count and whether the user likes it now."""
    photo = await seen_photo(db, photo_public_id, user)
    async with db.transaction() as cur:
        if liked:
            await queries.add_like(cur, photo_id=photo.id, user_id=user.id)
        else:
            await queries.remove_like(cur, photo_id=photo.id, user_id=user.id)
        return await queries.like_state(cur, photo_id=photo.id, user_id=user.id)


async def like_state(*, db: Database, photo: Photo, viewer: User | None) -> tuple[int, bool]:
    if viewer is None:
        # Nobody to have liked it: the count came with the photo's row.
        return photo.like_count, False
    async with db.cursor() as cur:
        return await queries.like_state(cur, photo_id=photo.id, user_id=viewer.id if viewer else None)
