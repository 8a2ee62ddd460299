"""Files that are an image and also something else are refused; legitimate extras are not."""

import photo_samples as samples
import pytest

from processor.container import check_single_format
from processor.errors import InvalidImageError
from processor.formats import GIF, HEIF, JPEG, PNG, WEBP


def test_a_jpeg_that_is_also_a_zip_archive_is_refused():
    with pytest.raises(InvalidImageError, match="JPEG image and also a ZIP archive"):
        check_single_format(JPEG, samples.jpeg_zip_polyglot())


def test_a_jpeg_carrying_a_pdf_header_is_refused():
    data = samples.encode(samples.halves(), "JPEG", comment=b"%PDF-1.4 1 0 obj << >> endobj")
    with pytest.raises(InvalidImageError, match="also a PDF document"):
        check_single_format(JPEG, data)


@pytest.mark.parametrize(
    ("image_format", "data"),
    [
        (PNG, samples.png_with_alpha()),
        (GIF, samples.gif_with_transparency()),
        (WEBP, samples.webp_image()),
        (HEIF, samples.heic_image()),
    ],
    ids=["png", "gif", "webp", "heic"],
)
def test_bytes_after_the_end_of_the_image_are_refused(image_format, data):
    check_single_format(image_format, data)  # the image alone passes
    with pytest.raises(InvalidImageError, match=f"{len(samples.HTML_PAYLOAD)} bytes follow the end"):
        check_single_format(image_format, data + samples.HTML_PAYLOAD)


@pytest.mark.parametrize(
    ("image_format", "data"),
    [(PNG, samples.png_with_alpha()), (GIF, samples.gif_with_transparency()), (WEBP, samples.webp_image())],
    ids=["png", "gif", "webp"],
)
def test_a_file_cut_short_is_reported_as_truncated(image_format, data):
    with pytest.raises(InvalidImageError, match="truncated"):
        check_single_format(image_format, data[: len(data) - 10])


def test_data_appended_to_a_jpeg_by_phones_is_accepted():
    check_single_format(JPEG, samples.motion_photo_jpeg())
    check_single_format(JPEG, samples.plain_jpeg() + samples.plain_jpeg((40, 20)))  # multi-picture (MPF)


def test_a_zip_signature_without_a_directory_is_no_archive():
    # The end-of-directory record alone, as it may occur by chance in image data.
    check_single_format(JPEG, samples.plain_jpeg() + b"PK\x05\x06" + b"\x00" * 18)
