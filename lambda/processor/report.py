"""The processing report the app's /api/webhook takes (docs/design.md).

The body is deterministic for a given object: no clocks, sorted keys and fixed
separators, so a repeated event posts byte-identical reports.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from processor.keys import thumbnail_key
from processor.pipeline import Result


def build_report(bucket: str, key: str, result: Result) -> dict:
    return {
        "bucket": bucket,
        "key": key,
        "status": "ready" if result.ready else "failed",
        "reason": result.reason,
        "metadata": asdict(result.metadata),
        "thumbnails": [
            {
                "size": thumbnail.size,
                "key": thumbnail_key(key, thumbnail.size, thumbnail.extension),
                "content_type": thumbnail.content_type,
                "width": thumbnail.width,
                "height": thumbnail.height,
                "size_bytes": len(thumbnail.data),
            }
            for thumbnail in result.thumbnails
        ],
    }


def encode_report(report: dict) -> bytes:
    return json.dumps(report, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode()
