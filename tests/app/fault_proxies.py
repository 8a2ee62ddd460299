"""Proxies the tests control, between the app and MariaDB or S3, to cut or break them.

The shared MariaDB and moto serve every engineer on the machine, so fault
tests never stop them: they cut a proxy instead. Each proxy runs its own
event loop in a thread, so it keeps working while a test blocks.
"""

from __future__ import annotations

import asyncio
import ssl
import threading
from collections.abc import Callable

from aiohttp import ClientSession, TCPConnector, web
from yarl import URL

S3_ERROR = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b"<Error><Code>InternalError</Code><Message>injected by the test's fault proxy</Message></Error>"
)
HOP_BY_HOP = frozenset({"host", "content-length", "transfer-encoding", "connection", "content-encoding"})
# A request goes on with the Host and Content-Encoding it was signed with, or the emulator,
# which checks signatures as AWS does, refuses it.
REQUEST_HOP_BY_HOP = frozenset({"content-length", "transfer-encoding", "connection"})


class LoopThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()

    def run(self, coroutine, timeout: float = 30):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def call(self, function: Callable[[], None]) -> None:
        async def wrapper() -> None:
            function()

        self.run(wrapper())

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)


class TcpProxy:
    """Bytes both ways between 127.0.0.1:<port> and the target; cut() drops and refuses connections."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.refusing = False
        self.connections: set[asyncio.StreamWriter] = set()
        self._thread = LoopThread()
        self._server = self._thread.run(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.refusing:
            writer.close()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self.connections.update((writer, upstream_writer))
        await asyncio.gather(self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer))

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self.connections.discard(writer)
            writer.close()

    def cut(self) -> None:
        """As if the database stopped: live connections drop, new ones are closed at once."""
        self.refusing = True
        self.drop_connections()

    def restore(self) -> None:
        self.refusing = False

    def drop_connections(self) -> None:
        def close_all() -> None:
            for writer in list(self.connections):
                writer.transport.abort()
            self.connections.clear()

        self._thread.call(close_all)

    def close(self) -> None:
        self.cut()
        self._server.close()
        self._thread.stop()


def s3_operation(request: web.Request) -> str:
    """The S3 operation of a request (Secrets Manager's JSON calls are 'other')."""
    query = request.query
    if "X-Amz-Target" in request.headers:
        return "other"
    path_parts = [part for part in request.path.split("/") if part]
    if request.method == "PUT":
        return "UploadPart" if "partNumber" in query else "PutObject"
    if request.method == "POST":
        if "uploads" in query:
            return "CreateMultipartUpload"
        if "uploadId" in query:
            return "CompleteMultipartUpload"
        if "delete" in query:
            return "DeleteObjects"
    if request.method == "DELETE":
        return "AbortMultipartUpload" if "uploadId" in query else "DeleteObject"
    if request.method == "HEAD":
        return "HeadBucket" if len(path_parts) == 1 else "HeadObject"
    if request.method == "GET":
        return "ListObjectsV2" if len(path_parts) == 1 else "GetObject"
    return "other"


class S3FaultProxy:
    """An HTTP proxy to the emulator that answers chosen S3 operations with 500 InternalError."""

    def __init__(self, target_url: str, ca_file: str) -> None:
        self.target_url = target_url.rstrip("/")
        self._tls = ssl.create_default_context(cafile=ca_file)  # the emulator's certificate is the local CA's
        self.failing: dict[str, int] = {}  # operation -> how many more to let through first
        self.hooks: dict[str, Callable[[], None]] = {}
        self.seen: list[str] = []
        self._thread = LoopThread()
        self.port = self._thread.run(self._start())

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def _start(self) -> int:
        self._session = ClientSession(auto_decompress=False, connector=TCPConnector(ssl=self._tls))
        app = web.Application(client_max_size=1024**3)
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        return site._server.sockets[0].getsockname()[1]

    def fail(self, *operations: str, after: int = 0) -> None:
        """Fail these operations (every retry too), after letting `after` of them through."""
        for operation in operations:
            self.failing[operation] = after

    def before(self, operation: str, hook: Callable[[], None]) -> None:
        """Run hook (once) when the operation arrives, before forwarding it."""
        self.hooks[operation] = hook

    def heal(self) -> None:
        self.failing.clear()
        self.hooks.clear()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        operation = s3_operation(request)
        self.seen.append(operation)
        body = await request.read()
        hook = self.hooks.pop(operation, None)
        if hook is not None:
            await asyncio.get_running_loop().run_in_executor(None, hook)
        if operation in self.failing or ("all" in self.failing and operation != "other"):
            name = operation if operation in self.failing else "all"
            if self.failing[name] > 0:
                self.failing[name] -= 1
            else:
                return web.Response(status=500, body=S3_ERROR, content_type="application/xml")
        headers = {name: value for name, value in request.headers.items() if name.lower() not in REQUEST_HOP_BY_HOP}
        async with self._session.request(
            # The path and query exactly as they were signed.
            request.method,
            URL(self.target_url + request.raw_path, encoded=True),
            headers=headers,
            data=body,
        ) as upstream:
            payload = await upstream.read()
            reply_headers = {k: v for k, v in upstream.headers.items() if k.lower() not in HOP_BY_HOP}
            return web.Response(status=upstream.status, headers=reply_headers, body=payload)

    def close(self) -> None:
        async def shutdown() -> None:
            await self._runner.cleanup()
            await self._session.close()

        self._thread.run(shutdown())
        self._thread.stop()
