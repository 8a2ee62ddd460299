"""`photoshare serve`: hypercorn with app/hypercorn.toml, bind and workers from the settings.

Before hypercorn starts its workers, PROMETHEUS_MULTIPROC_DIR points at a
new, empty directory of this run (removed when it ends), so that /metrics
adds up every worker's values and never counts a previous run's.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

from hypercorn.config import Config
from hypercorn.run import run

from photoshare.settings import Settings

APPLICATION = "photoshare.asgi:app"
DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "hypercorn.toml"


def hypercorn_config(settings: Settings, config_file: Path) -> Config:
    config = Config.from_toml(config_file)
    config.application_path = APPLICATION
    config.bind = [settings.bind]
    config.workers = settings.workers
    config.errorlog = logging.getLogger("hypercorn.error")  # into the app's JSON log
    return config


def serve(settings: Settings) -> int:
    config_file = Path(os.environ.get("PHOTOSHARE_HYPERCORN_CONFIG", DEFAULT_CONFIG))
    if not config_file.is_file():
        raise FileNotFoundError(f"the hypercorn configuration {config_file} does not exist")
    metrics_dir = tempfile.mkdtemp(prefix="photoshare-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir  # read by the workers as they import prometheus_client
    try:
        return run(hypercorn_config(settings, config_file))
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)
