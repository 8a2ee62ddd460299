"""Request bodies read from the server only as fast as the view consumes them.

Quart's ASGI handler reads every body message as soon as the server has it
and appends it to request.body, so a view slower than the network (an upload
waiting on S3) lets the body pile up in memory. For the routes named here the
middleware gives Quart an empty body instead and leaves the real receive()
channel in the scope; the view pulls one message at a time, and hypercorn,
whose queue to the app is bounded, stops reading the socket meanwhile.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Collection
from typing import Any

from photoshare.errors import UploadTimeoutError

SCOPE_KEY = "photoshare.body_stream"


class ClientDisconnectedError(Exception):
    """The client went away before the body was complete."""


class BodyStream:
    def __init__(self, receive: Any) -> None:
        self._receive = receive
        self.complete = False
        self.received_bytes = 0

    async def chunks(self, *, idle_timeout: float) -> AsyncIterator[bytes]:
        while not self.complete:
            try:
                message = await asyncio.wait_for(self._receive(), idle_timeout)
            except TimeoutError:
                raise UploadTimeoutError(
                    f"The upload stalled: no data arrived for {idle_timeout:g} seconds. Try again."
                ) from None
            if message["type"] == "http.disconnect":
                raise ClientDisconnectedError()
            self.complete = not message.get("more_body", False)
            body = message.get("body", b"")
            if body:
                self.received_bytes += len(body)
                yield body


class EmptyBodyReceive:
    """What Quart reads on a streamed route: an empty body, then nothing until the request ends.

    It never reports the disconnect: that would make Quart cancel the view in
    the middle of its clean-up. The view learns of it from its BodyStream.
    """

    def __init__(self) -> None:
        self._sent = False

    async def __call__(self) -> dict:
        if not self._sent:
            self._sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await asyncio.Event().wait()  # cancelled by Quart when the response is done
        raise AssertionError("unreachable")


class StreamedBodyMiddleware:
    def __init__(self, app: Any, routes: Collection[tuple[str, str]]) -> None:
        self.app = app
        self.routes = frozenset(routes)

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and (scope["method"], scope["path"]) in self.routes:
            scope = {**scope, SCOPE_KEY: BodyStream(receive)}
            receive = EmptyBodyReceive()
        await self.app(scope, receive, send)
