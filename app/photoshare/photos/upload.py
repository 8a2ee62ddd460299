"""One upload: a multipart body streamed to S3 in bounded parts, hashed on the way, recorded in the database.

Order of work, so that no failure leaves a half-visible photo or an orphaned
object:

1. Nothing touches S3 until the file's first bytes show an allowed image.
2. A file that fits in one part is kept (at most one part) and written with
   one PutObject at the end. A larger one starts a multipart upload, and a
   row in state 'uploading' records its key and upload id first, so the
   janitor can finish the job if this process dies.
3. At the end the row gets the size, type and SHA-256; the unique index on
   (owner, sha256) reports a duplicate before the object is completed.
4. Only then is the object completed (the Lambda may report on it at once:
   the webhook finds the row) and the row marked 'stored', which makes it
   visible, in the same statement that counts its bytes against the owner's
   quota (refused there if a concurrent upload took the room first).

Any failure on the way aborts the multipart upload, deletes what was
written and deletes the row; if S3 or the database cannot take the clean-up
right now, the row stays 'uploading' (invisible) and the janitor retries.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from asyncmy.cursors import DictCursor
from asyncmy.errors import IntegrityError

from photoshare.accounts.models import User
from photoshare.database import Database
from photoshare.errors import (
    AppError,
    DuplicatePhotoError,
    EmptyFileError,
    InvalidFilenameError,
    InvalidUploadError,
    PayloadTooLargeError,
    QuotaExceededError,
)
from photoshare.logs import log
from photoshare.metrics import registry as metrics
from photoshare.photos import keys, queries
from photoshare.photos.formats import SNIFF_BYTES, ImageType, check_image
from photoshare.photos.models import CAPTION_MAX_CHARS, VISIBILITIES
from photoshare.photos.multipart import Field, FileData, FileEnd, FileStart, FormReader, boundary_of
from photoshare.settings import Settings
from photoshare.storage import PhotoStorage
from photoshare.web.streaming import BodyStream, ClientDisconnectedError

# Room for the multipart framing and the small fields beside the file.
FORM_OVERHEAD_BYTES = 64 * 1024
FILENAME_MAX_CHARS = 255
MIB = 1024 * 1024


def size_label(limit: int) -> str:
    return f"{limit / MIB:g} MiB" if limit >= MIB else f"{limit:,} bytes"


def clean_filename(raw: str) -> str:
    """The client's file name as plain text; a name with a path in it is refused, never 'fixed'."""
    name = unicodedata.normalize("NFC", raw).strip()
    if (
        "/" in name
        or "\\" in name
        or name in (".", "..")
        or any(not char.isprintable() for char in name)
        or len(name) > FILENAME_MAX_CHARS
    ):
        raise InvalidFilenameError()
    return name


@contextmanager
def rejections_counted() -> Iterator[None]:
    """Count an upload that was refused, or that the client broke off, by its reason."""
    try:
        yield
    except AppError as err:
        metrics.UPLOADS_REJECTED.labels(reason=err.code).inc()
        raise
    except ClientDisconnectedError:
        metrics.UPLOADS_REJECTED.labels(reason="client_disconnected").inc()
        raise


class Upload:
    def __init__(self, *, db: Database, storage: PhotoStorage, settings: Settings, owner: User) -> None:
        self.db = db
        self.storage = storage
        self.settings = settings
        self.owner = owner
        self.public_id = keys.new_public_id()
        self.key = keys.original_key(owner.id, self.public_id)
        self.fields: dict[str, str] = {}
        self.filename = ""
        self.claimed_type: str | None = None
        self.image_type: ImageType | None = None
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.head = b""
        self.pending: list[bytes] = []
        self.pending_bytes = 0
        self.parts: list[dict] = []
        self.multipart_upload_id: str | None = None
        self.row_id: int | None = None
        self.quota_left = 0
        self.object_written = False
        self.file_seen = False
        self.file_done = False

    async def run(
        self,
        stream: BodyStream,
        *,
        content_type: str | None,
        content_length: int | None,
        csrf_header: str | None,
        check_csrf: Callable[[str | None], None],
    ) -> str:
        """Read the whole upload and return the new photo's public id."""
        with rejections_counted():
            limit = self.settings.max_upload_bytes
            if content_length is not None and content_length > limit + FORM_OVERHEAD_BYTES:
                raise self._too_large()
            reader = FormReader(boundary_of(content_type))
            if csrf_header is not None:
                check_csrf(csrf_header)
            # The quota is checked before (the known usage against Content-Length), while the bytes
            # arrive, and once more, atomically, when the photo is marked stored.
            async with self.db.cursor() as cur:
                used = await queries.storage_used(cur, user_id=self.owner.id)
            self.quota_left = self.settings.storage_quota_bytes - used
            if content_length is not None and content_length > self.quota_left + FORM_OVERHEAD_BYTES:
                raise self._over_quota()
            try:
                async for chunk in stream.chunks(idle_timeout=self.settings.upload_idle_timeout):
                    if stream.received_bytes > limit + FORM_OVERHEAD_BYTES:
                        raise self._too_large()
                    for event in reader.feed(chunk):
                        await self._handle(event, csrf_header=csrf_header, check_csrf=check_csrf)
                reader.finish()
                if not self.file_done:
                    raise InvalidUploadError("The form has no file: send the image in a field named 'file'.")
                await self._finish()
            except BaseException as err:
                await asyncio.shield(self._clean_up(reason=type(err).__name__))
                raise
        log("photo_uploaded", photo_id=self.public_id, size_bytes=self.size, content_type=self.image_type.mime_type)
        metrics.UPLOAD_BYTES.inc(self.size)
        return self.public_id

    async def _handle(
        self, event: object, *, csrf_header: str | None, check_csrf: Callable[[str | None], None]
    ) -> None:
        if isinstance(event, Field):
            if event.name not in ("caption", "visibility", "csrf_token"):
                raise InvalidUploadError(f"The form has an unknown field '{event.name}'.")
            self.fields[event.name] = event.value
        elif isinstance(event, FileStart):
            if event.name != "file" or self.file_seen:
                raise InvalidUploadError("Send exactly one file per request, in the field named 'file'.")
            if csrf_header is None:
                check_csrf(self.fields.get("csrf_token"))  # the token must come before the file
            self.file_seen = True
            self.filename = clean_filename(event.filename)
            self.claimed_type = event.content_type
        elif isinstance(event, FileData):
            await self._write(event.data)
        elif isinstance(event, FileEnd):
            if self.size == 0:
                raise EmptyFileError()
            if self.image_type is None:
                self._identify()
            self.file_done = True

    def _too_large(self) -> PayloadTooLargeError:
        limit = self.settings.max_upload_bytes
        return PayloadTooLargeError(f"The file is larger than the limit of {size_label(limit)}.", limit_bytes=limit)

    def _over_quota(self) -> QuotaExceededError:
        quota = self.settings.storage_quota_bytes
        free = max(0, self.quota_left)
        return QuotaExceededError(
            f"This upload would take you over your storage quota of {size_label(quota)}"
            f" ({size_label(free)} free). Delete some photos to make room; nothing was stored.",
            quota_bytes=quota,
            free_bytes=free,
        )

    async def _write(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.settings.max_upload_bytes:
            raise self._too_large()
        if self.size > self.quota_left:
            raise self._over_quota()
        if self.image_type is None:
            self.head = (self.head + data)[:SNIFF_BYTES]
            if len(self.head) >= SNIFF_BYTES:
                self._identify()
        self.sha256.update(data)
        self.pending.append(data)
        self.pending_bytes += len(data)
        while self.pending_bytes >= self.settings.upload_part_bytes:
            await self._send_part()

    def _identify(self) -> None:
        self.image_type = check_image(self.head, filename=self.filename, claimed_type=self.claimed_type)

    async def _insert_row(self, cur: DictCursor) -> None:
        """The photo's row in state 'uploading', with the multipart upload (if one was begun) it must finish."""
        self.row_id = await queries.insert_uploading_photo(
            cur,
            public_id=self.public_id,
            owner=self.owner,
            object_key=self.key,
            original_filename=self.filename,
            multipart_upload_id=self.multipart_upload_id,
        )

    async def _send_part(self) -> None:
        if self.multipart_upload_id is None:
            self.multipart_upload_id = await self.storage.begin_multipart(self.key, self.image_type.mime_type)
            async with self.db.transaction() as cur:
                await self._insert_row(cur)
        buffered = b"".join(self.pending)
        data, rest = buffered[: self.settings.upload_part_bytes], buffered[self.settings.upload_part_bytes :]
        self.pending, self.pending_bytes = ([rest] if rest else []), len(rest)
        self.parts.append(await self.storage.upload_part(self.key, self.multipart_upload_id, len(self.parts) + 1, data))

    def _described(self) -> dict:
        caption = self.fields.get("caption", "").strip()
        if len(caption) > CAPTION_MAX_CHARS:
            raise InvalidUploadError(f"A caption has at most {CAPTION_MAX_CHARS} characters.")
        visibility = self.fields.get("visibility", "private") or "private"
        if visibility not in VISIBILITIES:
            raise InvalidUploadError("visibility must be private, unlisted or public.")
        return {
            "size_bytes": self.size,
            "content_type": self.image_type.mime_type,
            "sha256": self.sha256.digest(),
            "caption": caption,
            "visibility": visibility,
        }

    async def _finish(self) -> None:
        described = self._described()
        try:
            async with self.db.transaction() as cur:
                if self.row_id is None:
                    await self._insert_row(cur)
                await queries.describe_uploading_photo(cur, photo_id=self.row_id, **described)
        except IntegrityError:
            if self.multipart_upload_id is None:
                self.row_id = None  # rolled back with the transaction
            await self._report_duplicate(described["sha256"])
        self.object_written = True  # from here on the object may exist, even if the call below fails
        if self.multipart_upload_id is None:
            await self.storage.put(self.key, b"".join(self.pending), self.image_type.mime_type)
            self.pending = []
        else:
            while self.pending:
                await self._send_part()
            await self.storage.complete_multipart(self.key, self.multipart_upload_id, self.parts)
            self.multipart_upload_id = None
        async with self.db.transaction() as cur:
            within_quota = await queries.mark_photo_stored(
                cur, photo_id=self.row_id, owner_id=self.owner.id, quota_bytes=self.settings.storage_quota_bytes
            )
            if not within_quota:
                # Another upload took the room meanwhile; the rollback undoes the state change.
                used = await queries.storage_used(cur, user_id=self.owner.id)
                self.quota_left = self.settings.storage_quota_bytes - used
                raise self._over_quota()

    async def _report_duplicate(self, sha256: bytes) -> None:
        async with self.db.cursor() as cur:
            existing = await queries.find_photo_id_by_sha256(cur, owner_id=self.owner.id, sha256=sha256)
        raise DuplicatePhotoError(
            "You have already uploaded this photo; nothing new was stored.", existing_photo_id=existing
        )

    async def _clean_up(self, *, reason: str) -> None:
        """Undo everything written so far; what cannot be undone now is left to the janitor."""
        storage_clean = True
        if self.multipart_upload_id is not None:
            storage_clean = await self.storage.abort_multipart(self.key, self.multipart_upload_id)
        if self.object_written:
            try:
                await self.storage.delete_photo_objects(self.key, keys.thumbnail_prefix(self.owner.id, self.public_id))
            except Exception:
                storage_clean = False
        if self.row_id is not None and storage_clean:
            try:
                async with self.db.cursor() as cur:
                    await queries.delete_photo_row(cur, photo_id=self.row_id)
            except Exception:
                storage_clean = False
        log(
            "upload_abandoned",
            level=logging.INFO if storage_clean else logging.WARNING,
            photo_id=self.public_id,
            reason=reason,
            received_bytes=self.size,
            cleaned=storage_clean,
        )
