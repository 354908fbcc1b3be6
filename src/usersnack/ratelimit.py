"""Rate limiting `POST /v1/orders` per client address (ORDER_RATE_LIMIT), with the `limits` library.

The counters live in Redis when REDIS_URL is set, so every app process shares one budget per
address; otherwise each process keeps its own in memory. The address is `scope["client"]`,
which ProxyHeadersMiddleware (main.py) sets from X-Forwarded-For only when the request comes
from a trusted proxy (FORWARDED_ALLOW_IPS): a client cannot pick its own address.

Every refusal goes through `OrderRateLimiter.check`, the one place to count them.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable

from fastapi import Request
from limits import RateLimitItem, parse_many
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import SlidingWindowCounterRateLimiter

from usersnack.errors import TooManyRequestsError
from usersnack.metrics import RATE_LIMITED_REQUESTS
from usersnack.settings import Settings

logger = logging.getLogger("usersnack.ratelimit")

NAMESPACE = "usersnack-orders"
# A rate limiter must never be the reason an order fails or waits: a Redis that does not
# answer within this many seconds is treated as "allow".
REDIS_TIMEOUT_SECONDS = 0.5


class OrderRateLimiter:
    def __init__(
        self,
        limits: list[RateLimitItem],
        storage: Storage,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.limits = limits
        # A sliding window counter: two counters per address and window, whatever the limit
        # (a moving window keeps a timestamp per request), and O(1) work per order; it weighs
        # the previous window's count by how much of it still overlaps.
        self._strategy = SlidingWindowCounterRateLimiter(storage)
        self._clock = clock

    @classmethod
    def from_settings(cls, settings: Settings) -> OrderRateLimiter | None:
        """The limiter ORDER_RATE_LIMIT asks for, or None when orders are not limited."""
        rate = settings.effective_order_rate_limit
        if rate is None:
            return None
        storage: Storage
        if settings.redis_url is not None:
            storage = RedisStorage(
                "async+" + settings.redis_url,
                implementation="redispy",
                wrap_exceptions=True,
                key_prefix="usersnack",
                socket_timeout=REDIS_TIMEOUT_SECONDS,
                socket_connect_timeout=REDIS_TIMEOUT_SECONDS,
            )
        else:
            storage = MemoryStorage()
        return cls(parse_many(rate), storage)

    async def check(self, client: str) -> None:
        """Count one order attempt from `client`; raise TooManyRequestsError over the limit."""
        try:
            for item in self.limits:
                if not await self._strategy.hit(item, NAMESPACE, client):
                    raise TooManyRequestsError(
                        headers={"Retry-After": str(await self._retry_after(item, client))}
                    )
        except TooManyRequestsError:
            RATE_LIMITED_REQUESTS.inc()
            logger.info("order rate limit reached for %s", client)
            raise
        except Exception as error:  # noqa: BLE001 - storage trouble must not block orders
            logger.warning("rate limit storage unavailable, allowing the request: %r", error)

    async def _retry_after(self, item: RateLimitItem, client: str) -> int:
        stats = await self._strategy.get_window_stats(item, NAMESPACE, client)
        return max(1, math.ceil(stats.reset_time - self._clock()))


def client_address(request: Request) -> str:
    client = request.client
    return client.host if client is not None else "unknown"


async def limit_order_rate(request: Request) -> None:
    """Route dependency of POST /v1/orders."""
    limiter: OrderRateLimiter | None = request.app.state.order_rate_limiter
    if limiter is not None:
        await limiter.check(client_address(request))
