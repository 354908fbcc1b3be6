"""POST /v1/orders is rate limited per client address, on real server processes.

Per process without Redis, shared by every process with it; the address is the one the
trusted proxy reports, and a client that is not that proxy cannot choose its own with an
X-Forwarded-For header.
"""

from __future__ import annotations

import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager

import httpx
import pytest

from tests.e2e.conftest import free_port, production_command, server_env, server_process
from tests.reliability.traffic import OrderPlan
from tests.system import require_program

LIMIT = 4


@pytest.fixture
async def menu(clean_db) -> None:  # noqa: ANN001
    from usersnack.fixtures.loader import load_menu

    await load_menu()


@contextmanager
def redis_server() -> Iterator[str]:
    """A throwaway Redis on a free loopback port, no persistence."""
    program = require_program("redis-server", install="apt-get install redis-server")
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        process = subprocess.Popen(
            [program, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", folder],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 10
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                    break
                except OSError:
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("redis-server did not start") from None
                    time.sleep(0.05)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(timeout=10)


@contextmanager
def limited_servers(
    subprocess_env, tmp_path, count: int, **settings: str
) -> Iterator[list[str]]:  # noqa: ANN001
    with ExitStack() as stack:
        urls = []
        for index in range(count):
            env = server_env(subprocess_env, ORDER_RATE_LIMIT=f"{LIMIT}/minute", **settings)
            log = tmp_path / f"app{index}.log"
            urls.append(
                stack.enter_context(server_process(production_command(), env, log)).base_url
            )
        yield urls


def place(url: str, plan: OrderPlan, headers: dict[str, str] | None = None) -> httpx.Response:
    order = plan.order()
    return httpx.post(
        f"{url}/v1/orders",
        json=order.body,
        headers={"Idempotency-Key": order.key, **(headers or {})},
        timeout=10,
    )


def statuses(responses: list[httpx.Response]) -> list[int]:
    return [response.status_code for response in responses]


async def test_over_the_limit_is_429_in_the_error_format_per_process_without_redis(
    menu, subprocess_env, tmp_path, figures
):
    with limited_servers(subprocess_env, tmp_path, 2) as (first, second):
        plan = OrderPlan(first, seed=1)
        at_first = [place(first, plan) for _ in range(LIMIT + 2)]
        at_second = [place(second, plan) for _ in range(LIMIT + 1)]
        reading = httpx.get(f"{first}/v1/pizzas")  # only placing orders is limited

    assert statuses(at_first) == [201] * LIMIT + [429, 429]
    refused = at_first[-1]
    assert refused.json()["code"] == "TOO_MANY_REQUESTS" and refused.json()["message"]
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    # Without Redis each process keeps its own budget.
    assert statuses(at_second) == [201] * LIMIT + [429]
    assert reading.status_code == 200
    figures("rate limit, per process", limit=f"{LIMIT}/minute", **_count(at_first + at_second))


@pytest.mark.system
async def test_with_redis_every_process_shares_one_budget(menu, subprocess_env, tmp_path, figures):
    with (
        redis_server() as redis_url,
        limited_servers(subprocess_env, tmp_path, 2, REDIS_URL=redis_url) as (first, second),
    ):
        plan = OrderPlan(first, seed=2)
        responses = [place(first if i % 2 else second, plan) for i in range(LIMIT + 2)]

    assert statuses(responses) == [201] * LIMIT + [429, 429]
    figures("rate limit, shared through Redis", limit=f"{LIMIT}/minute", **_count(responses))


async def test_a_client_cannot_reset_its_budget_with_x_forwarded_for(
    menu, subprocess_env, tmp_path, figures
):
    # Here the test client is not the trusted proxy: its X-Forwarded-For must be ignored.
    with limited_servers(subprocess_env, tmp_path, 1, FORWARDED_ALLOW_IPS="192.0.2.1") as (url,):
        plan = OrderPlan(url, seed=3)
        spoofed = [
            place(url, plan, {"X-Forwarded-For": f"198.51.100.{i}"}) for i in range(LIMIT + 2)
        ]
    assert statuses(spoofed) == [201] * LIMIT + [429, 429]

    # Behind the trusted proxy (the test client, 127.0.0.1, by default) the address it reports
    # is the client's: two customers behind it have a budget each.
    with limited_servers(subprocess_env, tmp_path, 1) as (url,):
        plan = OrderPlan(url, seed=4)
        ada = [place(url, plan, {"X-Forwarded-For": "198.51.100.1"}) for _ in range(LIMIT + 1)]
        bob = [place(url, plan, {"X-Forwarded-For": "198.51.100.2"}) for _ in range(LIMIT)]
    assert statuses(ada) == [201] * LIMIT + [429]
    assert statuses(bob) == [201] * LIMIT
    figures("rate limit, spoofed X-Forwarded-For", **_count(spoofed))


def _count(responses: list[httpx.Response]) -> dict[str, int]:
    codes = statuses(responses)
    return {"requests": len(codes), "accepted": codes.count(201), "refused_429": codes.count(429)}
