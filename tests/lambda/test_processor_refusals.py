"""Bad files: each one is reported failed with a reason, makes no thumbnail and crashes nothing."""

import io

import photo_samples as samples
import pytest
from PIL import Image

import processor
from processor.errors import InvalidImageError
from processor.formats import JPEG
from processor.pipeline import open_header

BAD_FILES = {
    "truncated jpeg": (samples.truncated_jpeg(), "JPEG image data is truncated or damaged"),
    "zero bytes": (b"", "the file is empty"),
    "text named .jpg": (samples.text_named_jpg(), "the file is text"),
    "decompression bomb": (samples.decompression_bomb_png(), "the limit is 50,000,000 pixels"),
    "jpeg+zip polyglot": (samples.jpeg_zip_polyglot(), "also a ZIP archive"),
    "png+html polyglot": (samples.png_with_alpha() + samples.HTML_PAYLOAD, "bytes follow the end of the PNG image"),
    "fits": (samples.fits_file(), "FITS file"),
    "psd": (samples.psd_file(), "Photoshop (PSD) file"),
    "damaged png header": (samples.raw_png(0, 10, 8, 2, b""), "PNG header is damaged"),
}


@pytest.mark.parametrize(("data", "reason"), BAD_FILES.values(), ids=BAD_FILES.keys())
def test_a_bad_file_is_reported_failed_with_a_reason(data, reason):
    result = processor.process(data)
    assert not result.ready
    assert reason in result.reason
    assert result.thumbnails == []
    assert result.metadata.size_bytes == len(data)


def test_a_bomb_is_refused_from_its_header_alone():
    # A limit between one and two times the claimed size: the processor's own check answers,
    # from the header; decoding 10 billion pixels would need 30 GB.
    result = processor.process(samples.decompression_bomb_png(), max_pixels=6_000_000_000)
    assert result.reason == "the image is 100000x100000 = 10,000,000,000 pixels; the limit is 6,000,000,000 pixels"


def test_the_pixel_limit_is_exact():
    at_limit, over_limit = samples.plain_jpeg((40, 25)), samples.plain_jpeg((40, 26))
    assert processor.process(at_limit, max_pixels=1000).ready
    refused = processor.process(over_limit, max_pixels=1000)
    assert refused.reason == "the image is 40x26 = 1,040 pixels; the limit is 1,000 pixels"
    assert refused.metadata.mime_type == "image/jpeg"


def test_a_truncated_jpeg_still_reports_what_its_header_says():
    metadata = processor.process(samples.truncated_jpeg()).metadata
    assert (metadata.mime_type, metadata.width, metadata.height) == ("image/jpeg", 800, 600)


@pytest.mark.parametrize("data", [samples.psd_file(), samples.fits_file()], ids=["psd", "fits"])
def test_pillow_could_decode_the_file_but_the_processor_never_lets_it(data):
    Image.open(io.BytesIO(data)).load()  # a real file of a format Pillow supports
    with pytest.raises(InvalidImageError, match="JPEG header is damaged"):
        open_header(data, JPEG, max_pixels=1000)
