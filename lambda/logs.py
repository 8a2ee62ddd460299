"""One JSON object per log line, so CloudWatch Logs Insights can query the fields.

Nothing secret is ever passed here: no signing key, no signature.
"""

from __future__ import annotations

import json
import logging

logger = logging.getLogger("photoshare.processor")
logger.setLevel(logging.INFO)


def log(event: str, *, level: int = logging.INFO, **fields: object) -> None:
    logger.log(level, json.dumps({"event": event, **fields}, sort_keys=True, default=str))
