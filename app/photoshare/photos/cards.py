"""The gallery's 24 cards as HTML, built here rather than in a Jinja loop.

A Jinja loop renders each card from a dozen fragments and escapes through
Markup objects; a gallery page is the hot path (issue 3's benchmark), so the
cards are formatted in one pass. Every value from a user is escaped
(html.escape, quotes included); the link is a checked uuid and the image URL
is escaped by SignedUrl.html.
"""

from __future__ import annotations

from html import escape

from markupsafe import Markup

from photoshare.photos.models import GALLERY_THUMBNAIL, PhotoPage
from photoshare.photos.page_paths import photo_href
from photoshare.photos.service import PhotoUrls


def gallery_cards(page: PhotoPage, urls: dict[str, PhotoUrls], *, show_visibility: bool) -> Markup:
    cards = []
    for photo in page.photos:
        thumb = urls[photo.public_id].thumbnails.get(GALLERY_THUMBNAIL)
        if thumb is not None:
            alt = escape(photo.caption or photo.original_filename)
            image = f'<img src="{thumb.html}" alt="{alt}" loading="lazy" width="256" height="256">'
        else:
            image = f'<span class="placeholder status-{photo.status}">{photo.status}</span>'
        by = escape(photo.uploader_display_name)
        if show_visibility:
            by = f"{by} · {photo.visibility}"
        cards.append(
            f'<li><a href="{photo_href(photo.public_id)}">{image}</a>'
            f'<p class="caption">{escape(photo.caption)}</p><p class="by">{by}</p>'
            f'<p class="likes" title="likes">♥ {photo.like_count}</p></li>'
        )
    return Markup("".join(cards))  # noqa: S704 - every user value above is escaped
