"""Processing reports as the Lambda sends them (docs/design.md), signed for the app's webhook."""

from __future__ import annotations

import hashlib
import hmac
import json
import time


def report_for(bucket: str, key: str, *, status: str = "ready", sizes=(256, 1024), size_bytes: int = 1000) -> dict:
    photo = key.removeprefix("originals/")
    return {
        "bucket": bucket,
        "key": key,
        "status": status,
        "reason": None if status == "ready" else "the file is text, not an image PhotoShare accepts",
        "metadata": {
            "size_bytes": size_bytes,
            "mime_type": "image/jpeg",
            "width": 4032,
            "height": 3024,
            "orientation": 6,
            "taken_at": "2024-05-01T12:34:56",
            "camera_make": "Canon",
            "camera_model": "EOS R6",
        },
        "thumbnails": [
            {
                "size": size,
                "key": f"thumbnails/{photo}/{size}.webp",
                "content_type": "image/webp",
                "width": size,
                "height": size * 3 // 4,
                "size_bytes": 100 + size,
            }
            for size in (sizes if status == "ready" else ())
        ],
    }


def encode(report: dict) -> bytes:
    return json.dumps(report, sort_keys=True, separators=(",", ":")).encode()


def signed_headers(key: bytes, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = "v1=" + hmac.new(key, stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/json", "X-PhotoShare-Timestamp": stamp, "X-PhotoShare-Signature": signature}


def write_thumbnails(s3_client, bucket: str, report: dict) -> None:
    for entry in report["thumbnails"]:
        s3_client.put_object(Bucket=bucket, Key=entry["key"], Body=b"RIFF....WEBP", ContentType="image/webp")
