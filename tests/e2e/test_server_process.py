"""The app under a real uvicorn process, over a real socket.

In-process tests share one task context with the ORM; a real server runs each request in its
own task, which is where a wrongly started Tortoise (no RegisterTortoise) fails.
"""

from __future__ import annotations

import json
import sys

import httpx

from tests.e2e.conftest import running_server, server_env
from tests.factories import order_body


def _place_and_read_order(base_url: str) -> None:
    with httpx.Client(base_url=base_url, timeout=10) as http:
        menu = http.get("/v1/pizzas", params={"limit": 3})
        assert menu.status_code == 200, menu.text
        assert menu.json()["size"] >= 12
        pizza = menu.json()["results"][0]
        extras = http.get(f"/v1/pizzas/{pizza['id']}/extras").json()["results"]
        garnishes = [{"extra_id": extras[0]["id"], "quantity": 1}] if extras else []

        placed = http.post(
            "/v1/orders",
            json=order_body(pizza_id=pizza["id"], quantity=2, garnishes=garnishes),
            headers={"Idempotency-Key": "e2e-1"},
        )
        assert placed.status_code == 201, placed.text
        retry = http.post(
            "/v1/orders",
            json=order_body(pizza_id=pizza["id"], quantity=2, garnishes=garnishes),
            headers={"Idempotency-Key": "e2e-1"},
        )
        assert retry.json()["id"] == placed.json()["id"]

        read_back = http.get(placed.headers["location"])
        assert read_back.status_code == 200
        assert read_back.json() == placed.json()

        assert http.get("/docs").status_code == 200
        assert http.get("/nope").json()["code"] == "NOT_FOUND"
        too_big = http.post(
            "/v1/orders", content=b"x" * (65 * 1024), headers={"content-type": "application/json"}
        )
        assert too_big.status_code == 413


async def test_uvicorn_process_serves_menu_and_orders(clean_db, subprocess_env, tmp_path):
    from usersnack.fixtures.loader import load_menu

    await load_menu()
    env = server_env(subprocess_env)
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "usersnack.main:app",
        "--host",
        "127.0.0.1",
        "--port",
        env["PORT"],
    ]
    with running_server(command, env, tmp_path / "uvicorn.log") as base_url:
        _place_and_read_order(base_url)


async def test_run_script_migrates_loads_the_menu_and_serves(clean_db, subprocess_env, tmp_path):
    """./scripts/run.sh against a configured database: migrations, fixture menu, server."""
    env = server_env(subprocess_env, ENVIRONMENT="development")
    log = tmp_path / "run.log"
    with running_server(["./scripts/run.sh"], env, log) as base_url:
        _place_and_read_order(base_url)
        assert httpx.get(f"{base_url}/media/pizzas/meateor.jpg").status_code == 200
    assert "stopping embedded" not in log.read_text()


async def test_unreachable_database_gives_503_not_500(subprocess_env, free_tcp_port, tmp_path):
    """With no database to talk to, requests fail fast in the error format; /health says so."""
    env = server_env(
        subprocess_env,
        DATABASE_URL=f"postgresql://postgres@127.0.0.1:{free_tcp_port}/nowhere",
        DB_COMMAND_TIMEOUT="2",
    )
    command = [sys.executable, "-m", "uvicorn", "usersnack.main:app", "--port", env["PORT"]]
    log = tmp_path / "uvicorn.log"
    with running_server(command, env, log, healthy=False) as base_url:
        health = httpx.get(f"{base_url}/health", timeout=10)
        menu = httpx.get(f"{base_url}/v1/pizzas", timeout=10)

    assert health.status_code == 503
    assert health.json()["status"] == "unhealthy"
    assert menu.status_code == 503
    assert menu.json()["code"] == "SERVICE_UNAVAILABLE"
    assert menu.headers["retry-after"]
    # The error handler's warning is logged with the request's id, next to its access line.
    request_id = menu.headers["x-request-id"]
    lines = [line for line in log.read_text(encoding="utf-8").splitlines() if request_id in line]
    story = [line for line in map(json.loads, lines) if line.get("request_id") == request_id]
    assert [(line["logger"], line["level"]) for line in story] == [
        ("usersnack.errors", "warning"),
        ("usersnack.access", "error"),  # every 5xx access line is an error
    ]
    assert story[1]["status"] == 503
