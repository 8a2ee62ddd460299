"""`photoshare serve`: hypercorn with app/hypercorn.toml, bind and workers from the settings."""

from __future__ import annotations

import logging
import os
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
    return run(hypercorn_config(settings, config_file))
