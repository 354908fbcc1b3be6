"""This process's copy of the menu, and how it learns that the menu changed.

Every write to a menu table fires a PostgreSQL trigger that NOTIFYs `usersnack_menu_changed`
(see the migrations). Each app process LISTENs on that channel and drops its snapshot when a
notification arrives, so a change made anywhere (admin API, fixture loader, psql) reaches every
process within milliseconds. While the listening connection is down the snapshot is only
trusted for UNWATCHED_TTL_SECONDS, which bounds staleness to about a second in the worst case.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from usersnack.menu.snapshot import MenuSnapshot, RenderedBody

logger = logging.getLogger("usersnack.menu.cache")

UNWATCHED_TTL_SECONDS = 1.0
MAX_CACHED_RESPONSES = 4096
RECONNECT_DELAYS_SECONDS = (0.2, 0.5, 1.0, 2.0)
FEED_CHECK_INTERVAL_SECONDS = 5.0

SnapshotLoader = Callable[[], Awaitable[dict[str, Any]]]
ResponseKey = tuple[str, bytes]


class MenuCache:
    def __init__(
        self,
        load: SnapshotLoader,
        *,
        media_url: str = "/media/",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._load = load
        self._media_url = media_url
        self._clock = clock
        self._snapshot: MenuSnapshot | None = None
        self._loaded_at = 0.0
        self._loading: tuple[int, asyncio.Future[MenuSnapshot]] | None = None
        self._responses: dict[ResponseKey, RenderedBody] = {}
        self.generation = 0
        # True while a change feed is connected, so notifications are known to arrive.
        self.watched = False

    def invalidate(self) -> None:
        self.generation += 1
        self._snapshot = None
        self._responses = {}

    def _fresh(self) -> MenuSnapshot | None:
        snapshot = self._snapshot
        if snapshot is None:
            return None
        if not self.watched and self._clock() - self._loaded_at > UNWATCHED_TTL_SECONDS:
            self.invalidate()
            return None
        return snapshot

    async def snapshot(self) -> MenuSnapshot:
        """The current menu; loads it (one SQL statement) when there is none."""
        snapshot = self._fresh()
        if snapshot is not None:
            return snapshot
        # One load serves a whole burst of cold requests, and when it fails (the database is
        # down) it fails them all at once: nobody queues behind somebody else's doomed attempt,
        # so a request waits for one load at most. A load begun before the latest change is
        # not joined: its result may predate the change.
        if self._loading is None or self._loading[0] != self.generation:
            task = asyncio.ensure_future(self._load_snapshot(self.generation))
            task.add_done_callback(self._load_finished)
            self._loading = (self.generation, task)
        # Shielded: a request that gives up (its client left) must not cancel the others' load.
        return await asyncio.shield(self._loading[1])

    async def _load_snapshot(self, generation: int) -> MenuSnapshot:
        started = self._clock()
        snapshot = MenuSnapshot(
            await self._load(), media_url=self._media_url, generation=generation
        )
        # A change that arrived while loading makes this copy suspect: use it for the requests
        # waiting on it, but do not keep it.
        if generation == self.generation:
            self._snapshot = snapshot
            self._loaded_at = started
        return snapshot

    def _load_finished(self, task: asyncio.Future[MenuSnapshot]) -> None:
        if self._loading is not None and self._loading[1] is task:
            self._loading = None
        if not task.cancelled():
            # Marks a failure as seen even when every waiter has gone, so asyncio does not log
            # it as lost; the waiters that remain get it raised.
            task.exception()

    def cached_response(self, key: ResponseKey) -> RenderedBody | None:
        if self._fresh() is None:
            return None
        return self._responses.get(key)

    def remember_response(self, key: ResponseKey, rendered: RenderedBody, generation: int) -> None:
        if generation != self.generation or self._fresh() is None:
            return
        if len(self._responses) >= MAX_CACHED_RESPONSES:
            # Bounded memory whatever queries clients invent; the hot keys come back at once.
            self._responses = {}
        self._responses[key] = rendered


class ChangeFeed(Protocol):
    async def open(self, on_change: Callable[[], None]) -> None: ...

    async def wait_closed(self, check_interval: float) -> None: ...

    async def close(self) -> None: ...


class MenuChangeWatcher:
    """Keeps one change feed connected for the process's lifetime, reconnecting as needed."""

    def __init__(self, cache: MenuCache, feed_factory: Callable[[], ChangeFeed]) -> None:
        self._cache = cache
        self._feed_factory = feed_factory
        self._task: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="menu-watcher")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
            self._task = None
        self._cache.watched = False

    async def _run(self) -> None:
        failures = 0
        while True:
            feed = self._feed_factory()
            try:
                await feed.open(self._cache.invalidate)
            except Exception as error:  # noqa: BLE001 - any failure: retry later
                delay = RECONNECT_DELAYS_SECONDS[min(failures, len(RECONNECT_DELAYS_SECONDS) - 1)]
                failures += 1
                if failures == 1:
                    logger.warning("menu change feed unavailable (%r); retrying", error)
                await asyncio.sleep(delay)
                continue
            failures = 0
            # Changes may have happened while nobody was listening.
            self._cache.invalidate()
            self._cache.watched = True
            self.connected.set()
            try:
                await feed.wait_closed(FEED_CHECK_INTERVAL_SECONDS)
            finally:
                self._cache.watched = False
                self.connected.clear()
                await feed.close()
            logger.warning("menu change feed lost; reconnecting")
