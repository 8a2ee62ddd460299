"""The S3 key layout shared with the app (docs/design.md)."""

from __future__ import annotations

import re

# originals/<user_id>/<uuid>: the app makes these keys, nothing else is ours.
ORIGINAL_KEY = re.compile(r"originals/(?P<user_id>[^/]+)/(?P<photo_id>[^/]+)")


class NotAnOriginalError(ValueError):
    """The key is not one the app writes for an upload."""


def thumbnail_key(original_key: str, size: int, extension: str) -> str:
    """thumbnails/<user_id>/<uuid>/<size>.<ext> for originals/<user_id>/<uuid>."""
    match = ORIGINAL_KEY.fullmatch(original_key)
    if match is None:
        raise NotAnOriginalError(f"{original_key!r} is not an original (expected originals/<user_id>/<uuid>)")
    return f"thumbnails/{match['user_id']}/{match['photo_id']}/{size}.{extension}"


def is_original(key: str) -> bool:
    return ORIGINAL_KEY.fullmatch(key) is not None
