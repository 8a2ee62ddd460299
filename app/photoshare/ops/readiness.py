"""Readiness: the database and S3 each answer within a few seconds, or the app is not ready."""

from __future__ import annotations

import asyncio

from photoshare.errors import ServiceUnavailableError
from photoshare.runtime import Runtime

CHECK_TIMEOUT_SECONDS = 3


async def check(name: str, probe) -> tuple[str, str]:
    try:
        await asyncio.wait_for(probe(), CHECK_TIMEOUT_SECONDS)
    except ServiceUnavailableError as err:
        return name, err.reason or err.message
    except TimeoutError:
        return name, f"no answer within {CHECK_TIMEOUT_SECONDS} s"
    return name, "ok"


async def readiness(rt: Runtime) -> dict[str, str]:
    """{"database": "ok" or what failed, "storage": ...}."""
    results = await asyncio.gather(check("database", rt.db.ping), check("storage", rt.storage.check))
    return dict(results)
