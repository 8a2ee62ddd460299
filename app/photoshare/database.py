"""The asyncmy connection pool, built from credentials that Secrets Manager holds.

The credentials are read at start-up. When MySQL refuses them (error 1045,
as after a rotation), they are read again and the pool is rebuilt, so a
rotated password needs no restart. When the database cannot be reached,
callers get DatabaseUnavailableError (a 503) and the next request tries again, so
the app recovers by itself once the database is back.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import asyncmy
from asyncmy.cursors import DictCursor
from asyncmy.errors import Error as MySQLError
from asyncmy.errors import IntegrityError, InterfaceError, OperationalError

from photoshare.errors import AppError, DatabaseTLSError, DatabaseUnavailableError, SecretsUnavailableError
from photoshare.logs import log
from photoshare.metrics import registry as metrics
from photoshare.settings import Secret

ACCESS_DENIED = 1045
# Connection-level failures: the server is gone, unreachable or overloaded.
CONNECTION_ERRORS = frozenset({1040, 1053, 2002, 2003, 2005, 2006, 2013, 2014, 2055})
POOL_RECYCLE_SECONDS = 1800


@dataclass(frozen=True)
class DatabaseCredentials:
    username: str
    password: Secret
    host: str
    port: int
    dbname: str

    @classmethod
    def from_secret_string(cls, secret_id: str, raw: str) -> DatabaseCredentials:
        try:
            value = json.loads(raw)
            return cls(
                username=str(value["username"]),
                password=Secret(str(value["password"])),
                host=str(value["host"]),
                port=int(value.get("port", 3306)),
                dbname=str(value["dbname"]),
            )
        except (ValueError, TypeError, KeyError) as err:
            # The message names the problem, never the secret's content.
            raise SecretsUnavailableError(
                f"the secret {secret_id} is not JSON with username, password, host, port and dbname"
                f" ({type(err).__name__})"
            ) from None

    @classmethod
    def from_url(cls, url: Secret) -> DatabaseCredentials:
        parts = urlsplit(url.reveal())
        return cls(
            username=unquote(parts.username or ""),
            password=Secret(unquote(parts.password or "")),
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 3306,
            dbname=parts.path.lstrip("/"),
        )


CredentialsSource = Callable[[], Awaitable[DatabaseCredentials]]


def is_connection_error(err: BaseException) -> bool:
    if isinstance(err, OperationalError | InterfaceError):
        return not err.args or err.args[0] in CONNECTION_ERRORS or err.args[0] == 0
    return isinstance(err, OSError | asyncio.TimeoutError | ConnectionError)


def tls_context(ca_bundle: str) -> ssl.SSLContext:
    """TLS that verifies the server's certificate and host name: RDS requires TLS
    (require_secure_transport=1) and the client must know it talks to the real server."""
    return ssl.create_default_context(cafile=ca_bundle)


def tls_failure(err: BaseException) -> ssl.SSLCertVerificationError | None:
    """The certificate check that failed behind err, if a failed one is why it was raised."""
    seen: BaseException | None = err
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


class Database:
    def __init__(self, *, credentials: CredentialsSource, tls: ssl.SSLContext, pool_size: int, timeout: float) -> None:
        self._read_credentials = credentials
        self._tls = tls
        self._pool_size = pool_size
        self._timeout = timeout
        self._credentials: DatabaseCredentials | None = None
        self._pool: asyncmy.Pool | None = None
        self._lock = asyncio.Lock()

    async def start(self) -> None:
        """Open the pool now if the database answers; otherwise the first request tries again."""
        try:
            await self._ensure_pool()
        except (DatabaseUnavailableError, SecretsUnavailableError) as err:
            log("database_not_ready_at_startup", level=logging.WARNING, reason=err.message)

    async def close(self) -> None:
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.close()
            await pool.wait_closed()

    @asynccontextmanager
    async def cursor(self) -> AsyncIterator[DictCursor]:
        """A cursor in autocommit mode: each statement stands alone."""
        async with self._connection() as conn, conn.cursor(DictCursor) as cur:
            yield cur

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[DictCursor]:
        """A cursor inside one transaction, committed on success and rolled back on any error."""
        async with self._connection() as conn:
            await conn.begin()
            try:
                async with conn.cursor(DictCursor) as cur:
                    yield cur
                await conn.commit()
            except BaseException:
                # The connection is closed by _connection(); the first error is what matters.
                with contextlib.suppress(Exception):
                    await conn.rollback()
                raise

    async def ping(self) -> None:
        async with self.cursor() as cur:
            await cur.execute("SELECT 1")
            await cur.fetchone()

    @asynccontextmanager
    async def _connection(self) -> AsyncIterator[asyncmy.Connection]:
        pool = await self._ensure_pool()
        try:
            conn = await pool.acquire()
        except MySQLError as err:
            if err.args and err.args[0] == ACCESS_DENIED:
                pool = await self._rebuild_after_access_denied(pool)
                conn = await self._acquire_or_unavailable(pool)
            else:
                raise self._unavailable(err) from None
        except (TimeoutError, OSError) as err:
            raise self._unavailable(err) from None
        metrics.DB_CONNECTIONS_IN_USE.inc()
        metrics.DB_CONNECTIONS_OPEN.set(pool.size)
        try:
            yield conn
        except BaseException as err:
            if isinstance(err, IntegrityError | AppError):
                raise  # the statement or the caller refused; the connection itself is fine
            # Never hand a connection in an unknown state back to the pool.
            conn.close()
            if is_connection_error(err):
                raise self._unavailable(err) from None
            raise
        finally:
            pool.release(conn)
            metrics.DB_CONNECTIONS_IN_USE.dec()

    async def _acquire_or_unavailable(self, pool: asyncmy.Pool) -> asyncmy.Connection:
        try:
            return await pool.acquire()
        except (TimeoutError, MySQLError, OSError) as err:
            raise self._unavailable(err) from None

    async def _ensure_pool(self) -> asyncmy.Pool:
        pool = self._pool
        if pool is not None:
            return pool
        async with self._lock:
            if self._pool is None:
                if self._credentials is None:
                    self._credentials = await self._read_credentials()
                try:
                    self._pool = await self._open_pool(self._credentials)
                except MySQLError as err:
                    if not (err.args and err.args[0] == ACCESS_DENIED):
                        raise self._unavailable(err) from None
                    self._credentials = await self._read_credentials()
                    log("database_credentials_reread", reason="the database refused the credentials (1045)")
                    try:
                        self._pool = await self._open_pool(self._credentials)
                    except (TimeoutError, MySQLError, OSError) as retry_err:
                        raise self._unavailable(retry_err) from None
                except (TimeoutError, OSError) as err:
                    raise self._unavailable(err) from None
                metrics.DB_CONNECTIONS_MAX.set(self._pool_size)
                log("database_pool_opened", host=self._credentials.host, dbname=self._credentials.dbname)
            return self._pool

    async def _rebuild_after_access_denied(self, stale: asyncmy.Pool) -> asyncmy.Pool:
        """The password changed under the running pool: read the secret again and start a new pool."""
        async with self._lock:
            if self._pool is stale:
                self._pool = None
                stale.close()
                self._credentials = await self._read_credentials()
                log("database_credentials_reread", reason="the database refused the credentials (1045)")
        return await self._ensure_pool()

    async def _open_pool(self, credentials: DatabaseCredentials) -> asyncmy.Pool:
        return await asyncmy.create_pool(
            minsize=1,
            maxsize=self._pool_size,
            pool_recycle=POOL_RECYCLE_SECONDS,
            host=credentials.host,
            port=credentials.port,
            user=credentials.username,
            password=credentials.password.reveal(),
            db=credentials.dbname,
            charset="utf8mb4",
            ssl=self._tls,
            autocommit=True,
            connect_timeout=max(1, int(self._timeout)),
            read_timeout=self._timeout,
            init_command="SET time_zone = '+00:00'",
        )

    @staticmethod
    def _unavailable(err: BaseException) -> DatabaseUnavailableError:
        log("database_unavailable", level=logging.WARNING, error=f"{type(err).__name__}: {err}")
        failure = tls_failure(err)
        if failure is not None:
            return DatabaseTLSError(failure.verify_message or str(failure))
        return DatabaseUnavailableError()
