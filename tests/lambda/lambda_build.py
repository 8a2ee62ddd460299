"""lambda/build.py, run as `make lambda` runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BUILD_SCRIPT = Path(__file__).resolve().parents[2] / "lambda" / "build.py"


def run_build(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(BUILD_SCRIPT), *args], capture_output=True, text=True)
