"""Which image a file is, decided from its first bytes only, and whether the client's claim agrees.

The filename and the Content-Type the client sends are claims: they never
decide the type. A claim of a different allowed type than the bytes show (a
PNG sent as photo.jpg or as image/jpeg) is refused, because a client that
lies about one thing is not trusted with the rest.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath

from photoshare.errors import UnsupportedTypeError

SNIFF_BYTES = 64
ALLOWED_LABELS = "JPEG, PNG, WebP, GIF and HEIC/HEIF"


@dataclass(frozen=True)
class ImageType:
    mime_type: str
    label: str
    family: str  # HEIC and HEIF are one family: phones name either way


JPEG = ImageType("image/jpeg", "JPEG", "jpeg")
PNG = ImageType("image/png", "PNG", "png")
WEBP = ImageType("image/webp", "WebP", "webp")
GIF = ImageType("image/gif", "GIF", "gif")
HEIC = ImageType("image/heic", "HEIC", "heif")

# HEIF is accepted only when HEVC-coded (HEIC), as the processor decodes it: a
# file with only the generic `mif1`/`msf1` brands may hold AV1 or another codec.
# tests/formats_corpus.py holds the cases the app and the Lambda must both agree on.
HEVC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})

CLAIMED_FAMILIES = {
    "image/jpeg": "jpeg",
    "image/jpg": "jpeg",
    "image/pjpeg": "jpeg",
    "image/png": "png",
    "image/webp": "webp",
    "image/gif": "gif",
    "image/heic": "heif",
    "image/heif": "heif",
    "image/heic-sequence": "heif",
    "image/heif-sequence": "heif",
}
EXTENSION_FAMILIES = {
    ".jpg": "jpeg",
    ".jpeg": "jpeg",
    ".jpe": "jpeg",
    ".png": "png",
    ".webp": "webp",
    ".gif": "gif",
    ".heic": "heif",
    ".heif": "heif",
    ".hif": "heif",
}
FAMILY_LABELS = {"jpeg": "JPEG", "png": "PNG", "webp": "WebP", "gif": "GIF", "heif": "HEIC/HEIF"}


def sniff(head: bytes) -> ImageType | None:
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    brands = ftyp_brands(head)
    if brands & HEVC_BRANDS:
        return HEIC
    return None


def ftyp_brands(head: bytes) -> frozenset[bytes]:
    """The major and compatible brands of a leading ISO BMFF ftyp box (as far as head reaches)."""
    if head[4:8] != b"ftyp":
        return frozenset()
    box_size = int.from_bytes(head[:4], "big")
    if box_size < 16:
        return frozenset()
    end = min(box_size, len(head))
    return frozenset({head[8:12], *(head[offset : offset + 4] for offset in range(16, end - 3, 4))})


def check_image(head: bytes, *, filename: str, claimed_type: str | None) -> ImageType:
    """The type of the file from its first bytes; 415 if it is not allowed or the claim disagrees."""
    image_type = sniff(head)
    if image_type is None:
        raise UnsupportedTypeError(
            f"This file is not an image PhotoShare accepts. Allowed types: {ALLOWED_LABELS}.",
            allowed=ALLOWED_LABELS,
        )
    claims = {
        CLAIMED_FAMILIES.get((claimed_type or "").split(";")[0].strip().lower()),
        EXTENSION_FAMILIES.get(PurePosixPath(filename.lower()).suffix),
    } - {None}
    for family in claims:
        if family != image_type.family:
            raise UnsupportedTypeError(
                f"The file is a {image_type.label} image, but its name or type says {FAMILY_LABELS[family]}. "
                "Rename it or pick the right file.",
                allowed=ALLOWED_LABELS,
            )
    return image_type
