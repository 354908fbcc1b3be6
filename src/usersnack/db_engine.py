"""The Tortoise engine the app uses: Tortoise's asyncpg client with a bounded wait for a connection.

Tortoise takes pooled connections with `pool.acquire()` and no timeout. When every connection is
busy (a burst larger than the pool) or hanging (the database stopped answering), requests would
queue for as long as that lasts. Here each acquire gives up after DB_POOL_ACQUIRE_TIMEOUT; the
TimeoutError becomes a 503 with Retry-After (errors.py), and the client can come back later.
Acquiring includes reconnecting a pooled connection the database dropped, so during an outage
the wait is bounded too. Settings.tortoise_config() names this module as the engine.
"""

from __future__ import annotations

import asyncio
from typing import Any

import asyncpg
from tortoise.backends.asyncpg import AsyncpgDBClient


class _BoundedAcquirePool:
    """An asyncpg pool whose `acquire()` has a default timeout; everything else is the pool's."""

    def __init__(self, pool: asyncpg.Pool, acquire_timeout: float | None) -> None:
        self._pool = pool
        self._acquire_timeout = acquire_timeout

    def acquire(self, *, timeout: float | None = None) -> Any:
        limit = self._acquire_timeout if timeout is None else timeout
        if limit is None:
            return self._pool.acquire()
        return self._acquire_within(limit)

    async def _acquire_within(self, seconds: float) -> Any:
        # asyncio.timeout rather than asyncpg's own timeout, which runs every acquire in a task
        # of its own (asyncio.wait_for): a measurable cost on each request. A cancelled
        # acquire gives its place back to the pool (asyncpg handles the cancellation).
        async with asyncio.timeout(seconds):
            return await self._pool.acquire()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._pool, name)


class BoundedAsyncpgDBClient(AsyncpgDBClient):
    def __init__(self, *, acquire_timeout: float | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.acquire_timeout = acquire_timeout

    async def create_pool(self, **kwargs: Any) -> Any:
        pool = await super().create_pool(**kwargs)
        return _BoundedAcquirePool(pool, self.acquire_timeout)


# What Tortoise looks up in an engine module.
client_class = BoundedAsyncpgDBClient
