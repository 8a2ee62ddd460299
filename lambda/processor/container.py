"""Refuse polyglots: files that are an accepted image and at the same time something else.

A polyglot passes every image check while another program reads the same bytes
as, say, a ZIP archive or a script. Two rules catch the usual constructions:

- PNG, GIF, WebP and HEIC record where they end (the IEND chunk, the trailer,
  the RIFF size, the top-level boxes), so bytes after that end are refused.
- JPEG has no such record, and phones legitimately append data after its end
  (depth maps, motion-photo videos), so for JPEG, and for every other format
  too, the file must not also open as a ZIP archive (JAR, APK, Office...) or
  as a PDF document (readers look for its header in the first KiB).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable

from processor.errors import InvalidImageError
from processor.formats import GIF, HEIF, PNG, WEBP, ImageFormat

PDF_HEADER_WINDOW = 1024


def check_single_format(image_format: ImageFormat, data: bytes) -> None:
    """Raise InvalidImageError if data, an image_format image, is also another kind of file."""
    if other := other_format(data):
        raise InvalidImageError(f"the file is a {image_format.label} image and also {other}; such files are refused")
    find_end = END_FINDERS.get(image_format)
    if find_end is None:
        return
    end = find_end(data)
    if end > len(data):
        raise InvalidImageError(f"the {image_format.label} file is truncated")
    if end < len(data):
        raise InvalidImageError(
            f"{len(data) - end} bytes follow the end of the {image_format.label} image; "
            "files that are also another format are refused"
        )


def other_format(data: bytes) -> str | None:
    if is_zip_archive(data):
        return "a ZIP archive"
    if b"%PDF-" in data[:PDF_HEADER_WINDOW]:
        return "a PDF document"
    return None


def is_zip_archive(data: bytes) -> bool:
    """True if a ZIP reader finds at least one entry (it reads from the file's end)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return bool(archive.infolist())
    # zipfile reports a bogus end record with these (a negative seek is a ValueError).
    except (zipfile.BadZipFile, ValueError, EOFError, OSError):
        return False


def png_end(data: bytes) -> int:
    offset = 8
    while offset + 12 <= len(data):
        length = int.from_bytes(data[offset : offset + 4], "big")
        chunk_type = data[offset + 4 : offset + 8]
        offset += 12 + length
        if chunk_type == b"IEND":
            return offset
    return len(data) + 1


def gif_end(data: bytes) -> int:
    try:
        offset = 13 + color_table_size(data[10])
        while True:
            block = data[offset]
            if block == 0x3B:  # trailer
                return offset + 1
            if block == 0x21:  # extension: introducer, label, sub-blocks
                offset = skip_sub_blocks(data, offset + 2)
            elif block == 0x2C:  # image: descriptor, local colours, LZW code size, sub-blocks
                offset = skip_sub_blocks(data, offset + 10 + color_table_size(data[offset + 9]) + 1)
            else:
                raise InvalidImageError(f"the GIF file is damaged (unknown block type {block:#04x} at byte {offset})")
    except IndexError:
        return len(data) + 1


def color_table_size(flags: int) -> int:
    return 3 * 2 ** ((flags & 0x07) + 1) if flags & 0x80 else 0


def skip_sub_blocks(data: bytes, offset: int) -> int:
    while (size := data[offset]) != 0:
        offset += 1 + size
    return offset + 1


def riff_end(data: bytes) -> int:
    size = int.from_bytes(data[4:8], "little")
    return 8 + size + (size & 1)


def iso_bmff_end(data: bytes) -> int:
    """Where the top-level boxes stop; bytes that do not form a box end them."""
    offset = 0
    while offset + 8 <= len(data):
        size = int.from_bytes(data[offset : offset + 4], "big")
        box_type = data[offset + 4 : offset + 8]
        if size == 1:
            size = int.from_bytes(data[offset + 8 : offset + 16], "big")
        elif size == 0:  # the last box runs to the end of the file
            size = len(data) - offset
        if size < 8 or offset + size > len(data) or not box_type.isascii() or not box_type.isalnum():
            break
        offset += size
    return offset


END_FINDERS: dict[ImageFormat, Callable[[bytes], int]] = {
    PNG: png_end,
    GIF: gif_end,
    WEBP: riff_end,
    HEIF: iso_bmff_end,
}
