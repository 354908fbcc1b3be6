"""PostgreSQL goes away while two app processes take orders: stopped, then frozen (SIGSTOP).

Requests fail fast with 503 in the error format (never a 500, never a hang), /health says
unhealthy, and when PostgreSQL is back the same processes recover by themselves. Clients retry
with the same Idempotency-Key, as they should; afterwards nothing acknowledged is missing and
nothing is stored twice. Runs on a throwaway PostgreSQL of its own, never on a shared server.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg
import httpx

from tests.e2e.conftest import REPO_ROOT, production_command, server_env, server_process
from tests.reliability.traffic import Ledger, OrderPlan, audit_orders
from usersnack.embedded_db import EmbeddedPostgres, ensure_database
from usersnack.menu.repository import FEED_APPLICATION
from usersnack.settings import credentials_from_url

ORDER_CLIENTS_PER_PROCESS = 6
# Bounds a broken run only; a sound one takes a fraction of each.
HANG_SECONDS = 20  # a request taking longer than this counts as hung
GIVE_UP_SECONDS = 60
OUTAGE_SECONDS = 3
RETRY_PAUSE_SECONDS = 0.2
# Small on purpose, so the outage shows within seconds.
TIMEOUTS = {"DB_COMMAND_TIMEOUT": "2", "DB_POOL_ACQUIRE_TIMEOUT": "2"}


async def _until(condition: Callable[[], Awaitable[bool]], what: str) -> float:
    started = time.monotonic()
    while not await condition():
        assert time.monotonic() - started < GIVE_UP_SECONDS, f"gave up waiting: {what}"
        await asyncio.sleep(0.1)
    return time.monotonic() - started


def _prepare(url: str, subprocess_env) -> None:  # noqa: ANN001
    env = subprocess_env(DATABASE_URL=url)
    for command in (
        [sys.executable, "-m", "aerich", "upgrade"],
        [sys.executable, "scripts/load_fixtures.py"],
    ):
        subprocess.run(
            command, cwd=REPO_ROOT, env=env, check=True, capture_output=True, timeout=120
        )


async def _feed_connections(url: str) -> int:
    credentials = credentials_from_url(url)
    connection = await asyncpg.connect(timeout=5, **credentials)
    try:
        return await connection.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", FEED_APPLICATION
        )
    finally:
        await connection.close()


async def test_database_outage_gives_503s_and_the_same_processes_recover(
    subprocess_env, tmp_path, figures
):
    embedded = EmbeddedPostgres(
        Path(tempfile.mkdtemp(prefix="usersnack-outage-")) / "data", throwaway=True
    )
    embedded.start()
    try:
        url = embedded.url("usersnack")
        await ensure_database(url)
        _prepare(url, subprocess_env)
        envs = [server_env(subprocess_env, DATABASE_URL=url, **TIMEOUTS) for _ in range(2)]
        with (
            server_process(production_command(), envs[0], tmp_path / "a.log") as first,
            server_process(production_command(), envs[1], tmp_path / "b.log") as second,
        ):
            await _run_outages(embedded, url, [first.base_url, second.base_url], figures)
    finally:
        embedded.stop()


async def _run_outages(embedded: EmbeddedPostgres, url: str, targets: list[str], figures) -> None:
    plan = OrderPlan(targets[0], seed=7)
    ledger = Ledger()
    menu_statuses: list[int | None] = []
    health_seen: dict[str, set[int]] = {target: set() for target in targets}
    stop = asyncio.Event()

    async def order_client(http: httpx.AsyncClient, target: str) -> None:
        while not stop.is_set():
            order = plan.order()
            # Retry the same order (same key) until it is acknowledged, as a client should.
            while (await ledger.post(http, target, order, timeout=HANG_SECONDS)).status != 201:
                await asyncio.sleep(RETRY_PAUSE_SECONDS)

    async def menu_reader(http: httpx.AsyncClient, target: str) -> None:
        while not stop.is_set():
            try:
                response = await http.get(f"{target}/v1/pizzas", timeout=HANG_SECONDS)
                menu_statuses.append(response.status_code)
            except httpx.HTTPError:
                menu_statuses.append(None)
            await asyncio.sleep(0.05)

    async def healthy(http: httpx.AsyncClient, wanted: int) -> bool:
        statuses = []
        for target in targets:
            status = (await http.get(f"{target}/health", timeout=HANG_SECONDS)).status_code
            health_seen[target].add(status)
            statuses.append(status)
        return all(status == wanted for status in statuses)

    def acknowledged_by_all_since(moment: float) -> Callable[[], Awaitable[bool]]:
        async def check() -> bool:
            return all(
                any(a.target == t and a.status == 201 and a.at > moment for a in ledger.answers)
                for t in targets
            )

        return check

    async def outage(name: str, take_down: Callable[[], None], bring_back: Callable[[], None]):
        before = len(ledger.answers)
        take_down()
        detected = await _until(lambda: healthy(http, 503), f"/health 503 ({name})")
        await asyncio.sleep(OUTAGE_SECONDS)
        bring_back()
        back = time.monotonic()
        await _until(lambda: healthy(http, 200), f"/health 200 again ({name})")
        await _until(acknowledged_by_all_since(back), f"orders again ({name})")
        # Recovered when every process has acknowledged an order since PostgreSQL came back.
        recovered = (
            max(
                min(
                    a.at
                    for a in ledger.answers
                    if a.target == t and a.status == 201 and a.at > back
                )
                for t in targets
            )
            - back
        )
        during = ledger.answers[before:]
        return {
            f"{name}: seconds until /health said 503": detected,
            f"{name}: order requests answered 503": sum(1 for a in during if a.status == 503),
            f"{name}: slowest answer (s)": max(a.seconds for a in during),
            f"{name}: seconds to recover (orders on every process)": recovered,
        }

    def pause() -> None:
        for pid in embedded.postgres_pids():
            os.kill(pid, signal.SIGSTOP)

    def resume() -> None:
        for pid in embedded.postgres_pids():
            os.kill(pid, signal.SIGCONT)

    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(limits=limits) as http:
        workers = [
            asyncio.create_task(order_client(http, target))
            for target in targets
            for _ in range(ORDER_CLIENTS_PER_PROCESS)
        ] + [asyncio.create_task(menu_reader(http, target)) for target in targets]
        try:
            await _until(acknowledged_by_all_since(time.monotonic()), "first orders")
            stopped = await outage("stopped", embedded.stop_server, embedded.start_server)
            frozen = await outage("frozen", pause, resume)
            feeds = await _until(
                lambda: _feed_connections_at_least(url, len(targets)), "menu change feeds back"
            )
        finally:
            try:
                resume()  # a failure while frozen must not leave PostgreSQL frozen
            except (OSError, ValueError):
                pass  # stopped, not frozen
            stop.set()
            # Each order client finishes the order it holds (retrying until acknowledged).
            await asyncio.wait_for(asyncio.gather(*workers), GIVE_UP_SECONDS)

    audit = await audit_orders(url, ledger)
    unavailable = [a for a in ledger.answers if a.status == 503]
    figures(
        "database outage",
        **audit.figures(),
        answers_other_than_201_or_503=sum(1 for a in ledger.answers if a.status not in (201, 503)),
        **stopped,
        **frozen,
        seconds_until_both_menu_feeds_listen_again=feeds,
        menu_reads=len(menu_statuses),
        menu_reads_answered_503=menu_statuses.count(503),
    )

    audit.assert_nothing_lost_or_doubled()
    assert set(ledger.statuses()) <= {201, 503}, [  # no 500, no hang
        (a.status, a.error, round(a.seconds, 1))
        for a in ledger.answers
        if a.status not in (201, 503)
    ]
    assert set(menu_statuses) <= {200, 503}, set(menu_statuses)
    assert unavailable and stopped and frozen
    assert all(a.code == "SERVICE_UNAVAILABLE" and a.retry_after for a in unavailable)
    assert all(seen == {200, 503} for seen in health_seen.values()), health_seen
    assert audit.acknowledged == audit.sent


async def _feed_connections_at_least(url: str, count: int) -> bool:
    return await _feed_connections(url) >= count
