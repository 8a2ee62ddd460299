"""Real image files for the app tests, generated with Pillow (deterministic for a seed)."""

from __future__ import annotations

import io
import random

import pillow_heif
from PIL import ExifTags, Image

pillow_heif.register_heif_opener()


def picture(seed: int = 0, size: tuple[int, int] = (320, 240)) -> Image.Image:
    """Noise over a gradient: every seed gives different bytes."""
    rng = random.Random(seed)
    base = Image.linear_gradient("L").resize(size).convert("RGB")
    noise = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    return Image.blend(base, noise, 0.3)


def encode(image: Image.Image, image_format: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, image_format, **options)
    return out.getvalue()


def jpeg(seed: int = 0, size: tuple[int, int] = (320, 240)) -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "EOS R6"
    exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2024:05:01 12:34:56"
    return encode(picture(seed, size), "JPEG", quality=85, exif=exif)


def png(seed: int = 0) -> bytes:
    return encode(picture(seed), "PNG")


def webp(seed: int = 0) -> bytes:
    return encode(picture(seed), "WEBP", quality=80)


def gif(seed: int = 0) -> bytes:
    return encode(picture(seed).convert("P"), "GIF")


def heic(seed: int = 0) -> bytes:
    return encode(picture(seed), "HEIF", quality=80)


def padded_jpeg(total_bytes: int, seed: int = 0) -> bytes:
    """A real JPEG followed by filler up to exactly total_bytes (JPEG decoders stop at EOI)."""
    data = jpeg(seed)
    assert len(data) <= total_bytes
    return data + random.Random(seed).randbytes(total_bytes - len(data))
