"""PhotoShare's photo processing, free of I/O: bytes in; metadata, thumbnails or a refusal out."""

from processor.pipeline import DEFAULT_MAX_PIXELS, Result, process

__all__ = ["DEFAULT_MAX_PIXELS", "Result", "process"]
