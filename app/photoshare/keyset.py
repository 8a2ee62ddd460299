"""Keyset pagination, shared by every domain: opaque cursors and the bound a page query starts from.

A cursor is the id of the last row on a page, versioned and base64url-encoded.
It only says where a page starts; every query still applies the viewer's
permissions, so a forged cursor shows nothing it should not.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Protocol, TypeVar

from photoshare.errors import InvalidCursorError

VERSION = b"\x01"
FIRST_PAGE_BOUND = 2**63  # above every BIGINT id


def upper_bound(before_id: int | None) -> int:
    """The bound of a newest-first page query (`id < %s`): the decoded cursor, or above every id."""
    return before_id if before_id is not None else FIRST_PAGE_BOUND


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(VERSION + last_id.to_bytes(8, "big")).rstrip(b"=").decode()


class HasId(Protocol):
    id: int


Row = TypeVar("Row", bound=HasId)


def keyset_page(rows: Sequence[Row], size: int) -> tuple[list[Row], str | None]:
    """Rows fetched one over the page size: the page, and the cursor of the next (None on the last page)."""
    page = list(rows[:size])
    return page, encode_cursor(page[-1].id) if len(rows) > size else None


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 9 or raw[:1] != VERSION:
        raise InvalidCursorError()
    return int.from_bytes(raw[1:], "big")
