"""Share links: create, list, revoke one or all; open one as a viewer, with its password if it has one.

A link is a 256-bit random token in the URL; the database keeps its SHA-256
only. An unknown token is 404; a revoked or expired one 410. A password is
an argon2id hash, checked only by unlock(), which counts failures per link
and per client address (as log-ins are counted) and refuses with 429 before
hashing once either limit is reached. A session that gave the right password
sees the link until the session ends.
"""

from __future__ import annotations

import logging
import re
import secrets

from photoshare.accounts import queries as accounts_queries
from photoshare.accounts.models import Session, User
from photoshare.accounts.passwords import Passwords
from photoshare.accounts.service import hash_token, ip_subject
from photoshare.albums import queries as albums_queries
from photoshare.albums import service as albums_service
from photoshare.albums.models import Album
from photoshare.database import Database
from photoshare.errors import (
    InvalidRequestError,
    PhotoNotFoundError,
    ShareExpiredError,
    ShareNotFoundError,
    SharePasswordRequiredError,
    ShareRevokedError,
    TooManyShareAttemptsError,
    WrongSharePasswordError,
)
from photoshare.keyset import decode_cursor, keyset_page
from photoshare.logs import log
from photoshare.photos import keys
from photoshare.photos import queries as photos_queries
from photoshare.photos import service as photos_service
from photoshare.photos.models import Photo, PhotoPage
from photoshare.settings import Settings
from photoshare.sharing import queries
from photoshare.sharing.models import NewShareLink, ShareLink, ShareLinkPage

TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")
PAGE_SIZE = 50


async def create_link(
    *,
    db: Database,
    passwords: Passwords,
    owner: User,
    photo_public_id: str | None,
    album_public_id: str | None,
    expires_in_seconds: int | None,
    password: str | None,
    allow_download: bool,
) -> NewShareLink:
    photo_id = album_id = None
    if photo_public_id is not None:
        photo = await photos_service.owned_photo(
            db=db,
            public_id=photo_public_id,
            user=owner,
            not_owner_message="Only the photo's owner can share it by link.",
        )
        if photo is None:
            raise PhotoNotFoundError()
        photo_id = photo.id
    else:
        album = await albums_service.require_owned_album(db=db, owner=owner, public_id=album_public_id or "")
        album_id = album.id
    if password is not None and not password.strip():
        raise InvalidRequestError("A link's password cannot be only spaces.", field="password")
    password_hash = await passwords.hash(password) if password else None
    token = secrets.token_urlsafe(32)
    async with db.transaction() as cur:
        share_id = await queries.insert_share_link(
            cur,
            token_hash=hash_token(token),
            token_hint=token[:6],
            owner_id=owner.id,
            photo_id=photo_id,
            album_id=album_id,
            password_hash=password_hash,
            allow_download=allow_download,
            expires_in_seconds=expires_in_seconds,
        )
        link = await queries.find_owned_share(cur, share_id=share_id, owner_id=owner.id)
    log("share_link_created", share_id=share_id, kind=link.kind, has_password=password_hash is not None)
    return NewShareLink(token=token, link=link)


async def my_links(*, db: Database, owner: User, cursor: str | None) -> ShareLinkPage:
    before = decode_cursor(cursor)
    async with db.cursor() as cur:
        links = await queries.owner_share_links(cur, owner_id=owner.id, before_id=before, limit=PAGE_SIZE + 1)
    return ShareLinkPage(*keyset_page(links, PAGE_SIZE))


async def revoke_link(*, db: Database, owner: User, share_id: int) -> ShareLink | None:
    async with db.cursor() as cur:
        # The update touches only the owner's link; someone else's is then not found.
        await queries.revoke_share_link(cur, share_id=share_id, owner_id=owner.id)
        link = await queries.find_owned_share(cur, share_id=share_id, owner_id=owner.id)
    if link is not None:
        log("share_link_revoked", share_id=share_id)
    return link


async def revoke_all(*, db: Database, owner: User) -> int:
    async with db.cursor() as cur:
        revoked = await queries.revoke_all_share_links(cur, owner_id=owner.id)
    log("share_links_revoked", count=revoked)
    return revoked


async def open_link(*, db: Database, token: str) -> ShareLink:
    """The link of this token if it still works; 404 for an unknown one, 410 once revoked or expired."""
    if TOKEN.fullmatch(token) is None:
        raise ShareNotFoundError()
    async with db.cursor() as cur:
        link = await queries.find_share_by_token(cur, token_hash=hash_token(token))
    if link is None or link.target_public_id is None:  # the photo or album was deleted
        raise ShareNotFoundError()
    if link.state == "revoked":
        raise ShareRevokedError()
    if link.state == "expired":
        raise ShareExpiredError()
    return link


async def require_unlocked(*, db: Database, link: ShareLink, session: Session | None) -> None:
    if link.password_hash is None:
        return
    if session is not None:
        async with db.cursor() as cur:
            if await queries.share_is_unlocked(cur, session_hash=session.token_hash, share_id=link.id):
                return
    raise SharePasswordRequiredError()


async def unlock(
    *,
    db: Database,
    passwords: Passwords,
    settings: Settings,
    link: ShareLink,
    password: str,
    session: Session | None,
    client_ip: str,
) -> None:
    """Check the link's password (throttled) and remember the session that gave it."""
    if link.password_hash is None:
        return
    if session is None:
        raise InvalidRequestError("Unlocking a link needs a browser session: GET /api/v1/session first.")
    per_link, per_ip = f"share:{link.id}", "share-" + ip_subject(client_ip)
    window = settings.login_throttle_window
    limits = {per_link: settings.share_max_failures_per_link, per_ip: settings.share_max_failures_per_ip}
    async with db.cursor() as cur:
        failures = await accounts_queries.recent_failures(cur, subjects=limits, window_seconds=window)
    for subject, (count, remaining) in failures.items():
        if count >= limits[subject]:
            log("share_unlock_throttled", level=logging.WARNING, share_id=link.id, scope=subject.split(":", 1)[0])
            raise TooManyShareAttemptsError(
                f"Too many wrong passwords. Try again in {remaining // 60 + 1} minute(s).",
                headers={"Retry-After": str(remaining)},
            )
    matches, _ = await passwords.verify(link.password_hash, password)
    if not matches:
        async with db.transaction() as cur:
            for subject in limits:
                await accounts_queries.record_failure(cur, subject=subject, window_seconds=window)
        log("share_unlock_failed", level=logging.WARNING, share_id=link.id)
        raise WrongSharePasswordError()
    async with db.transaction() as cur:
        await queries.insert_share_unlock(cur, session_hash=session.token_hash, share_id=link.id)
        await accounts_queries.clear_failures(cur, subject=per_link)
    log("share_unlocked", share_id=link.id)


async def count_view(*, db: Database, link: ShareLink) -> None:
    async with db.cursor() as cur:
        await queries.count_share_view(cur, share_id=link.id)


async def shared_album(*, db: Database, link: ShareLink) -> Album:
    async with db.cursor() as cur:
        album = await albums_queries.find_album(cur, album_id=link.album_id)
    if album is None:
        raise ShareNotFoundError()
    return album


async def shared_photo(*, db: Database, link: ShareLink, photo_public_id: str | None) -> Photo:
    """The link's photo, or (for an album link) the photo of the album named; 404 for any other."""
    if link.kind == "photo":
        if photo_public_id is not None and photo_public_id != link.photo_public_id:
            raise PhotoNotFoundError()
        async with db.cursor() as cur:
            photo = await photos_queries.find_stored_photo(cur, photo_id=link.photo_id)
    else:
        if photo_public_id is None or not keys.is_public_id(photo_public_id):
            raise PhotoNotFoundError()
        async with db.cursor() as cur:
            photo = await albums_queries.find_album_photo(cur, album_id=link.album_id, public_id=photo_public_id)
    if photo is None:
        raise PhotoNotFoundError()
    return photo


async def shared_album_page(*, db: Database, link: ShareLink, cursor: str | None) -> PhotoPage:
    return await albums_service.album_page(db=db, album=await shared_album(db=db, link=link), cursor=cursor)
