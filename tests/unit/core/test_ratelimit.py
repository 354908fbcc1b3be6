"""OrderRateLimiter on in-memory storage: budgets per address, Retry-After, storage trouble."""

from __future__ import annotations

import pytest
from limits import parse_many
from limits.aio.storage import MemoryStorage

from usersnack.errors import TooManyRequestsError
from usersnack.ratelimit import OrderRateLimiter
from usersnack.settings import Settings


async def test_over_the_limit_is_refused_with_retry_after():
    limiter = OrderRateLimiter(parse_many("3/minute"), MemoryStorage())
    for _ in range(3):
        await limiter.check("203.0.113.7")
    with pytest.raises(TooManyRequestsError) as refused:
        await limiter.check("203.0.113.7")
    assert refused.value.status_code == 429
    assert 1 <= int(refused.value.headers["Retry-After"]) <= 60


async def test_each_address_has_its_own_budget():
    limiter = OrderRateLimiter(parse_many("1/minute"), MemoryStorage())
    await limiter.check("203.0.113.7")
    await limiter.check("198.51.100.2")
    with pytest.raises(TooManyRequestsError):
        await limiter.check("203.0.113.7")


async def test_every_limit_of_several_applies():
    limiter = OrderRateLimiter(parse_many("5/minute;2/second"), MemoryStorage())
    await limiter.check("a")
    await limiter.check("a")
    with pytest.raises(TooManyRequestsError):
        await limiter.check("a")


class BrokenStorage(MemoryStorage):
    async def acquire_sliding_window_entry(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        raise ConnectionError("redis is down")


async def test_storage_trouble_lets_orders_through():
    limiter = OrderRateLimiter(parse_many("1/minute"), BrokenStorage())
    for _ in range(3):
        await limiter.check("a")


def test_off_unless_configured():
    assert OrderRateLimiter.from_settings(Settings(_env_file=None)) is None
    limiter = OrderRateLimiter.from_settings(Settings(_env_file=None, order_rate_limit="2/minute"))
    assert limiter is not None and [str(item) for item in limiter.limits] == ["2 per 1 minute"]


async def test_an_unreachable_redis_lets_orders_through(free_tcp_port):
    settings = Settings(
        _env_file=None,
        order_rate_limit="1/minute",
        redis_url=f"redis://127.0.0.1:{free_tcp_port}/0",
    )
    limiter = OrderRateLimiter.from_settings(settings)
    assert limiter is not None
    for _ in range(3):
        await limiter.check("a")
