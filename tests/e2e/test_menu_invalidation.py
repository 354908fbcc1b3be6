"""Every app process drops its cached menu when the menu changes, whoever changed it."""

from __future__ import annotations

import asyncio
import sys
import time
from decimal import Decimal

import httpx

from tests.e2e.conftest import free_port, running_server, server_env
from tests.factories import make_pizza
from usersnack.menu.repository import MenuRepository

# Generous: the mechanism (NOTIFY) takes milliseconds; this only bounds a broken run.
GIVE_UP_AFTER_SECONDS = 15


async def _price_seen_everywhere(urls: list[str], path: str, price: str) -> float:
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=5) as http:
        while time.monotonic() - started < GIVE_UP_AFTER_SECONDS:
            prices = [(await http.get(url + path)).json()["price"] for url in urls]
            if all(seen == price for seen in prices):
                return time.monotonic() - started
            await asyncio.sleep(0.02)
    raise AssertionError(f"{price} not seen on every process: {prices}")


async def test_two_processes_see_a_price_change(clean_db, subprocess_env, tmp_path):
    pizza = await make_pizza(name="Margherita", price="9.50")
    path = f"/v1/pizzas/{pizza.id}"
    envs = [server_env(subprocess_env, PORT=str(free_port())) for _ in range(2)]
    command = [sys.executable, "-m", "uvicorn", "usersnack.main:app", "--port"]
    with (
        running_server(command + [envs[0]["PORT"]], envs[0], tmp_path / "a.log") as first,
        running_server(command + [envs[1]["PORT"]], envs[1], tmp_path / "b.log") as second,
    ):
        await _price_seen_everywhere([first, second], path, "9.50")  # both warm now
        etags = [httpx.get(url + path).headers["etag"] for url in (first, second)]

        await MenuRepository().update_pizza(pizza, price=Decimal("11.20"))
        seconds = await _price_seen_everywhere([first, second], path, "11.20")

        new_etags = [httpx.get(url + path).headers["etag"] for url in (first, second)]
        print(f"price change visible on both processes after {seconds:.3f} s")
        assert new_etags[0] == new_etags[1] and new_etags[0] not in etags
        listing = httpx.get(first + "/v1/pizzas").json()["results"]
        assert [p["price"] for p in listing] == ["11.20"]


async def test_fixture_loader_in_another_process_reaches_a_running_server(
    clean_db, subprocess_env, tmp_path
):
    import subprocess

    env = server_env(subprocess_env)
    command = [sys.executable, "-m", "uvicorn", "usersnack.main:app", "--port", env["PORT"]]
    with running_server(command, env, tmp_path / "app.log") as base_url:
        assert httpx.get(base_url + "/v1/pizzas").json()["size"] == 0
        subprocess.run(
            [sys.executable, "scripts/load_fixtures.py"], env=env, check=True, timeout=120
        )
        started = time.monotonic()
        while httpx.get(base_url + "/v1/pizzas").json()["size"] == 0:
            assert time.monotonic() - started < GIVE_UP_AFTER_SECONDS
            await asyncio.sleep(0.02)


async def test_a_lost_change_feed_is_replaced_and_changes_still_arrive(
    clean_db, subprocess_env, tmp_path
):
    """Kill the process's LISTEN connection: it must reconnect, and stay correct meanwhile."""
    from tortoise.connection import get_connection

    from usersnack.menu.repository import FEED_APPLICATION

    pizza = await make_pizza(name="Margherita", price="9.50")
    path = f"/v1/pizzas/{pizza.id}"
    env = server_env(subprocess_env)
    command = [sys.executable, "-m", "uvicorn", "usersnack.main:app", "--port", env["PORT"]]
    terminate = (
        "SELECT count(*) AS killed FROM ("
        " SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        f" WHERE application_name = '{FEED_APPLICATION}') AS terminated"
    )
    with running_server(command, env, tmp_path / "app.log") as base_url:
        await _price_seen_everywhere([base_url], path, "9.50")
        _, rows = await get_connection("default").execute_query(terminate)
        assert rows[0]["killed"] >= 1

        await MenuRepository().update_pizza(pizza, price=Decimal("12.00"))
        await _price_seen_everywhere([base_url], path, "12.00")

        started = time.monotonic()
        while True:
            _, rows = await get_connection("default").execute_query(
                "SELECT count(*) AS feeds FROM pg_stat_activity"
                f" WHERE application_name = '{FEED_APPLICATION}'"
            )
            if rows[0]["feeds"] >= 1:
                break
            assert time.monotonic() - started < GIVE_UP_AFTER_SECONDS, "feed never came back"
            await asyncio.sleep(0.05)
        await MenuRepository().update_pizza(pizza, price=Decimal("12.50"))
        await _price_seen_everywhere([base_url], path, "12.50")
