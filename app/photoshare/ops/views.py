"""GET /healthz (liveness, no dependencies) and GET /readyz (the database and S3 answer)."""

from __future__ import annotations

from quart import Blueprint
from quart_schema import hide

from photoshare.ops.readiness import readiness
from photoshare.runtime import runtime

blueprint = Blueprint("ops", __name__)


@blueprint.get("/healthz")
@hide
async def healthz():
    return {"status": "ok"}


@blueprint.get("/readyz")
@hide
async def readyz():
    checks = await readiness(runtime())
    failing = [name for name, result in checks.items() if result != "ok"]
    if failing:
        return {"status": "not ready", "failing": failing, "checks": checks}, 503, {"Retry-After": "10"}
    return {"status": "ready", "checks": checks}
