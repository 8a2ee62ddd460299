"""Structured logs: one JSON object per line on stdout, each carrying the request id.

Nothing secret is ever logged: settings hold secrets in Secret, which prints
as asterisks, and no code passes passwords, tokens or signatures here.
"""

from __future__ import annotations

import contextvars
import logging
import re
import sys

from pythonjsonlogger.json import JsonFormatter

request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

logger = logging.getLogger("photoshare")
# A share link's token is the credential itself: logs keep only its first characters.
SHARE_TOKEN_IN_PATH = re.compile(r"^(/s/|/api/v1/shared/)([A-Za-z0-9_-]{6})[^/]*")


def loggable_path(path: str) -> str:
    """The request path for a log line, with any share token cut to the hint the owner's page shows."""
    return SHARE_TOKEN_IN_PATH.sub(r"\1\2…", path)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


def configure_logging(level: str) -> None:
    """JSON lines on stdout for the app, hypercorn and the libraries (idempotent)."""
    handler = logging.StreamHandler(sys.stdout)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(
        JsonFormatter(
            "%(levelname)s %(name)s %(message)s %(request_id)s",
            rename_fields={"levelname": "level", "name": "logger", "message": "event"},
            timestamp="time",
        )
    )
    handler.photoshare = True  # type: ignore[attr-defined]
    root = logging.getLogger()
    for existing in list(root.handlers):
        if getattr(existing, "photoshare", False):
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper())
    # Botocore logs request details (never credentials) at DEBUG; keep it quieter than ours.
    logging.getLogger("botocore").setLevel(max(logging.INFO, root.level))
    logging.getLogger("aiobotocore").setLevel(max(logging.INFO, root.level))


def log(event: str, *, level: int = logging.INFO, **fields: object) -> None:
    """One event with its fields as top-level JSON keys."""
    logger.log(level, event, extra=fields)
