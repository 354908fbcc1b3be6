"""MenuCache: when a snapshot is reused, dropped, or not kept."""

from __future__ import annotations

import asyncio

from tests.unit.fakes import FakeMenu, pizza
from usersnack.menu.cache import MAX_CACHED_RESPONSES, UNWATCHED_TTL_SECONDS, MenuCache
from usersnack.menu.snapshot import RenderedBody


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_watched_snapshot_lives_until_invalidated():
    menu, clock = FakeMenu(), FakeClock()
    menu.add(pizza())
    cache = MenuCache(menu.load_menu_snapshot, clock=clock)
    cache.watched = True

    first = await cache.snapshot()
    clock.now += 3600
    assert await cache.snapshot() is first

    cache.invalidate()
    assert await cache.snapshot() is not first
    assert menu.loads == 2


async def test_unwatched_snapshot_expires_after_a_second():
    menu, clock = FakeMenu(), FakeClock()
    cache = MenuCache(menu.load_menu_snapshot, clock=clock)

    first = await cache.snapshot()
    clock.now += UNWATCHED_TTL_SECONDS / 2
    assert await cache.snapshot() is first
    clock.now += UNWATCHED_TTL_SECONDS
    assert await cache.snapshot() is not first


async def test_a_change_during_a_load_is_not_lost():
    menu = FakeMenu()
    loading = asyncio.Event()
    release = asyncio.Event()

    async def slow_load():  # noqa: ANN202
        data = await menu.load_menu_snapshot()
        loading.set()
        await release.wait()
        return data

    cache = MenuCache(slow_load)
    cache.watched = True
    pending = asyncio.create_task(cache.snapshot())
    await loading.wait()
    cache.invalidate()  # the menu changed while the old version was being read
    release.set()
    await pending

    menu.add(pizza(name="New"))
    fresh = await cache.snapshot()
    assert [p.name for p in fresh.pizzas] == ["New"]


async def test_cold_burst_loads_once():
    menu = FakeMenu()
    cache = MenuCache(menu.load_menu_snapshot)
    cache.watched = True
    await asyncio.gather(*(cache.snapshot() for _ in range(20)))
    assert menu.loads == 1


async def test_remembered_responses_follow_the_generation_and_stay_bounded():
    menu = FakeMenu()
    cache = MenuCache(menu.load_menu_snapshot)
    cache.watched = True
    snapshot = await cache.snapshot()
    rendered = RenderedBody.of(b"{}", snapshot.generation)

    cache.remember_response(("/v1/pizzas", b""), rendered, snapshot.generation)
    assert cache.cached_response(("/v1/pizzas", b"")) == rendered
    cache.remember_response(("/stale", b""), rendered, snapshot.generation - 1)
    assert cache.cached_response(("/stale", b"")) is None

    for index in range(MAX_CACHED_RESPONSES + 5):
        cache.remember_response(("/v1/pizzas", str(index).encode()), rendered, snapshot.generation)
    assert len(cache._responses) <= MAX_CACHED_RESPONSES

    cache.invalidate()
    assert cache.cached_response(("/v1/pizzas", b"")) is None


async def test_a_failed_load_fails_every_waiter_at_once_and_the_next_request_retries():
    """During an outage a burst of requests shares one failing load instead of queueing
    behind each other's attempts; once the database is back the next request loads again."""
    menu = FakeMenu()
    attempts = 0
    release = asyncio.Event()

    async def flaky_load():  # noqa: ANN202
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            await release.wait()
            raise ConnectionRefusedError("database down")
        return await menu.load_menu_snapshot()

    cache = MenuCache(flaky_load)
    cache.watched = True
    waiters = [asyncio.create_task(cache.snapshot()) for _ in range(10)]
    await asyncio.sleep(0)
    release.set()
    results = await asyncio.gather(*waiters, return_exceptions=True)
    assert all(isinstance(result, ConnectionRefusedError) for result in results)
    assert attempts == 1

    assert (await cache.snapshot()).pizzas == ()
    assert attempts == 2


async def test_a_waiter_that_gives_up_does_not_cancel_the_load_for_the_others():
    menu = FakeMenu()
    release = asyncio.Event()

    async def slow_load():  # noqa: ANN202
        await release.wait()
        return await menu.load_menu_snapshot()

    cache = MenuCache(slow_load)
    cache.watched = True
    impatient = asyncio.create_task(cache.snapshot())
    patient = asyncio.create_task(cache.snapshot())
    await asyncio.sleep(0)
    impatient.cancel()
    release.set()
    assert (await patient).pizzas == ()
    assert menu.loads == 1
