"""The file heads whose type the app (at upload) and the Lambda (before decoding) must decide alike.

The two deployables keep their own magic-byte code: the app needs the type's
family to compare with the client's claim, the Lambda needs Pillow's format
name and a reason for each refusal, and neither ships the other's code. This
one table is what keeps them agreeing: tests/app/test_upload_formats_corpus.py and
tests/lambda/test_processor_formats_corpus.py run both against it.
"""

from __future__ import annotations

from typing import NamedTuple


class Head(NamedTuple):
    name: str
    data: bytes
    # The MIME type both accept it as, or None where both refuse it.
    accepted_as: str | None


def ftyp(major: bytes, *compatible: bytes) -> bytes:
    """An ISO BMFF `ftyp` box with these brands, then the start of the next box."""
    body = major + b"\x00\x00\x00\x00" + b"".join(compatible)
    return (8 + len(body)).to_bytes(4, "big") + b"ftyp" + body + b"\x00\x00\x00\x08free"


PADDING = b"\x00" * 48

HEADS = (
    Head("jpeg-jfif", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + PADDING, "image/jpeg"),
    Head("jpeg-exif", b"\xff\xd8\xff\xe1\x00\x18Exif\x00\x00" + PADDING, "image/jpeg"),
    Head("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + PADDING, "image/png"),
    Head("gif87a", b"GIF87a\x01\x00\x01\x00" + PADDING, "image/gif"),
    Head("gif89a", b"GIF89a\x01\x00\x01\x00" + PADDING, "image/gif"),
    Head("webp", b"RIFF\x24\x00\x00\x00WEBPVP8 " + PADDING, "image/webp"),
    Head("heic", ftyp(b"heic", b"mif1", b"heic"), "image/heic"),
    Head("heic-generic-major-brand", ftyp(b"mif1", b"mif1", b"heic"), "image/heic"),
    Head("heic-sequence", ftyp(b"hevc", b"msf1", b"hevc"), "image/heic"),
    Head("heif-without-hevc", ftyp(b"mif1", b"mif1", b"miaf"), None),
    Head("avif", ftyp(b"avif", b"avif", b"mif1", b"miaf"), None),
    Head("mp4-video", ftyp(b"isom", b"isom", b"mp41"), None),
    Head("riff-wave", b"RIFF\x24\x00\x00\x00WAVEfmt " + PADDING, None),
    Head("jpeg-cut-short", b"\xff\xd8", None),
    Head("png-cut-short", b"\x89PNG", None),
    Head("tiff-little-endian", b"II*\x00\x08\x00\x00\x00" + PADDING, None),
    Head("tiff-big-endian", b"MM\x00*\x00\x00\x00\x08" + PADDING, None),
    Head("pdf", b"%PDF-1.7\n" + PADDING, None),
    Head("zip", b"PK\x03\x04\x14\x00" + PADDING, None),
    Head("photoshop", b"8BPS\x00\x01" + PADDING, None),
    Head("svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>', None),
    Head("html", b"<!DOCTYPE html><html>" + b" " * 48, None),
    Head("empty", b"", None),
)
