"""The per-worker cache of pages that every anonymous visitor sees alike."""

from photoshare.web import page_cache
from photoshare.web.page_cache import PageCache


def test_a_page_is_kept_for_its_seconds_then_dropped(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(page_cache.time, "monotonic", lambda: now[0])
    cache = PageCache(seconds=1)
    cache.put("", "<p>feed</p>")
    now[0] += 0.9
    assert cache.get("") == "<p>feed</p>"
    now[0] += 0.2
    assert cache.get("") is None


def test_zero_seconds_keeps_nothing():
    cache = PageCache(seconds=0)
    cache.put("", "<p>feed</p>")
    assert cache.get("") is None


def test_many_cursors_cannot_grow_it_past_its_bound():
    cache = PageCache(seconds=60, max_pages=3)
    for cursor in ("a", "b", "c", "d"):
        cache.put(cursor, cursor.upper())
    assert [cache.get(cursor) for cursor in ("a", "b", "c", "d")] == [None, "B", "C", "D"]
