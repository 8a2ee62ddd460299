"""From the bytes of an upload to metadata and thumbnails, or a reason to refuse it.

Each check runs before anything more expensive: the magic bytes, the file's
own structure, the header's dimensions against the pixel limit, and only then
the decoder, which is restricted to the one format the magic bytes named.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass, field, replace

import pillow_heif
from PIL import Image

from processor.container import check_single_format
from processor.errors import InvalidImageError
from processor.formats import ImageFormat, sniff
from processor.metadata import Metadata, exif_facts, stored_size
from processor.thumbnails import Thumbnail, make_thumbnails

DEFAULT_MAX_PIXELS = 50_000_000
# What Pillow and its plugins raise for data they cannot parse or decode.
DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)

# Embedded thumbnails, depth maps and auxiliary images are never used.
pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)


@dataclass(frozen=True)
class Result:
    metadata: Metadata
    thumbnails: list[Thumbnail] = field(default_factory=list)
    reason: str | None = None

    @property
    def ready(self) -> bool:
        return self.reason is None


def process(data: bytes, *, max_pixels: int = DEFAULT_MAX_PIXELS) -> Result:
    """Metadata and thumbnails of data; a failed Result with a reason for input we refuse."""
    metadata = Metadata(size_bytes=len(data))
    try:
        image_format = sniff(data)
        metadata = replace(metadata, mime_type=image_format.mime_type)
        check_single_format(image_format, data)
        image = open_header(data, image_format, max_pixels)
        width, height = stored_size(image)  # before draft() shrinks the size
        metadata = replace(metadata, width=width, height=height)
        thumbnails = decode(image, image_format)
        # EXIF last: reading it may decode a PNG, which decode() has checked by now.
        return Result(metadata=replace(metadata, **exif_facts(image)), thumbnails=thumbnails)
    except InvalidImageError as refusal:
        return Result(metadata=metadata, reason=str(refusal))


def open_header(data: bytes, image_format: ImageFormat, max_pixels: int) -> Image.Image:
    """The image with its header read and its size checked; no pixel is decoded yet."""
    # Pillow's own decompression-bomb guard follows the same limit. Its warning
    # (between one and two times the limit) is left to the exact check below.
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[image_format.pillow_name])
    except Image.DecompressionBombError as err:
        raise InvalidImageError(
            f"the image has more than {2 * max_pixels:,} pixels; the limit is {max_pixels:,} pixels"
        ) from err
    except DECODE_ERRORS as err:
        raise InvalidImageError(f"the {image_format.label} header is damaged and cannot be read") from err
    width, height = image.size
    if width * height > max_pixels:
        raise InvalidImageError(
            f"the image is {width}x{height} = {width * height:,} pixels; the limit is {max_pixels:,} pixels"
        )
    return image


def decode(image: Image.Image, image_format: ImageFormat) -> list[Thumbnail]:
    try:
        return make_thumbnails(image)
    except DECODE_ERRORS as err:
        raise InvalidImageError(
            f"the {image_format.label} image data is truncated or damaged and cannot be decoded"
        ) from err
