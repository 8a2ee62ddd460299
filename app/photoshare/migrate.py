"""`photoshare migrate`: apply the SQL migrations under photoshare/migrations with yoyo-migrations.

Run once per deploy, before the workers start. yoyo takes a lock in the
database, so two concurrent runs cannot both apply; a run with nothing to do
exits 0.
"""

from __future__ import annotations

import asyncio
import warnings
from contextlib import AsyncExitStack
from pathlib import Path
from urllib.parse import quote, urlencode

from yoyo import get_backend, read_migrations

from photoshare.aws import open_clients, read_secret_string
from photoshare.database import DatabaseCredentials
from photoshare.logs import log
from photoshare.settings import Settings

MIGRATIONS = Path(__file__).with_name("migrations")


async def read_credentials(settings: Settings) -> DatabaseCredentials:
    if settings.dev_database_url is not None:
        return DatabaseCredentials.from_url(settings.dev_database_url)
    async with AsyncExitStack() as stack:
        clients = await open_clients(settings, stack)
        raw = await read_secret_string(clients.secrets, settings.db_secret_id)
    return DatabaseCredentials.from_secret_string(settings.db_secret_id, raw)


def backend_uri(credentials: DatabaseCredentials, ca_bundle: str) -> str:
    """yoyo's URI. yoyo hands the query's arguments to PyMySQL as they are (its own ssl/sslca
    names break that), so they carry PyMySQL's: verify the certificate and host name, as the app does."""
    user = quote(credentials.username, safe="")
    password = quote(credentials.password.reveal(), safe="")
    tls = urlencode({"ssl_ca": ca_bundle, "ssl_verify_identity": "1"})
    return f"mysql://{user}:{password}@{credentials.host}:{credentials.port}/{quote(credentials.dbname, safe='')}?{tls}"


def apply_migrations(credentials: DatabaseCredentials, ca_bundle: str) -> list[str]:
    """The ids of the migrations applied now (empty when the schema was up to date)."""
    with warnings.catch_warnings():
        # yoyo still passes PyMySQL's old keyword names ('db', 'passwd').
        warnings.simplefilter("ignore", DeprecationWarning)
        backend = get_backend(backend_uri(credentials, ca_bundle))
        migrations = read_migrations(str(MIGRATIONS))
        with backend.lock():
            pending = backend.to_apply(migrations)
            backend.apply_migrations(pending)
    return [migration.id for migration in pending]


def migrate(settings: Settings) -> list[str]:
    credentials = asyncio.run(read_credentials(settings))
    applied = apply_migrations(credentials, settings.db_ca_bundle)
    log("migrations_applied", applied=applied, host=credentials.host, dbname=credentials.dbname)
    return applied
