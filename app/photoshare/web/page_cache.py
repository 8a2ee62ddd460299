"""Rendered pages that every anonymous visitor sees alike, kept for a moment in each worker.

The public feed's first pages take nearly all of its traffic, and they are
the same for everyone who is not logged in. Keeping a rendered page for
PHOTOSHARE_FEED_CACHE_SECONDS (default 1) makes a burst of visitors cost one
query and one render per worker and second; a newly public photo shows up at
most that much later. The page's presigned image URLs stay valid far longer
(see presign.py). The number of pages kept is bounded, so visiting many
cursors cannot grow the worker.
"""

from __future__ import annotations

import time

MAX_PAGES = 64


class PageCache:
    def __init__(self, *, seconds: float, max_pages: int = MAX_PAGES) -> None:
        self.seconds = seconds
        self.max_pages = max_pages
        self._pages: dict[str, tuple[float, str]] = {}

    def get(self, key: str) -> str | None:
        entry = self._pages.get(key)
        if entry is None or entry[0] <= time.monotonic():
            return None
        return entry[1]

    def put(self, key: str, page: str) -> None:
        if self.seconds <= 0:
            return
        self._pages.pop(key, None)
        if len(self._pages) >= self.max_pages:
            self._pages.pop(next(iter(self._pages)))  # the oldest entry
        self._pages[key] = (time.monotonic() + self.seconds, page)
