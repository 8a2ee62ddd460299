"""ASGI middleware around the whole app: a request id for every request, one access-log line, and the
request's count and latency for /metrics (by route template, so the labels stay few).

The request id is the client's X-Request-ID when it looks like one (the ALB
or a proxy may set it), else a new one; it goes into every log line of the
request and back in the response. The access log is written here, once per
request, so it costs one small JSON line and sees every status, including
those Quart answers itself.
"""

from __future__ import annotations

import contextvars
import re
import time
import uuid
from typing import Any

from quart import request

from photoshare.logs import loggable_path, logger, request_id
from photoshare.metrics.registry import observe_request

# The route template the request matched, filled in by record_route() (Quart runs the view in a
# task that copies this context, so the task writes into the list the middleware made).
matched_route: contextvars.ContextVar[list[str]] = contextvars.ContextVar("matched_route")
UNMATCHED = "unmatched"
# Any token is a method to HTTP; only these become label values, so a client cannot add series.
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


async def record_route() -> None:
    """before_request (app-wide, so first): the URL rule's template, e.g. /photos/<public_id>."""
    holder = matched_route.get(None)
    if holder is not None and request.url_rule is not None:
        holder.append(request.url_rule.rule)


REQUEST_ID_HEADER = b"x-request-id"
VALID_REQUEST_ID = re.compile(rb"[A-Za-z0-9._:-]{8,128}")


class RequestContextMiddleware:
    def __init__(self, app: Any, *, access_log: bool) -> None:
        self.app = app
        self.access_log = access_log

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = next((value for name, value in scope["headers"] if name == REQUEST_ID_HEADER), b"")
        rid = given.decode() if VALID_REQUEST_ID.fullmatch(given) else uuid.uuid4().hex
        token = request_id.set(rid)
        route: list[str] = []
        route_token = matched_route.set(route)
        started = time.perf_counter()
        status = 0
        size = 0

        async def send_with_id(message: dict) -> None:
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (REQUEST_ID_HEADER, rid.encode())]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            method = scope["method"] if scope["method"] in KNOWN_METHODS else "other"
            observe_request(route=route[0] if route else UNMATCHED, method=method, status=status, seconds=elapsed)
            matched_route.reset(route_token)
            if self.access_log:
                logger.info(
                    "request",
                    extra={
                        "method": scope["method"],
                        "path": loggable_path(scope["path"]),
                        "status": status,
                        "bytes": size,
                        "duration_ms": round(elapsed * 1000, 2),
                        "client": (scope.get("client") or ("", 0))[0],
                    },
                )
            request_id.reset(token)
