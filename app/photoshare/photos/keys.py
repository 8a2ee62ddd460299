"""The S3 key layout shared with the Lambda (docs/design.md). The server makes every key."""

from __future__ import annotations

import re
import uuid

PUBLIC_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def new_public_id() -> str:
    return str(uuid.uuid4())


def is_public_id(value: str) -> bool:
    return PUBLIC_ID.fullmatch(value) is not None


def original_key(owner_id: int, public_id: str) -> str:
    return f"originals/{owner_id}/{public_id}"


def thumbnail_prefix(owner_id: int, public_id: str) -> str:
    return f"thumbnails/{owner_id}/{public_id}/"


def is_thumbnail_of(key: str, owner_id: int, public_id: str, size: int) -> bool:
    """True for thumbnails/<owner>/<uuid>/<size>.<ext>, the only keys a report may name."""
    prefix = f"{thumbnail_prefix(owner_id, public_id)}{size}."
    return key.startswith(prefix) and re.fullmatch(r"[a-z0-9]{1,5}", key[len(prefix) :]) is not None
