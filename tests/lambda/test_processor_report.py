"""The report follows docs/design.md and is byte-identical for the same object."""

import json

import photo_samples as samples
import pytest

import processor
from processor.keys import NotAnOriginalError, is_original, thumbnail_key
from processor.report import build_report, encode_report

KEY = "originals/42/3f0c0a4e-6c1b-4d0e-9f7a-2b8a1c9d0e11"
DESIGN_KEYS = {"bucket", "key", "status", "reason", "metadata", "thumbnails"}
METADATA_KEYS = {"size_bytes", "mime_type", "width", "height", "orientation", "taken_at", "camera_make", "camera_model"}
THUMBNAIL_KEYS = {"size", "key", "content_type", "width", "height", "size_bytes"}


def test_thumbnail_keys_follow_the_layout():
    assert thumbnail_key(KEY, 256, "webp") == "thumbnails/42/3f0c0a4e-6c1b-4d0e-9f7a-2b8a1c9d0e11/256.webp"


@pytest.mark.parametrize(
    "key", ["originals/42", "originals/42/x/y", "thumbnails/42/x", "originals//x", "x/originals/1/2"]
)
def test_only_keys_the_app_writes_are_originals(key):
    assert not is_original(key)
    with pytest.raises(NotAnOriginalError):
        thumbnail_key(key, 256, "webp")


def test_a_ready_report_has_the_design_shape():
    data = samples.phone_jpeg()
    report = build_report("photoshare-assets-1", KEY, processor.process(data))
    assert report.keys() == DESIGN_KEYS
    assert (report["status"], report["reason"]) == ("ready", None)
    assert report["metadata"].keys() == METADATA_KEYS
    assert report["metadata"]["size_bytes"] == len(data)
    small, large = report["thumbnails"]
    assert small.keys() == large.keys() == THUMBNAIL_KEYS
    assert small["key"] == "thumbnails/42/3f0c0a4e-6c1b-4d0e-9f7a-2b8a1c9d0e11/256.webp"
    assert (small["size"], small["content_type"], large["size"]) == (256, "image/webp", 1024)
    assert small["size_bytes"] > 0


def test_a_failed_report_has_a_reason_and_no_thumbnails():
    report = build_report("photoshare-assets-1", KEY, processor.process(samples.text_named_jpg()))
    assert report["status"] == "failed"
    assert report["reason"].startswith("the file is text")
    assert report["thumbnails"] == []
    assert report["metadata"]["size_bytes"] == len(samples.text_named_jpg())
    assert report["metadata"]["mime_type"] is None


def test_the_body_is_deterministic_compact_json():
    report = build_report("photoshare-assets-1", KEY, processor.process(samples.phone_jpeg()))
    body = encode_report(report)
    assert body == encode_report(json.loads(body))
    assert json.loads(body) == report
    assert b" " not in body.replace(b"EOS R6", b"")
    assert list(json.loads(body)) == sorted(DESIGN_KEYS)
