"""GET /metrics: the Prometheus text format, only for the allowed networks or the metrics token.

The client's address is hypercorn's peer, or, with PHOTOSHARE_PROXY_HOPS,
the one the trusted proxies saw, so a client behind the ALB cannot pass as
local. The token is compared by its SHA-256, the only form the settings hold.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
from functools import cache

from quart import Blueprint, Response, request
from quart_schema import hide

from photoshare.errors import MetricsForbiddenError
from photoshare.metrics.registry import exposition
from photoshare.runtime import runtime
from photoshare.settings import Settings

blueprint = Blueprint("metrics", __name__)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


@cache
def allowed_networks(networks: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(network, strict=False) for network in networks)


def may_scrape(settings: Settings, client: str, authorization: str | None) -> bool:
    if settings.metrics_token_sha256 and authorization and authorization.startswith("Bearer "):
        given = hashlib.sha256(authorization.removeprefix("Bearer ").strip().encode()).hexdigest()
        if hmac.compare_digest(given, settings.metrics_token_sha256):
            return True
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in allowed_networks(settings.metrics_allowed_networks))


@blueprint.get("/metrics")
@hide
async def metrics():
    if not may_scrape(runtime().settings, request.remote_addr or "", request.headers.get("Authorization")):
        raise MetricsForbiddenError()
    return Response(exposition(), content_type=CONTENT_TYPE)
