"""Many photos at once for the benchmarks, generated inside MariaDB (its SEQUENCE engine's seq_1_to_N)."""

from __future__ import annotations

import time

BATCH = 100_000
INSERT_PHOTOS = (
    "INSERT INTO photos (public_id, owner_id, uploader_display_name, caption, original_filename,"
    " object_key, size_bytes, content_type, sha256, state, status, visibility, width, height)"
    " SELECT UUID(), %s, 'Bench', CONCAT('photo ', seq + %s), CONCAT('IMG_', seq + %s, '.jpg'),"
    " CONCAT('originals/', %s, '/seed-', seq + %s), 2000000, 'image/jpeg',"
    " UNHEX(SHA2(CONCAT('seed', seq + %s), 256)), 'stored', 'ready', 'public', 4032, 3024"
    " FROM {sequence}"
)


def seed_photos(conn, *, owner_id: int, count: int, with_thumbnails: bool) -> float:
    """Insert count stored, ready, public photos of owner_id (ids ascending); the seconds it took."""
    started = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute("SET SESSION unique_checks = 0, foreign_key_checks = 0")
        for offset in range(0, count, BATCH):
            size = min(BATCH, count - offset)
            sequence = f"seq_1_to_{int(size)}"  # MariaDB's SEQUENCE engine: rows 1..size
            cur.execute(INSERT_PHOTOS.format(sequence=sequence), (owner_id, offset, offset, owner_id, offset, offset))
        if with_thumbnails:
            for size in (256, 1024):
                cur.execute(
                    "INSERT INTO thumbnails (photo_id, size, object_key, content_type, width, height, size_bytes)"
                    " SELECT id, %s, CONCAT('thumbnails/', owner_id, '/', public_id, '/', %s, '.webp'), 'image/webp',"
                    " %s, %s, 10240 FROM photos WHERE owner_id = %s",
                    (size, size, size, size * 3 // 4, owner_id),
                )
        cur.execute("ANALYZE TABLE photos, thumbnails")
    return time.perf_counter() - started
