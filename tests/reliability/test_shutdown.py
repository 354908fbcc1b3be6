"""SIGTERM in the middle of traffic: requests in flight finish, the pool closes, exit status 0,
and every acknowledged order is there when the server comes back."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from collections.abc import AsyncIterator

import httpx

from tests.e2e.conftest import ServerProcess, production_command, server_env, server_process
from tests.reliability.traffic import Answer, Ledger, OrderPlan, PlannedOrder, audit_orders

CLIENTS = 16
BODY_CHUNKS = 5
SECONDS_BETWEEN_CHUNKS = 0.15  # each order's body takes ~0.6 s to arrive: always some in flight
GIVE_UP_SECONDS = 60


async def _slowly(body: bytes) -> AsyncIterator[bytes]:
    size = -(-len(body) // BODY_CHUNKS)
    for start in range(0, len(body), size):
        yield body[start : start + size]
        await asyncio.sleep(SECONDS_BETWEEN_CHUNKS)


async def _post_slowly(http: httpx.AsyncClient, ledger: Ledger, url: str, order: PlannedOrder):
    ledger.planned[order.key] = order
    started = time.monotonic()
    answer = Answer(order.key, url, None, None, 0.0, 0.0)
    try:
        response = await http.post(
            f"{url}/v1/orders",
            content=_slowly(json.dumps(order.body).encode()),
            headers={"Idempotency-Key": order.key, "Content-Type": "application/json"},
        )
        answer.status = response.status_code
        if response.status_code == 201:
            answer.order_id, answer.total = response.json()["id"], response.json()["total_cost"]
    except httpx.HTTPError as error:
        answer.error = type(error).__name__
    answer.at = time.monotonic()
    answer.seconds = answer.at - started
    ledger.answers.append(answer)
    return started, answer


async def test_sigterm_lets_requests_in_flight_finish_and_loses_nothing(
    clean_db, database_url, subprocess_env, tmp_path, figures
):
    from usersnack.fixtures.loader import load_menu

    await load_menu()
    env = server_env(subprocess_env, SHUTDOWN_TIMEOUT="20")
    server = ServerProcess(production_command(), env, tmp_path / "app.log")
    server.start()
    try:
        plan = OrderPlan(server.base_url, seed=11)
        ledger = Ledger()
        started_at: list[float] = []
        sigterm_at = 0.0
        sigterm_sent = asyncio.Event()

        async def client(http: httpx.AsyncClient) -> None:
            # Keep ordering until the server turns new requests away.
            while True:
                started, answer = await _post_slowly(http, ledger, server.base_url, plan.order())
                started_at.append(started)
                if answer.status is None and sigterm_sent.is_set():
                    return

        async def terminate() -> None:
            nonlocal sigterm_at
            while len([a for a in ledger.answers if a.status == 201]) < CLIENTS * 2:
                await asyncio.sleep(0.01)
            sigterm_at = time.monotonic()
            server.send_signal(signal.SIGTERM)
            sigterm_sent.set()

        async with httpx.AsyncClient(timeout=GIVE_UP_SECONDS) as http:
            await asyncio.wait_for(
                asyncio.gather(terminate(), *(client(http) for _ in range(CLIENTS))),
                GIVE_UP_SECONDS,
            )
        exit_status = server.wait(timeout=GIVE_UP_SECONDS)
        seconds_to_exit = time.monotonic() - sigterm_at
    finally:
        server.kill()

    # Back up again: every acknowledged order can be read from the restarted server.
    acknowledged = ledger.acknowledged
    with server_process(production_command(), env, tmp_path / "again.log") as again:
        async with httpx.AsyncClient(base_url=again.base_url, timeout=10) as http:
            read_back = [
                (await http.get(f"/v1/orders/{next(iter(ids))}")).status_code
                for ids in acknowledged.values()
            ]

    audit = await audit_orders(database_url, ledger)
    in_flight = [
        a for a in ledger.answers if a.at - a.seconds < sigterm_at < a.at and a.status is not None
    ]
    log = (tmp_path / "app.log").read_text()
    figures(
        "graceful shutdown (SIGTERM)",
        **audit.figures(),
        requests_in_flight_at_sigterm_answered=len(in_flight),
        of_them_201=sum(1 for a in in_flight if a.status == 201),
        turned_away_after_sigterm=sum(1 for a in ledger.answers if a.status is None),
        exit_status=exit_status,
        seconds_from_sigterm_to_exit=seconds_to_exit,
        acknowledged_orders_read_back_after_restart=read_back.count(200),
    )

    assert exit_status == 0, log[-3000:]
    assert "Application shutdown complete" in log  # lifespan ran: the pool was closed
    audit.assert_nothing_lost_or_doubled()
    assert audit.server_errors == 0
    assert in_flight and all(a.status == 201 for a in in_flight)
    assert set(read_back) == {200} and len(read_back) == audit.acknowledged
