"""Which kind of image a file is, decided from its first bytes only.

Only the five formats sniff() returns are ever handed to a decoder. Known
other formats are named in the refusal so the reason tells the user what they
sent.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from processor.errors import InvalidImageError


@dataclass(frozen=True)
class ImageFormat:
    pillow_name: str
    mime_type: str
    label: str


JPEG = ImageFormat("JPEG", "image/jpeg", "JPEG")
PNG = ImageFormat("PNG", "image/png", "PNG")
WEBP = ImageFormat("WEBP", "image/webp", "WebP")
GIF = ImageFormat("GIF", "image/gif", "GIF")
HEIF = ImageFormat("HEIF", "image/heic", "HEIC")
ALLOWED_LABELS = "JPEG, PNG, WebP, GIF and HEIC"

# ISO BMFF brands of HEVC-coded HEIF (HEIC): images, image collections and sequences.
HEVC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})

# Formats people upload by mistake, named so that the refusal is useful.
REFUSED_SIGNATURES = (
    (b"8BPS", "a Photoshop (PSD) file"),
    (b"SIMPLE  =", "a FITS file"),
    (b"II*\x00", "a TIFF file"),
    (b"MM\x00*", "a TIFF file"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive"),
)


def sniff(data: bytes) -> ImageFormat:
    """The format of data from its magic bytes; InvalidImageError if it is not one we accept."""
    if not data:
        raise InvalidImageError("the file is empty (0 bytes)")
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    brands = iso_bmff_brands(data)
    if brands & HEVC_BRANDS:
        return HEIF
    raise InvalidImageError(
        f"the file is {describe_unknown(data, brands)}, not an image PhotoShare accepts ({ALLOWED_LABELS})"
    )


def iso_bmff_brands(data: bytes) -> frozenset[bytes]:
    """The major and compatible brands of a leading ISO BMFF `ftyp` box, or nothing."""
    if data[4:8] != b"ftyp":
        return frozenset()
    box_size = int.from_bytes(data[:4], "big")
    if box_size < 16 or box_size > len(data):
        return frozenset()
    compatible = (data[offset : offset + 4] for offset in range(16, box_size - 3, 4))
    return frozenset({data[8:12], *compatible})


def describe_unknown(data: bytes, brands: frozenset[bytes]) -> str:
    for signature, description in REFUSED_SIGNATURES:
        if data.startswith(signature):
            return description
    if b"avif" in brands or b"avis" in brands:
        return "an AVIF image"
    if brands:
        return "an ISO media file (video or HEIF without HEVC)"
    if looks_like_text(data):
        return "text"
    return "of an unknown type"


def looks_like_text(data: bytes) -> bool:
    try:
        # Incremental, so a multi-byte character cut by the sample's end is no error.
        text = codecs.getincrementaldecoder("utf-8")().decode(data[:512])
    except UnicodeDecodeError:
        return False
    return bool(text) and all(char.isprintable() or char in "\t\r\n" for char in text)
