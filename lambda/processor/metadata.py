"""The photo facts the app shows, read from the header and EXIF only.

Only the tags named here are read, so nothing else (GPS position, serial
numbers, owner names) can reach the report.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import datetime

from PIL import ExifTags, Image

TEXT_LIMIT = 100
VALID_ORIENTATIONS = range(1, 9)
EXIF_DATETIME = "%Y:%m:%d %H:%M:%S"
# Pillow reports malformed EXIF with these.
EXIF_ERRORS = (SyntaxError, ValueError, TypeError, KeyError, struct.error, OSError)


@dataclass(frozen=True)
class Metadata:
    size_bytes: int
    mime_type: str | None = None
    width: int | None = None
    height: int | None = None
    orientation: int | None = None
    taken_at: str | None = None
    camera_make: str | None = None
    camera_model: str | None = None


def stored_size(image: Image.Image) -> tuple[int, int]:
    """Width and height as stored, before orientation (as EXIF has them).

    pillow-heif reports HEIC sizes with the rotation already applied and keeps
    the original orientation aside, so those are turned back.
    """
    width, height = image.size
    if image.info.get("original_orientation") in (5, 6, 7, 8):
        return height, width
    return width, height


def exif_facts(image: Image.Image) -> dict[str, int | str | None]:
    """Orientation, taken-at time, camera make and model of a decoded image; None where unknown."""
    try:
        exif = image.getexif()
        details = exif.get_ifd(ExifTags.IFD.Exif)
    except EXIF_ERRORS:
        return {}
    # pillow-heif applies the rotation itself and resets the tag to 1.
    orientation = image.info.get("original_orientation", exif.get(ExifTags.Base.Orientation))
    return {
        "orientation": orientation if orientation in VALID_ORIENTATIONS else None,
        "taken_at": exif_datetime(details.get(ExifTags.Base.DateTimeOriginal)),
        "camera_make": exif_text(exif.get(ExifTags.Base.Make)),
        "camera_model": exif_text(exif.get(ExifTags.Base.Model)),
    }


def exif_text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    if not isinstance(value, str):
        return None
    printable = "".join(char for char in value if char.isprintable())
    return printable.strip()[:TEXT_LIMIT] or None


def exif_datetime(value: object) -> str | None:
    """EXIF's local 'YYYY:MM:DD HH:MM:SS' as naive ISO 8601, or None if it is no real time."""
    text = exif_text(value)
    if text is None:
        return None
    try:
        return datetime.strptime(text, EXIF_DATETIME).isoformat()  # cameras record no time zone
    except ValueError:
        return None
