"""The janitor: finishes what an interrupted request left behind, in every worker, every few minutes.

- uploads stuck in 'uploading' (the process died, or S3 or the database
  failed during the clean-up): abort the multipart upload, delete the
  objects, delete the row;
- photos in 'deleting' whose objects could not be removed yet;
- expired sessions and old login-failure windows.

Every step is idempotent, so two workers sweeping the same row do no harm.
"""

from __future__ import annotations

import asyncio
import logging
import random

from photoshare.accounts import queries as accounts_queries
from photoshare.errors import ServiceUnavailableError
from photoshare.logs import log
from photoshare.photos import queries as photos_queries
from photoshare.photos.service import remove_photo
from photoshare.runtime import Runtime

BATCH = 100


async def sweep_once(rt: Runtime) -> int:
    """One pass; the number of photos finished."""
    settings = rt.settings
    async with rt.db.cursor() as cur:
        rows = await photos_queries.photos_to_sweep(cur, stale_seconds=settings.stale_upload_age, limit=BATCH)
        await accounts_queries.delete_expired_sessions(
            cur, idle_seconds=settings.session_idle_timeout, absolute_seconds=settings.session_absolute_timeout
        )
        await accounts_queries.delete_old_failures(cur, window_seconds=settings.login_throttle_window)
    finished = 0
    for row in rows:
        if row["multipart_upload_id"] and not await rt.storage.abort_multipart(
            row["object_key"], row["multipart_upload_id"]
        ):
            continue
        await remove_photo(
            db=rt.db, storage=rt.storage, photo_id=row["id"], owner_id=row["owner_id"], public_id=row["public_id"]
        )
        finished += 1
    if rows:
        log("janitor_swept", photos=finished, found=len(rows))
    return finished


async def run_forever(rt: Runtime) -> None:
    while True:
        # Jitter keeps the workers from sweeping in lockstep.
        await asyncio.sleep(rt.settings.sweep_interval * random.uniform(0.8, 1.2))  # noqa: S311 - not security
        try:
            await sweep_once(rt)
        except ServiceUnavailableError as err:
            log("janitor_postponed", level=logging.WARNING, reason=err.message)
        except Exception:
            logging.getLogger("photoshare").exception("janitor_failed")
