"""Two WebP thumbnails from one decode: 1024 and 256 px on the long edge.

The large one is decoded at the smallest JPEG scale that still leaves a factor
of two for the final resize (shrink-on-load, as vipsthumbnail does); the small
one is made from the large one. Both are upright (EXIF orientation applied),
in sRGB, and carry no metadata at all: no EXIF, XMP or ICC profile.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageCms, ImageOps

LARGE = 1024
SMALL = 256
CONTENT_TYPE = "image/webp"
EXTENSION = "webp"
# Fixed encoder settings: the same input always gives the same bytes.
WEBP_OPTIONS = {"quality": 80, "method": 4}
# Decode at least this much larger than the target, then resize with a good filter.
DRAFT_HEADROOM = 2
RESAMPLE = Image.Resampling.LANCZOS
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
SIXTEEN_BIT_GREY_MODES = frozenset({"I;16", "I;16B", "I;16L", "I;16N", "I"})


@dataclass(frozen=True)
class Thumbnail:
    size: int
    width: int
    height: int
    data: bytes
    content_type: str = CONTENT_TYPE
    extension: str = EXTENSION


def make_thumbnails(image: Image.Image) -> list[Thumbnail]:
    """The small and the large thumbnail of an opened, not yet decoded image."""
    target = fit(image.size, LARGE)
    image.draft(image.mode, (target[0] * DRAFT_HEADROOM, target[1] * DRAFT_HEADROOM))
    large = resizable(image)
    if large.size != target:
        large = large.resize(target, RESAMPLE, reducing_gap=DRAFT_HEADROOM)
    # Before the colour conversion, which drops the EXIF that holds the orientation.
    # Not in place: large may still be the caller's image.
    large = ImageOps.exif_transpose(large)
    large = to_srgb(large)
    small = large.resize(fit(large.size, SMALL), RESAMPLE, reducing_gap=DRAFT_HEADROOM)
    return [encode(small, SMALL), encode(large, LARGE)]


def fit(size: tuple[int, int], long_edge: int) -> tuple[int, int]:
    """size scaled so its long edge is long_edge; never enlarged."""
    width, height = size
    scale = min(1.0, long_edge / max(width, height))
    return max(1, round(width * scale)), max(1, round(height * scale))


def resizable(image: Image.Image) -> Image.Image:
    """The decoded image in a mode Pillow resizes well (palette and 16-bit grey are not)."""
    if image.mode in SIXTEEN_BIT_GREY_MODES:
        # Pillow would clip 16-bit values to 255 instead of scaling them.
        return image.convert("I").point(lambda value: value / 257).convert("L")
    if image.mode in ("P", "PA", "1"):
        return image.convert("RGBA" if image.has_transparency_data else "RGB")
    image.load()
    return image


def to_srgb(image: Image.Image) -> Image.Image:
    """RGB or RGBA in sRGB, using the embedded ICC profile when there is a usable one."""
    mode = "RGBA" if image.has_transparency_data else "RGB"
    profile = image.info.get("icc_profile")
    if profile and image.mode in ("RGB", "RGBA", "CMYK"):
        try:
            return ImageCms.profileToProfile(image, io.BytesIO(profile), SRGB, outputMode=mode)
        except ImageCms.PyCMSError:
            pass  # a damaged profile: the plain conversion below is the best guess
    return image if image.mode == mode else image.convert(mode)


def encode(image: Image.Image, size: int) -> Thumbnail:
    image.info = {}  # nothing from the original may reach the file
    out = io.BytesIO()
    image.save(out, "WEBP", **WEBP_OPTIONS)
    return Thumbnail(size=size, width=image.width, height=image.height, data=out.getvalue())
