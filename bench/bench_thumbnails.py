"""Thumbnails: the Lambda's pipeline against Debian's vipsthumbnail, same files, same run.

Both make the 1024 and 256 px WebP thumbnails of a 12 MP and a 24 MP
photo-like JPEG (gradients, shapes, grain; generated, the same every run).
Our figure is the whole pure pipeline (magic bytes, structure and pixel
checks, metadata, one decode, both thumbnails) in a process that has imported
what the function imports, timed warm as a reused Lambda environment runs it.
vipsthumbnail runs once per size, as the CLI must, with its default threads.

Targets (issue 4): time within 1.3x of vipsthumbnail; peak RSS at or under
200 MiB. Prints the ratio and the Lambda cost per 1,000 photos at the memory
size PHOTOSHARE_LAMBDA_MEMORY_MB (default 1024); exits 1 if a target is
missed. Writes bench/results/thumbnails.json.

    python bench/bench_thumbnails.py
"""

from __future__ import annotations

import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results" / "thumbnails.json"
PHOTOS = {"12 MP": (4000, 3000), "24 MP": (6000, 4000)}
SIZES = (1024, 256)
REPEATS = 5
MAX_TIME_RATIO = 1.3
MAX_PEAK_RSS_MIB = 200
MIB = 1024 * 1024

# AWS Lambda on x86_64, us-east-1 (aws.amazon.com/lambda/pricing): per GB-second
# of duration and per request.
PRICE_PER_GB_SECOND = 0.0000166667
PRICE_PER_REQUEST = 0.20 / 1_000_000
# Lambda gives one full vCPU at 1,769 MB and a proportional share below it; the
# pipeline runs on one core, so below that it takes longer by the same factor.
FULL_VCPU_MB = 1769
LAMBDA_MEMORY_MB = int(os.environ.get("PHOTOSHARE_LAMBDA_MEMORY_MB", "1024"))


def make_photo(size: tuple[int, int], seed: int, path: Path) -> None:
    """A photo-like JPEG: smooth gradients, soft-edged shapes and grain, never flat colour."""
    from PIL import Image, ImageDraw, ImageFilter

    width, height = size
    rng = random.Random(seed)
    red = Image.linear_gradient("L").resize(size)
    green = Image.radial_gradient("L").resize(size)
    blue = red.transpose(Image.Transpose.ROTATE_180)
    image = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y, extent = rng.randrange(width), rng.randrange(height), rng.randrange(width // 40, width // 6)
        colour = tuple(rng.randrange(256) for _ in range(3))
        shape = draw.ellipse if rng.random() < 0.5 else draw.rectangle
        shape((x, y, x + extent, y + extent * 2 // 3), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(2))
    grain = Image.frombytes("L", size, rng.randbytes(width * height)).convert("RGB")
    Image.blend(image, grain, 0.08).save(path, "JPEG", quality=90)


def worker(photo: Path, repeats: int) -> None:
    """Run in a fresh process: import what the function imports, then time the pipeline warm."""
    sys.path.insert(0, str(ROOT / "lambda"))
    import boto3

    import processor

    boto3.client("s3", region_name="us-east-1")
    boto3.client("secretsmanager", region_name="us-east-1")
    data = photo.read_bytes()
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = processor.process(data)
        seconds.append(time.perf_counter() - start)
        assert result.ready, result.reason
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "peak_rss_bytes": peak}))


def in_child(*args: str) -> str:
    """Run this script in a fresh process: heavy work stays out of this one, whose peak
    RSS Linux would pass on to every process it starts (ru_maxrss survives exec)."""
    return subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True).stdout


def measure_pipeline(photo: Path) -> dict:
    figures = json.loads(in_child("--worker", str(photo), str(REPEATS)).splitlines()[-1])
    return {"seconds": statistics.median(figures["seconds"]), "peak_rss_bytes": figures["peak_rss_bytes"]}


def run_measured(command: list[str]) -> tuple[float, int]:
    """Wall time and peak RSS of one process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{command[0]} failed: {process.stderr.read().decode()}")
    process.stderr.close()
    return elapsed, usage.ru_maxrss * 1024


def measure_vipsthumbnail(photo: Path, out_dir: Path) -> dict:
    totals, peaks = [], []
    for _ in range(REPEATS):
        runs = [
            run_measured(
                ["vipsthumbnail", str(photo), "--size", str(size), "-o", f"{out_dir}/%s_{size}.webp[Q=80,strip]"]
            )
            for size in SIZES
        ]
        totals.append(sum(seconds for seconds, _ in runs))
        peaks.append(max(peak for _, peak in runs))
    return {"seconds": statistics.median(totals), "peak_rss_bytes": max(peaks)}


def lambda_cost_per_1000(seconds_on_one_core: float, memory_mb: int) -> float:
    duration = seconds_on_one_core * max(1.0, FULL_VCPU_MB / memory_mb)
    return 1000 * (duration * memory_mb / 1024 * PRICE_PER_GB_SECOND + PRICE_PER_REQUEST)


def main() -> int:
    if shutil.which("vipsthumbnail") is None:
        print("error: vipsthumbnail is missing; `make bench` installs it (scripts/setup.sh bench)", file=sys.stderr)
        return 1
    vips_version = subprocess.run(["vipsthumbnail", "--vips-version"], capture_output=True, text=True).stdout.strip()
    results, all_met = [], True
    with tempfile.TemporaryDirectory(prefix="bench-thumbnails-") as scratch:
        scratch_dir = Path(scratch)
        for seed, (label, size) in enumerate(PHOTOS.items()):
            photo = scratch_dir / f"photo_{size[0]}x{size[1]}.jpg"
            in_child("--generate", str(size[0]), str(size[1]), str(seed), str(photo))
            ours = measure_pipeline(photo)
            vips = measure_vipsthumbnail(photo, scratch_dir)
            ratio = ours["seconds"] / vips["seconds"]
            met = ratio <= MAX_TIME_RATIO and ours["peak_rss_bytes"] <= MAX_PEAK_RSS_MIB * MIB
            all_met &= met
            results.append(
                {
                    "photo": label,
                    "pixels": size[0] * size[1],
                    "jpeg_bytes": photo.stat().st_size,
                    "pipeline": ours,
                    "vipsthumbnail": vips,
                    "time_ratio": ratio,
                    "lambda_memory_mb": LAMBDA_MEMORY_MB,
                    "cost_per_1000_photos_usd": lambda_cost_per_1000(ours["seconds"], LAMBDA_MEMORY_MB),
                    "vipsthumbnail_cost_per_1000_photos_usd": lambda_cost_per_1000(vips["seconds"], LAMBDA_MEMORY_MB),
                    "targets_met": met,
                }
            )
    report(results, vips_version)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "benchmark": "thumbnails",
                "targets": {"max_time_ratio": MAX_TIME_RATIO, "max_peak_rss_mib": MAX_PEAK_RSS_MIB},
                "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "vips": vips_version},
                "results": results,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"results: {RESULTS.relative_to(ROOT)}")
    return 0 if all_met else 1


def report(results: list[dict], vips_version: str) -> None:
    print(f"Both thumbnails ({' and '.join(map(str, SIZES))} px WebP), median of {REPEATS}; reference {vips_version}")
    print(f"{'photo':<7}{'ours':>9}{'vips':>9}{'ratio':>7}{'our peak RSS':>14}{'vips peak RSS':>15}  $/1,000 photos")
    for row in results:
        ours, vips = row["pipeline"], row["vipsthumbnail"]
        timings = f"{ours['seconds'] * 1000:>7.0f}ms{vips['seconds'] * 1000:>7.0f}ms{row['time_ratio']:>7.2f}"
        print(
            f"{row['photo']:<7}{timings}"
            f"{ours['peak_rss_bytes'] / MIB:>10.0f} MiB{vips['peak_rss_bytes'] / MIB:>11.0f} MiB"
            f"  ${row['cost_per_1000_photos_usd']:.4f} at {row['lambda_memory_mb']} MB"
            f" (vipsthumbnail's time: ${row['vipsthumbnail_cost_per_1000_photos_usd']:.4f})"
            f"  {'ok' if row['targets_met'] else 'TARGET MISSED'}"
        )
    print(f"targets: time ratio <= {MAX_TIME_RATIO}, peak RSS <= {MAX_PEAK_RSS_MIB} MiB")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        worker(Path(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1:2] == ["--generate"]:
        make_photo((int(sys.argv[2]), int(sys.argv[3])), int(sys.argv[4]), Path(sys.argv[5]))
    else:
        sys.exit(main())
