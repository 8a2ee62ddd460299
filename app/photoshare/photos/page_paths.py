"""Paths of the photo pages, shared by the views, the gallery cards and the templates."""

from __future__ import annotations

from markupsafe import Markup

from photoshare.photos import keys

PHOTO_PAGE_PREFIX = "/photos/"


def photo_href(public_id: str) -> Markup:
    """The photo page's path, without url_for's cost (a gallery links 24 of them)."""
    if not keys.is_public_id(public_id):
        raise ValueError(f"{public_id!r} is not a photo id")
    return Markup(PHOTO_PAGE_PREFIX + public_id)  # noqa: S704 - a checked uuid needs no escaping
