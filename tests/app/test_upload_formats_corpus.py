"""The app decides every head of the shared corpus as the Lambda does (tests/formats_corpus.py)."""

import pytest

from photoshare.photos.formats import SNIFF_BYTES, sniff
from tests.formats_corpus import HEADS, Head


@pytest.mark.parametrize("head", HEADS, ids=[head.name for head in HEADS])
def test_the_app_types_each_head_as_the_corpus_says(head: Head):
    # The upload sniffs at most SNIFF_BYTES of the stream.
    image_type = sniff(head.data[:SNIFF_BYTES])
    assert (image_type.mime_type if image_type else None) == head.accepted_as
