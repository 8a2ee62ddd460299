"""S3 notification events for the handler tests, from the samples in lambda/events/."""

from __future__ import annotations

import json
import secrets
import uuid
from pathlib import Path
from urllib.parse import quote

EVENTS_DIR = Path(__file__).resolve().parents[2] / "lambda" / "events"


def original_key() -> str:
    return f"originals/{secrets.randbelow(10_000)}/{uuid.uuid4()}"


def s3_event(name: str, bucket: str, keys: list[str]) -> dict:
    """lambda/events/<name>.json aimed at bucket, its records at keys (URL-encoded as S3 does)."""
    event = json.loads((EVENTS_DIR / f"{name}.json").read_text())
    for record, key in zip(event["Records"], keys, strict=True):
        record["s3"]["bucket"]["name"] = bucket
        record["s3"]["object"]["key"] = quote(key, safe="")
    return event
