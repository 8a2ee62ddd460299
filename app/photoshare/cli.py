"""The `photoshare` command: `serve` (the default in the image), `migrate` and `healthcheck`."""

from __future__ import annotations

import argparse
import sys

from photoshare.errors import AppError
from photoshare.logs import configure_logging
from photoshare.settings import Settings, SettingsError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="photoshare", description="The PhotoShare web app.")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="serve the app with hypercorn (app/hypercorn.toml)")
    commands.add_parser("migrate", help="apply the database migrations once, then exit")
    commands.add_parser("healthcheck", help="exit 0 if the local server answers GET /healthz (the image's HEALTHCHECK)")
    args = parser.parse_args(argv)
    if args.command == "healthcheck":
        from photoshare.healthcheck import check_local_server

        return check_local_server()
    try:
        settings = Settings.from_environ()
    except SettingsError as err:
        print(f"photoshare: {err}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    if args.command == "serve":
        from photoshare.server import serve

        return serve(settings)
    from photoshare.migrate import migrate

    try:
        migrate(settings)
    except AppError as err:
        print(f"photoshare migrate: {err.message}", file=sys.stderr)
        return 1
    return 0
