"""Pagination: with 1,000,000 photos, the last keyset page costs no more than the first.

Both galleries ("My photos" and the public feed) are read through the app
under hypercorn: the first page, and the page that ends with the oldest
photo (its cursor points 24 photos from the end). Each is requested one at a
time, median of 200, and the query alone is timed on MariaDB too. Target
(issue 3): last page at most 1.5x the first. Writes
bench/results/pagination.json; exits 1 if the target is missed.

    python bench/bench_pagination.py
"""

from __future__ import annotations

import statistics
import sys
import time

from appbench import bench_cloud, logged_in, served, write_result
from seeding import seed_photos

from photoshare.keyset import encode_cursor

PHOTOS = 1_000_000
REQUESTS = 200
TARGET_RATIO = 1.5


def medians_ms(client, first: str, last: str) -> tuple[float, float]:
    """Median latency of each path; the two alternate, so both see the machine in the same state."""
    for _ in range(20):
        client.get(first)
        client.get(last)
    times: dict[str, list[float]] = {first: [], last: []}
    for _ in range(REQUESTS):
        for path in (first, last):
            started = time.perf_counter()
            reply = client.get(path)
            times[path].append((time.perf_counter() - started) * 1000)
            assert reply.status_code == 200, reply.text[:300]
    return statistics.median(times[first]), statistics.median(times[last])


def main() -> int:
    results, all_met = {}, True
    with bench_cloud() as cloud, served(cloud, workers=1) as (url, _):
        client = logged_in(url, "bench")
        with cloud.connect() as conn, conn.cursor() as cur:
            cur.execute("SELECT id FROM users WHERE username = 'bench'")
            (owner_id,) = cur.fetchone()
            seeded = seed_photos(conn, owner_id=owner_id, count=PHOTOS, with_thumbnails=True)
            cur.execute("SELECT id FROM photos ORDER BY id LIMIT 1 OFFSET 24")
            (twenty_fifth_oldest,) = cur.fetchone()
        print(f"seeded {PHOTOS:,} photos in {seeded:.0f} s")
        last = encode_cursor(twenty_fifth_oldest)
        for name, path in (("my_photos", "/photos"), ("feed", "/"), ("my_photos_api", "/api/v1/photos")):
            last_page = client.get(f"/api/v1/photos?cursor={last}").json()
            assert len(last_page["items"]) == 24
            assert last_page["next_cursor"] is None
            first_ms, last_ms = medians_ms(client, path, f"{path}?cursor={last}")
            ratio = last_ms / first_ms
            met = ratio <= TARGET_RATIO
            all_met &= met
            results[name] = {
                "first_page_ms": round(first_ms, 3),
                "last_page_ms": round(last_ms, 3),
                "ratio": round(ratio, 3),
            }
            print(
                f"{name:<14} first page {first_ms:6.2f} ms   last page {last_ms:6.2f} ms   ratio {ratio:.2f}"
                f"  {'ok' if met else 'TARGET MISSED'}"
            )
        with cloud.connect() as conn, conn.cursor() as cur:
            for label, before in (("first", 2**63), ("last", twenty_fifth_oldest)):
                started = time.perf_counter()
                for _ in range(REQUESTS):
                    cur.execute(
                        "SELECT STRAIGHT_JOIN p.id FROM photos p JOIN users u ON u.id = p.owner_id"
                        " LEFT JOIN thumbnails t ON t.photo_id = p.id AND t.size = 256"
                        " WHERE p.owner_id = %s AND p.state = 'stored' AND p.id < %s ORDER BY p.id DESC LIMIT 25",
                        (owner_id, before),
                    )
                    cur.fetchall()
                results[f"query_{label}_page_ms"] = round((time.perf_counter() - started) / REQUESTS * 1000, 3)
        print(
            f"the query alone: first page {results['query_first_page_ms']:.3f} ms,"
            f" last page {results['query_last_page_ms']:.3f} ms"
        )
    print(f"target: last page <= {TARGET_RATIO}x the first")
    path = write_result(
        "pagination",
        {
            "benchmark": "pagination",
            "photos": PHOTOS,
            "requests": REQUESTS,
            "target_max_ratio": TARGET_RATIO,
            **results,
        },
    )
    print(f"results: {path.relative_to(path.parents[2])}")
    return 0 if all_met else 1


if __name__ == "__main__":
    sys.exit(main())
