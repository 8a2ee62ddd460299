"""A photo as a phone takes it: a real JPEG with camera EXIF and a GPS position."""

from __future__ import annotations

import io

from PIL import ExifTags, Image

GPS_LATITUDE = (48.0, 51.0, 29.5)


def phone_photo(path) -> None:
    """Write a 640x480 JPEG with a colour gradient, camera make and model, and GPS tags."""
    image = Image.linear_gradient("L").resize((640, 480)).convert("RGB")
    image = Image.merge("RGB", (image.getchannel(0), image.rotate(90).getchannel(0), image.getchannel(0)))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Canon"
    exif[ExifTags.Base.Model] = "EOS R6"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = GPS_LATITUDE
    image.save(path, "JPEG", quality=90, exif=exif)


def exif_of(data: bytes) -> dict:
    """Every EXIF tag of an image, the GPS block included."""
    with Image.open(io.BytesIO(data)) as image:
        exif = image.getexif()
        return {**dict(exif), **dict(exif.get_ifd(ExifTags.IFD.GPSInfo))}
