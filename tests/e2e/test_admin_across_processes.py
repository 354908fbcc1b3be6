"""Staff build a pizza on one real server process; the public menu shows it on every process.

In the process that made the change the very next request shows it (the admin service drops
its snapshot after the commit); the other process hears of it from PostgreSQL. The bound
below only stops a broken run: the mechanism takes milliseconds.
"""

from __future__ import annotations

import asyncio
import sys
import time

import httpx

from tests.conftest import TEST_ADMIN_KEY
from tests.e2e.conftest import free_port, running_server, server_env
from tests.pictures import picture

GIVE_UP_AFTER_SECONDS = 15
ADMIN = {"Authorization": f"Bearer {TEST_ADMIN_KEY}"}


async def _until(check, what: str) -> float:  # noqa: ANN001
    started = time.monotonic()
    while time.monotonic() - started < GIVE_UP_AFTER_SECONDS:
        if await check():
            return time.monotonic() - started
        await asyncio.sleep(0.02)
    raise AssertionError(f"never saw {what}")


async def test_a_pizza_built_by_staff_reaches_every_process(clean_db, subprocess_env, tmp_path):
    envs = [server_env(subprocess_env, PORT=str(free_port())) for _ in range(2)]
    command = [sys.executable, "-m", "uvicorn", "usersnack.main:app", "--port"]
    with (
        running_server(command + [envs[0]["PORT"]], envs[0], tmp_path / "a.log") as first,
        running_server(command + [envs[1]["PORT"]], envs[1], tmp_path / "b.log") as second,
    ):
        async with httpx.AsyncClient(timeout=10) as http:
            for base in (first, second):  # both menus cached, and empty
                assert (await http.get(base + "/v1/pizzas")).json()["size"] == 0
                refused = await http.post(base + "/v1/admin/ingredients", json={"name": "x"})
                assert refused.status_code == 401

            tomato = await http.post(
                first + "/v1/admin/ingredients", json={"name": "tomato"}, headers=ADMIN
            )
            pizza = await http.post(
                first + "/v1/admin/pizzas",
                json={"name": "Bufala", "price": "13.90", "ingredient_ids": [tomato.json()["id"]]},
                headers=ADMIN,
            )
            assert pizza.status_code == 201, pizza.text
            pizza_id = pizza.json()["id"]
            uploaded = await http.post(
                f"{first}/v1/admin/pizzas/{pizza_id}/images",
                files={"file": ("bufala.jpg", picture(), "image/jpeg")},
                headers=ADMIN,
            )
            assert uploaded.status_code == 201, uploaded.text
            url = uploaded.json()["url"]

            # The process that made the change: at once, no waiting.
            listing = (await http.get(first + "/v1/pizzas")).json()
            assert [(p["name"], p["images"]) for p in listing["results"]] == [("Bufala", [url])]

            async def second_shows_it() -> bool:
                found = (await http.get(second + "/v1/pizzas")).json()["results"]
                return [(p["name"], p["images"]) for p in found] == [("Bufala", [url])]

            seconds = await _until(second_shows_it, "the new pizza on the second process")
            print(f"new pizza visible on the other process after {seconds:.3f} s")
            image = await http.get(second + url)
            assert image.status_code == 200 and image.content[:3] == b"\xff\xd8\xff"
            schema = (await http.get(second + "/openapi.json")).json()
            assert "/v1/admin/pizzas/{pizza_id}/images" in schema["paths"]

            # And back: a change made on the second process reaches the first.
            patched = await http.patch(
                f"{second}/v1/admin/pizzas/{pizza_id}", json={"price": "14.50"}, headers=ADMIN
            )
            assert patched.status_code == 200
            assert (await http.get(f"{second}/v1/pizzas/{pizza_id}")).json()["price"] == "14.50"

            async def first_shows_price() -> bool:
                shown = await http.get(f"{first}/v1/pizzas/{pizza_id}")
                return shown.json()["price"] == "14.50"

            await _until(first_shows_price, "the new price on the first process")
