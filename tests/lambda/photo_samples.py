"""Real image files for the Lambda tests, generated on the fly (deterministic).

Orientation samples are landscape as stored, with the left half red and the
right half blue: displayed upright with orientation 6 (rotate 90° clockwise),
red is on top and blue below.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pillow_heif
from PIL import ExifTags, Image

RED = (220, 20, 20)
BLUE = (20, 20, 220)
SERIAL_NUMBER = "SN-99887766"
GPS_LATITUDE = (48.0, 51.0, 29.5)
HTML_PAYLOAD = b"<html><script>alert(document.domain)</script></html>"

pillow_heif.register_heif_opener()


def halves(size: tuple[int, int] = (400, 200)) -> Image.Image:
    image = Image.new("RGB", size, BLUE)
    image.paste(RED, (0, 0, size[0] // 2, size[1]))
    return image


def encode(image: Image.Image, image_format: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, image_format, **options)
    return out.getvalue()


def camera_exif(orientation: int = 6) -> Image.Exif:
    """EXIF as a phone writes it: orientation, time, camera, serial number and GPS position."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "EOS R6"
    exif[ExifTags.Base.Orientation] = orientation
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.DateTimeOriginal] = "2024:05:01 12:34:56"
    details[ExifTags.Base.BodySerialNumber] = SERIAL_NUMBER
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    return exif


def phone_jpeg(orientation: int = 6) -> bytes:
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><exif:GPSLatitude>48,51.5N</exif:GPSLatitude></x:xmpmeta>'
    return encode(halves(), "JPEG", quality=90, exif=camera_exif(orientation), xmp=xmp)


def plain_jpeg(size: tuple[int, int] = (400, 200)) -> bytes:
    return encode(halves(size), "JPEG", quality=90)


def png_with_alpha() -> bytes:
    image = halves().convert("RGBA")
    image.putalpha(Image.linear_gradient("L").resize(image.size))
    return encode(image, "PNG")


def webp_image() -> bytes:
    return encode(halves(), "WEBP", quality=90)


def gif_with_transparency() -> bytes:
    """Red and blue halves under a transparent top strip."""
    image = Image.new("P", (400, 200), 1)
    image.putpalette([*RED, *BLUE, 0, 255, 0])
    image.paste(0, (0, 0, 200, 200))
    image.paste(2, (0, 0, 400, 20))
    return encode(image, "GIF", transparency=2)


def heic_image(orientation: int = 6) -> bytes:
    """Like a phone's HEIC: pixels stored landscape, the rotation as a HEIF transform and in EXIF."""
    # pillow-heif derives the transform from EXIF given as bytes.
    return encode(halves(), "HEIF", quality=90, exif=camera_exif(orientation).tobytes())


def cmyk_jpeg() -> bytes:
    return encode(Image.new("CMYK", (300, 200), (0, 255, 255, 0)), "JPEG", quality=95)


def grey16_png() -> bytes:
    """A 16-bit greyscale ramp from black (left) to white (right)."""
    ramp = Image.linear_gradient("L").rotate(90).resize((256, 64)).convert("I").point(lambda value: value * 257)
    return encode(ramp.convert("I;16"), "PNG")


def png_chunk(chunk_type: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + chunk_type + data + struct.pack(">I", zlib.crc32(chunk_type + data))


def raw_png(width: int, height: int, bit_depth: int, color_type: int, pixel_rows: bytes) -> bytes:
    """A PNG written by hand, for what Pillow cannot write (48-bit colour) or must not (a lying header)."""
    header = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(pixel_rows))
        + png_chunk(b"IEND", b"")
    )


def rgb48_png(width: int = 64, height: int = 32) -> bytes:
    """16 bits per channel: the left half red, the right half blue."""
    red, blue = struct.pack(">HHH", 56000, 5000, 5000), struct.pack(">HHH", 5000, 5000, 56000)
    row = b"\x00" + red * (width // 2) + blue * (width - width // 2)
    return raw_png(width, height, 16, 2, row * height)


def decompression_bomb_png() -> bytes:
    """A 100000x100000 header over a few hundred bytes of data."""
    return raw_png(100_000, 100_000, 8, 2, b"\x00" * 300_001)


def truncated_jpeg() -> bytes:
    data = plain_jpeg((800, 600))
    return data[: len(data) // 2]


def text_named_jpg() -> bytes:
    return b"Dear diary, today I renamed this letter to holiday.jpg.\n"


def psd_file() -> bytes:
    """A real 4x3 RGB Photoshop file (Pillow itself would decode it)."""
    width, height = 4, 3
    header = b"8BPS" + struct.pack(">H6xHIIHH", 1, 3, height, width, 8, 3)
    empty_sections = struct.pack(">III", 0, 0, 0)  # colour mode data, image resources, layers
    planes = bytes([200]) * (width * height) + bytes([10]) * (width * height) * 2
    return header + empty_sections + struct.pack(">H", 0) + planes


def fits_file() -> bytes:
    """A real 4x3 FITS image (Pillow itself would decode it)."""
    cards = ["SIMPLE  =                    T", "BITPIX  =                    8", "NAXIS   =                    2"]
    cards += ["NAXIS1  =                    4", "NAXIS2  =                    3", "END"]
    header = b"".join(card.ljust(80).encode() for card in cards).ljust(2880, b" ")
    return header + bytes(range(12)).ljust(2880, b"\0")


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload/run.js", "alert(document.domain)")
    return out.getvalue()


def jpeg_zip_polyglot() -> bytes:
    """A JPEG that is also a ZIP archive (the JAR/GIFAR trick)."""
    return plain_jpeg() + zip_archive()


def motion_photo_jpeg() -> bytes:
    """A JPEG followed by a video, as phones store motion photos: legitimate."""
    video = struct.pack(">I", 24) + b"ftypmp42" + b"\x00" * 12 + struct.pack(">I", 16) + b"mdat" + b"\x00" * 8
    return plain_jpeg() + video
