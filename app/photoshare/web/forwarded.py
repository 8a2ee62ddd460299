"""Which forwarded headers the app believes: those the load balancer sets, never X-Forwarded-Host.

The ALB appends the client's address to X-Forwarded-For and sets
X-Forwarded-Proto, but passes a client's X-Forwarded-Host through untouched
and keeps Host as the client sent it. hypercorn's ProxyFixMiddleware (legacy
mode) would take X-Forwarded-Host as the host, so any client could choose the
host of the absolute URLs the app makes (a share link pointing elsewhere).
"""

from __future__ import annotations

from collections.abc import Callable

from hypercorn.middleware import ProxyFixMiddleware
from hypercorn.typing import ASGIFramework, Scope

UNTRUSTED = b"x-forwarded-host"


class LoadBalancerProxyFix:
    """ProxyFixMiddleware for `hops` trusted proxies, with X-Forwarded-Host dropped first."""

    def __init__(self, app: ASGIFramework, *, hops: int) -> None:
        self._app = ProxyFixMiddleware(app, mode="legacy", trusted_hops=hops)

    async def __call__(self, scope: Scope, receive: Callable, send: Callable) -> None:
        if scope["type"] in ("http", "websocket"):
            headers = scope["headers"]
            if any(name.lower() == UNTRUSTED for name, _ in headers):
                scope = {**scope, "headers": [(name, value) for name, value in headers if name.lower() != UNTRUSTED]}
        await self._app(scope, receive, send)
