"""Accepted images become upright, metadata-free WebP thumbnails and truthful metadata."""

import io
from dataclasses import asdict

import photo_samples as samples
import pytest
from PIL import Image, ImageCms

import processor
from processor.thumbnails import fit

# WebP chunks that hold pixels; anything else (EXIF, XMP, ICCP) is metadata.
PIXEL_CHUNKS = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH"}
VP8X_METADATA_FLAGS = 0x20 | 0x08 | 0x04  # ICC, EXIF, XMP


def webp_chunks(data: bytes) -> list[bytes]:
    assert data[:4] == b"RIFF"
    assert data[8:12] == b"WEBP"
    chunks, offset = [], 12
    while offset < len(data):
        chunk_type, size = data[offset : offset + 4], int.from_bytes(data[offset + 4 : offset + 8], "little")
        if chunk_type == b"VP8X":
            assert data[offset + 8] & VP8X_METADATA_FLAGS == 0
        chunks.append(chunk_type)
        offset += 8 + size + (size & 1)
    return chunks


def opened(thumbnail) -> Image.Image:
    image = Image.open(io.BytesIO(thumbnail.data), formats=["WEBP"])
    image.load()
    return image


def colour_near(pixel, expected, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], expected, strict=True))


def test_a_phone_jpeg_is_turned_upright_and_loses_every_piece_of_metadata():
    result = processor.process(samples.phone_jpeg(orientation=6))
    assert result.ready, result.reason
    small, large = result.thumbnails
    assert (small.size, small.width, small.height) == (256, 128, 256)
    assert (large.size, large.width, large.height) == (1024, 200, 400)  # never enlarged
    for thumbnail in result.thumbnails:
        assert set(webp_chunks(thumbnail.data)) <= PIXEL_CHUNKS
        image = opened(thumbnail)
        assert not image.getexif()
        assert not {"exif", "xmp", "icc_profile"} & image.info.keys()
        # Stored left half red; after a quarter turn clockwise, red is on top.
        assert colour_near(image.getpixel((image.width // 2, image.height // 8)), samples.RED)
        assert colour_near(image.getpixel((image.width // 2, image.height * 7 // 8)), samples.BLUE)


def test_metadata_comes_from_the_header_and_exif_without_gps_or_serial_number():
    data = samples.phone_jpeg(orientation=6)
    metadata = processor.process(data).metadata
    assert asdict(metadata) == {
        "size_bytes": len(data),
        "mime_type": "image/jpeg",
        "width": 400,
        "height": 200,
        "orientation": 6,
        "taken_at": "2024-05-01T12:34:56",
        "camera_make": "Canon",
        "camera_model": "EOS R6",
    }  # every field pinned: no room for the GPS position or the serial number the file carries


@pytest.mark.parametrize(
    ("data", "mime_type", "alpha"),
    [
        (samples.png_with_alpha(), "image/png", True),
        (samples.webp_image(), "image/webp", False),
        (samples.gif_with_transparency(), "image/gif", True),
    ],
    ids=["png", "webp", "gif"],
)
def test_png_webp_and_gif_make_thumbnails_keeping_transparency(data, mime_type, alpha):
    result = processor.process(data)
    assert result.ready, result.reason
    assert (result.metadata.mime_type, result.metadata.width, result.metadata.height) == (mime_type, 400, 200)
    small = opened(result.thumbnails[0])
    assert small.size == (256, 128)
    assert (small.mode == "RGBA") is alpha
    if alpha:  # both samples are transparent along the top
        assert small.getpixel((128, 1))[3] < 30
    assert colour_near(small.getpixel((10, 64)), samples.RED)
    assert colour_near(small.getpixel((246, 64)), samples.BLUE)


def test_a_heic_photo_is_decoded_upright_with_its_stored_size_reported():
    result = processor.process(samples.heic_image(orientation=6))
    assert result.ready, result.reason
    metadata = result.metadata
    assert (metadata.mime_type, metadata.width, metadata.height, metadata.orientation) == ("image/heic", 400, 200, 6)
    assert (metadata.camera_make, metadata.taken_at) == ("Canon", "2024-05-01T12:34:56")
    small = opened(result.thumbnails[0])
    assert small.size == (128, 256)
    assert colour_near(small.getpixel((64, 20)), samples.RED)
    assert colour_near(small.getpixel((64, 236)), samples.BLUE)


def test_a_48_bit_png_keeps_its_colours():
    result = processor.process(samples.rgb48_png())
    assert result.ready, result.reason
    small = opened(result.thumbnails[0])
    assert colour_near(small.getpixel((4, 16)), (217, 19, 19))
    assert colour_near(small.getpixel((60, 16)), (19, 19, 217))


def test_a_16_bit_grey_png_is_scaled_not_clipped():
    result = processor.process(samples.grey16_png())
    assert result.ready, result.reason
    small = opened(result.thumbnails[0]).convert("L")
    left, middle, right = (small.getpixel((x, 32)) for x in (2, 128, 253))
    assert left < 20
    assert 100 < middle < 160
    assert right > 235


def test_a_cmyk_jpeg_becomes_rgb_with_its_colour():
    result = processor.process(samples.cmyk_jpeg())
    assert result.ready, result.reason
    small = opened(result.thumbnails[0])
    assert small.mode == "RGB"
    assert colour_near(small.getpixel((128, 85)), (255, 0, 0), tolerance=30)


def test_an_embedded_profile_is_applied_and_a_damaged_one_ignored():
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    for profile in (srgb, b"not an ICC profile at all"):
        result = processor.process(samples.encode(samples.halves(), "JPEG", quality=95, icc_profile=profile))
        assert result.ready, result.reason
        small = opened(result.thumbnails[0])
        assert "icc_profile" not in small.info
        assert colour_near(small.getpixel((10, 64)), samples.RED)


def test_the_same_input_always_gives_the_same_bytes():
    data = samples.phone_jpeg()
    first, second = processor.process(data), processor.process(data)
    assert [t.data for t in first.thumbnails] == [t.data for t in second.thumbnails]
    assert first == second


def test_a_large_photo_is_shrunk_to_the_long_edge():
    result = processor.process(samples.plain_jpeg((3000, 2000)))
    assert [(t.size, t.width, t.height) for t in result.thumbnails] == [(256, 256, 171), (1024, 1024, 683)]


@pytest.mark.parametrize(
    ("size", "long_edge", "expected"),
    [
        ((4000, 3000), 1024, (1024, 768)),
        ((3000, 4000), 256, (192, 256)),
        ((100, 50), 256, (100, 50)),
        ((9000, 1), 256, (256, 1)),
    ],
)
def test_fit_scales_the_long_edge_and_never_enlarges(size, long_edge, expected):
    assert fit(size, long_edge) == expected
