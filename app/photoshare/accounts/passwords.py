"""argon2id password hashes with OWASP's parameters (m=19 MiB, t=2, p=1), computed off the event loop.

A bounded thread pool runs them, so a burst of log-ins cannot take more than
threads x 19 MiB or starve the loop. Unknown usernames are checked against a
dummy hash so that the time taken does not tell which accounts exist.
"""

from __future__ import annotations

import asyncio
import secrets
from concurrent.futures import ThreadPoolExecutor

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError

HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1, hash_len=32, salt_len=16, type=Type.ID)


class Passwords:
    def __init__(self, threads: int) -> None:
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="argon2")
        self._dummy_hash: str | None = None

    async def hash(self, password: str) -> str:
        return await asyncio.get_running_loop().run_in_executor(self._executor, HASHER.hash, password)

    async def verify(self, stored_hash: str | None, password: str) -> tuple[bool, str | None]:
        """(matches, new hash if the stored one uses outdated parameters)."""
        if stored_hash is None:
            if self._dummy_hash is None:
                self._dummy_hash = await self.hash(secrets.token_urlsafe(16))
            await asyncio.get_running_loop().run_in_executor(self._executor, check, self._dummy_hash, password)
            return False, None
        return await asyncio.get_running_loop().run_in_executor(self._executor, check_and_rehash, stored_hash, password)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)


def check(stored_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def check_and_rehash(stored_hash: str, password: str) -> tuple[bool, str | None]:
    if not check(stored_hash, password):
        return False, None
    return True, HASHER.hash(password) if HASHER.check_needs_rehash(stored_hash) else None
