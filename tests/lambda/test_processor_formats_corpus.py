"""The Lambda decides every head of the shared corpus as the app does (tests/formats_corpus.py)."""

import pytest

from processor.errors import InvalidImageError
from processor.formats import sniff
from tests.formats_corpus import HEADS, Head


def lambda_type(data: bytes) -> str | None:
    try:
        return sniff(data).mime_type
    except InvalidImageError:
        return None


@pytest.mark.parametrize("head", HEADS, ids=[head.name for head in HEADS])
def test_the_lambda_types_each_head_as_the_corpus_says(head: Head):
    assert lambda_type(head.data) == head.accepted_as
