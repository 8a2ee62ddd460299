"""`photoshare healthcheck`: GET /healthz on the address PHOTOSHARE_BIND names, for Docker's HEALTHCHECK.

It reads no other setting, so it works whatever the rest of the
configuration says, and it needs no curl in the image.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request

TIMEOUT_SECONDS = 3
ANY_ADDRESS = {"", "0.0.0.0", "::", "[::]"}  # noqa: S104 - names of the wildcard, nothing binds here


def local_url(bind: str) -> str:
    host, _, port = bind.rpartition(":")
    return f"http://{'127.0.0.1' if host in ANY_ADDRESS else host}:{port}/healthz"


def check_local_server() -> int:
    url = local_url(os.environ.get("PHOTOSHARE_BIND", "0.0.0.0:8080"))
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - a local http URL
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError):
        return 1
