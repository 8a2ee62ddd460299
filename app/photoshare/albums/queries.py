"""The albums' SQL: albums, their photos (covers, pages, the photo page's picker).

Functions take a cursor and keyword arguments only.
"""

from __future__ import annotations

from collections.abc import Iterable

from asyncmy.cursors import DictCursor

from photoshare.albums.models import Album
from photoshare.keyset import upper_bound
from photoshare.photos.models import Photo
from photoshare.photos.queries import GALLERY_COLUMNS, gallery_page, photo_from_row, photo_with_thumbnails
from photoshare.rows import fetch_all, fetch_one, row_reader

ALBUM_COLUMNS = (
    "a.id, a.public_id, a.owner_id, a.title, a.cover_photo_id, a.created_at,"
    " (SELECT COUNT(*) FROM album_photos ap JOIN photos p ON p.id = ap.photo_id AND p.state = 'stored'"
    " WHERE ap.album_id = a.id) AS photo_count,"
    " (SELECT MAX(ap.photo_id) FROM album_photos ap JOIN photos p ON p.id = ap.photo_id AND p.state = 'stored'"
    " WHERE ap.album_id = a.id) AS newest_photo_id"
)

album_from_row = row_reader(Album, photo_count=int)


async def insert_album(cur: DictCursor, *, public_id: str, owner_id: int, title: str) -> None:
    await cur.execute(
        "INSERT INTO albums (public_id, owner_id, title) VALUES (%s, %s, %s)", (public_id, owner_id, title)
    )


async def find_owned_album(cur: DictCursor, *, public_id: str, owner_id: int) -> Album | None:
    sql = f"SELECT {ALBUM_COLUMNS} FROM albums a WHERE a.public_id = %s AND a.owner_id = %s"  # noqa: S608 - constant
    return await fetch_one(cur, album_from_row, sql, (public_id, owner_id))


async def find_album(cur: DictCursor, *, album_id: int) -> Album | None:
    """The album with this row id, whoever owns it: callers check the rights (a share link)."""
    sql = f"SELECT {ALBUM_COLUMNS} FROM albums a WHERE a.id = %s"  # noqa: S608 - constant
    return await fetch_one(cur, album_from_row, sql, (album_id,))


async def owner_albums(cur: DictCursor, *, owner_id: int, before_id: int | None, limit: int) -> list[Album]:
    sql = (
        f"SELECT {ALBUM_COLUMNS} FROM albums a WHERE a.owner_id = %s AND a.id < %s"  # noqa: S608 - constant
        " ORDER BY a.id DESC LIMIT %s"
    )
    return await fetch_all(cur, album_from_row, sql, (owner_id, upper_bound(before_id), limit))


async def photos_by_ids(cur: DictCursor, *, photo_ids: Iterable[int], thumb_size: int) -> dict[int, Photo]:
    """Stored photos with one thumbnail size, by row id (album covers): one query for all of them."""
    ids = list(photo_ids)
    if not ids:
        return {}
    placeholders = ", ".join(["%s"] * len(ids))
    await cur.execute(
        f"SELECT {GALLERY_COLUMNS}, %s AS thumb_size"  # noqa: S608 - only placeholders are interpolated
        " FROM photos p JOIN users u ON u.id = p.owner_id"
        " LEFT JOIN thumbnails t ON t.photo_id = p.id AND t.size = %s"
        f" WHERE p.state = 'stored' AND p.id IN ({placeholders})",
        (thumb_size, thumb_size, *ids),
    )
    return {row["id"]: photo_from_row(row) for row in await cur.fetchall()}


async def rename_album(cur: DictCursor, *, album_id: int, title: str) -> None:
    await cur.execute("UPDATE albums SET title = %s WHERE id = %s", (title, album_id))


async def set_album_cover(cur: DictCursor, *, album_id: int, photo_id: int | None) -> None:
    await cur.execute("UPDATE albums SET cover_photo_id = %s WHERE id = %s", (photo_id, album_id))


async def delete_album(cur: DictCursor, *, album_id: int) -> None:
    """The album and its rows of album_photos and share links (cascade); never a photo."""
    await cur.execute("DELETE FROM albums WHERE id = %s", (album_id,))


async def add_album_photo(cur: DictCursor, *, album_id: int, photo_id: int) -> bool:
    await cur.execute("INSERT IGNORE INTO album_photos (album_id, photo_id) VALUES (%s, %s)", (album_id, photo_id))
    return cur.rowcount == 1


async def remove_album_photo(cur: DictCursor, *, album_id: int, photo_id: int) -> bool:
    await cur.execute("DELETE FROM album_photos WHERE album_id = %s AND photo_id = %s", (album_id, photo_id))
    if cur.rowcount != 1:
        return False
    await cur.execute(
        "UPDATE albums SET cover_photo_id = NULL WHERE id = %s AND cover_photo_id = %s", (album_id, photo_id)
    )
    return True


async def album_contains(cur: DictCursor, *, album_id: int, photo_id: int) -> bool:
    await cur.execute("SELECT 1 FROM album_photos WHERE album_id = %s AND photo_id = %s", (album_id, photo_id))
    return await cur.fetchone() is not None


async def find_album_photo(cur: DictCursor, *, album_id: int, public_id: str) -> Photo | None:
    """The stored photo if it is in the album, whoever may see it: callers check the rights (a share link)."""
    return await photo_with_thumbnails(
        cur,
        "p.public_id = %s AND EXISTS(SELECT 1 FROM album_photos ap WHERE ap.photo_id = p.id AND ap.album_id = %s)",
        (public_id, album_id),
    )


async def album_gallery(
    cur: DictCursor, *, album_id: int, before_id: int | None, limit: int, thumb_size: int
) -> list[Photo]:
    """The album's stored photos, newest first, keyset on the photo id along album_photos' primary key."""
    return await gallery_page(
        cur,
        "ap.album_id = %s",
        (album_id,),
        before_id=before_id,
        limit=limit,
        thumb_size=thumb_size,
        tables="album_photos ap JOIN photos p ON p.id = ap.photo_id JOIN users u ON u.id = p.owner_id",
        key="ap.photo_id",
    )


async def photo_albums(cur: DictCursor, *, photo_id: int, owner_id: int) -> list[dict]:
    """The owner's albums, each with whether it holds the photo (the photo page's album picker)."""
    await cur.execute(
        "SELECT a.public_id, a.title, EXISTS(SELECT 1 FROM album_photos ap WHERE ap.album_id = a.id"
        " AND ap.photo_id = %s) AS holds FROM albums a WHERE a.owner_id = %s ORDER BY a.title LIMIT 200",
        (photo_id, owner_id),
    )
    return list(await cur.fetchall())
