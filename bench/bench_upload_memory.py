"""Upload memory: a 100 MiB photo streamed through a real hypercorn worker to S3 (the emulator),
once straight to the app and once through the local cloud's load balancer (HAProxy, as the
localloadbalancer role configures it), which is the path users take.

The upload limit is raised to 128 MiB for the run. The worker's peak RSS is
reset (/proc/<pid>/clear_refs) after a warm-up upload, so the figure is the
peak growth the 100 MiB upload itself caused. Target (issues 3 and 11): at
most 32 MiB through the load balancer. Writes bench/results/upload_memory.json; exits 1 if the target is missed.

    python bench/bench_upload_memory.py
"""

from __future__ import annotations

import hashlib
import random
import sys
import time
from pathlib import Path

import psutil
from appbench import bench_cloud, logged_in, served, write_result
from loadbalanced import behind_load_balancer

MIB = 1024 * 1024
UPLOAD_MIB = 100
TARGET_GROWTH_MIB = 32


def status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1])
    raise RuntimeError(f"/proc/{pid}/status has no {field}")


def jpeg_of(size: int) -> bytes:
    """A JPEG's first bytes, then random filler (decoders stop at the end-of-image marker)."""
    head = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
    return head + random.Random(7).randbytes(size - len(head))


def multipart(data: bytes, filename: str):
    boundary = "psbench-boundary-7d1f"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: image/jpeg\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    length = len(head) + len(data) + len(tail)

    def chunks():
        yield head
        for start in range(0, len(data), 256 * 1024):
            yield data[start : start + 256 * 1024]
        yield tail

    return chunks(), f"multipart/form-data; boundary={boundary}", length


def upload_growth(client, worker: psutil.Process, data: bytes) -> dict:
    """The worker's peak RSS growth (MiB) while it takes one upload of data, and how long it took."""
    Path(f"/proc/{worker.pid}/clear_refs").write_text("5")  # peak RSS starts again from now
    before_kib = status_kib(worker.pid, "VmRSS")
    body, content_type, length = multipart(data, "hundred.jpg")
    started = time.perf_counter()
    reply = client.post(
        "/api/v1/photos", content=body, headers={"Content-Type": content_type, "Content-Length": str(length)}
    )
    seconds = time.perf_counter() - started
    reply.raise_for_status()
    assert reply.json()["sha256"] == hashlib.sha256(data).hexdigest()
    peak_kib = status_kib(worker.pid, "VmHWM")
    return {
        "rss_before_bytes": before_kib * 1024,
        "rss_peak_bytes": peak_kib * 1024,
        "peak_growth_mib": round((peak_kib - before_kib) / 1024, 2),
        "seconds": round(seconds, 2),
    }


def main() -> int:
    data = jpeg_of(UPLOAD_MIB * MIB)
    results = {}
    with bench_cloud() as cloud, served(cloud, workers=1, PHOTOSHARE_MAX_UPLOAD_BYTES=str(128 * MIB)) as (url, main):
        (worker,) = [p for p in psutil.Process(main.pid).children() if "spawn_main" in " ".join(p.cmdline())]
        with behind_load_balancer(url) as balanced_url:
            # Users upload through the load balancer, which streams the body on: the target is for that path,
            # measured first, so no earlier upload has grown the worker's heap for it.
            for path, base_url in (("load_balancer", balanced_url), ("direct", url)):
                client = logged_in(base_url, f"bench-{path}".replace("_", "-"))
                body, content_type, _ = multipart(jpeg_of(64 * 1024), "warm.jpg")
                client.post("/api/v1/photos", content=body, headers={"Content-Type": content_type}).raise_for_status()
                results[path] = upload_growth(client, worker, data)
    met = results["load_balancer"]["peak_growth_mib"] <= TARGET_GROWTH_MIB
    for path, row in results.items():
        print(
            f"upload of {UPLOAD_MIB} MiB, {path.replace('_', ' ')}: worker peak RSS grew by"
            f" {row['peak_growth_mib']:.1f} MiB (from {row['rss_before_bytes'] / MIB:.0f}"
            f" to {row['rss_peak_bytes'] / MIB:.0f} MiB) in {row['seconds']:.1f} s"
        )
    print(f"target, through the load balancer: <= {TARGET_GROWTH_MIB} MiB: {'ok' if met else 'TARGET MISSED'}")
    path = write_result(
        "upload_memory",
        {
            "benchmark": "upload_memory",
            "upload_bytes": len(data),
            "results": results,
            "target_max_growth_mib": TARGET_GROWTH_MIB,
            "target_met": met,
        },
    )
    print(f"results: {path.relative_to(path.parents[2])}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
