"""Every metric the app exports, defined once per process.

Under `photoshare serve`, hypercorn runs several worker processes;
server.py points PROMETHEUS_MULTIPROC_DIR at a fresh directory before they
start, so each worker writes its values to memory-mapped files there and
/metrics, in whichever worker serves it, adds them all up. In tests (one
process, no directory) the default registry holds them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest, multiprocess

MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
LAG_BUCKETS = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0, 3600.0)

REQUESTS = Counter(
    "photoshare_http_requests",
    "HTTP requests answered, by route template, method and status",
    ["route", "method", "status"],
)
REQUEST_SECONDS = Histogram(
    "photoshare_http_request_duration_seconds",
    "Time from the request's arrival to the end of the response, by route template, method and status",
    ["route", "method", "status"],
    buckets=LATENCY_BUCKETS,
)
UPLOAD_BYTES = Counter("photoshare_upload_bytes", "Bytes of originals stored by uploads")
UPLOADS_REJECTED = Counter(
    "photoshare_uploads_rejected", "Uploads refused or abandoned, by reason (the error code)", ["reason"]
)
WEBHOOK_REPORTS = Counter(
    "photoshare_webhook_reports",
    "Processing reports received: ready, failed, duplicate, or the error code of a refusal",
    ["result"],
)
PROCESSING_LAG = Histogram(
    "photoshare_processing_lag_seconds",
    "From an upload's start to its processing report being applied",
    buckets=LAG_BUCKETS,
)
DB_CONNECTIONS_IN_USE = Gauge(
    "photoshare_db_pool_connections_in_use", "Database connections lent out now", multiprocess_mode="livesum"
)
DB_CONNECTIONS_OPEN = Gauge(
    "photoshare_db_pool_connections_open", "Database connections open (in use or idle)", multiprocess_mode="livesum"
)
DB_CONNECTIONS_MAX = Gauge(
    "photoshare_db_pool_connections_max", "The pools' size limit, summed over workers", multiprocess_mode="livesum"
)


# The labelled children per (route, method, status), looked up once: labels() validates and locks on
# every call, and this runs on every request. Bounded: routes and methods are fixed sets.
_request_children: dict[tuple[str, str, int], tuple] = {}


def observe_request(*, route: str, method: str, status: int, seconds: float) -> None:
    children = _request_children.get((route, method, status))
    if children is None:
        labels = (route, method, str(status))
        children = _request_children[route, method, status] = (
            REQUESTS.labels(*labels),
            REQUEST_SECONDS.labels(*labels),
        )
    children[0].inc()
    children[1].observe(seconds)


def exposition() -> bytes:
    """The text format of every worker's metrics (or this process's, outside `photoshare serve`)."""
    if os.environ.get(MULTIPROCESS_DIR):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def forget_dead_workers() -> None:
    """Drop the live gauges of workers that have exited (hypercorn replaced them), so they stop counting."""
    directory = os.environ.get(MULTIPROCESS_DIR)
    if not directory:
        return
    pids = {
        int(m.group(1))
        for path in Path(directory).glob("gauge_live*.db")
        if (m := re.search(r"_(\d+)\.db$", path.name))
    }
    for pid in pids:
        if not process_exists(pid):
            multiprocess.mark_process_dead(pid, directory)


def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
