"""The type comes from magic bytes only, and refusals say what the file is."""

import re

import photo_samples as samples
import pytest

from processor.errors import InvalidImageError
from processor.formats import GIF, HEIF, JPEG, PNG, WEBP, sniff


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (samples.plain_jpeg(), JPEG),
        (samples.png_with_alpha(), PNG),
        (samples.webp_image(), WEBP),
        (samples.gif_with_transparency(), GIF),
        (samples.heic_image(), HEIF),
    ],
    ids=["jpeg", "png", "webp", "gif", "heic"],
)
def test_accepted_formats_are_recognised(data, expected):
    assert sniff(data) is expected


def test_heic_is_recognised_by_a_compatible_brand():
    # Samsung phones write the generic major brand with HEVC among the compatible ones.
    data = b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic" + b"\x00" * 64
    assert sniff(data) is HEIF


@pytest.mark.parametrize(
    ("data", "described_as"),
    [
        (b"", "empty"),
        (samples.text_named_jpg(), "the file is text"),
        (samples.psd_file(), "Photoshop (PSD)"),
        (samples.fits_file(), "FITS"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (samples.zip_archive(), "ZIP archive"),
        (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\x00" * 64, "AVIF"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 64, "ISO media"),
        (bytes(range(256)), "unknown type"),
    ],
    ids=["empty", "text", "psd", "fits", "pdf", "zip", "avif", "mp4", "binary"],
)
def test_other_files_are_refused_with_a_reason_naming_them(data, described_as):
    with pytest.raises(InvalidImageError, match=re.escape(described_as)) as refusal:
        sniff(data)
    if data:
        assert "JPEG, PNG, WebP, GIF and HEIC" in str(refusal.value)


def test_text_whose_sample_ends_inside_a_character_is_still_text():
    data = ("a" + "é" * 300).encode()  # byte 512 is the first half of a two-byte character
    with pytest.raises(InvalidImageError, match="the file is text"):
        sniff(data)
