"""The server's own output, from a real uvicorn process: JSON lines, no personal data, and one
request's whole story found by its request id."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx

from tests.e2e.conftest import running_server, server_env
from tests.factories import order_body

ADMIN_KEY = "c0ffee5e11a9b3d7e1f2a4c6b8d0e2f4a6c8e0b2d4f6a8c1"
NAME = "Philippa Quernheim"
PHONE = "+43 664 9182736"
PHONE_DIGITS = "9182736"
STREET = "Zwetschkenroestergasse"
HOUSE = "77Q"


def _lines(log: Path) -> list[dict]:
    text = log.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip()]
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError:
            raise AssertionError(f"a log line is not JSON: {line!r}") from None
    return parsed


def _private_order(pizza_id: str) -> dict:
    body = order_body(pizza_id=pizza_id, name=NAME, phones=[PHONE])
    body["delivery_address"]["street"] = STREET
    body["delivery_address"]["house_number"] = HOUSE
    return body


async def test_a_real_order_leaves_no_personal_data_or_key_in_the_logs(
    clean_db, subprocess_env, tmp_path
):
    from usersnack.fixtures.loader import load_menu

    await load_menu()
    env = server_env(subprocess_env, ADMIN_API_KEY=ADMIN_KEY, LOG_LEVEL="DEBUG")
    log = tmp_path / "server.log"
    command = [sys.executable, "-m", "uvicorn", "usersnack.main:app", "--port", env["PORT"]]
    with running_server(command, env, log) as base_url:
        with httpx.Client(base_url=base_url, timeout=10) as http:
            pizza_id = http.get("/v1/pizzas").json()["results"][0]["id"]
            auth = {"Authorization": f"Bearer {ADMIN_KEY}"}
            placed = http.post(
                "/v1/orders",
                json=_private_order(pizza_id),
                headers={**auth, "Idempotency-Key": "log-test-1", "X-Request-ID": "order-1"},
            )
            assert placed.status_code == 201, placed.text
            replay = http.post(
                "/v1/orders",
                json=_private_order(pizza_id),
                headers={"Idempotency-Key": "log-test-1"},
            )
            assert replay.headers["idempotent-replayed"] == "true"
            # Refused bodies carry the same data; their errors must not bring it into the log.
            bad_phone = _private_order(pizza_id)
            bad_phone["contact_phones"] = [PHONE + "99999999"]
            assert http.post("/v1/orders", json=bad_phone).status_code == 422
            bad_shape = _private_order(pizza_id)
            bad_shape["packages"][0]["quantity"] = "lots"
            assert http.post("/v1/orders", json=bad_shape).status_code == 422
            assert http.get("/metrics", headers=auth).status_code == 200
            assert http.get(placed.headers["location"], headers=auth).status_code == 200

    text = log.read_text(encoding="utf-8")
    for secret in (NAME, "Quernheim", PHONE, PHONE_DIGITS, STREET, HOUSE, ADMIN_KEY):
        assert secret not in text, f"{secret!r} appears in the server log"

    lines = _lines(log)
    placed_line = next(line for line in lines if line.get("message") == "order placed")
    assert placed_line["request_id"] == "order-1"
    assert placed_line["order_id"] == placed.json()["id"]
    assert placed_line["total_cost"] == placed.json()["total_cost"]
    access = [line for line in lines if line.get("logger") == "usersnack.access"]
    assert [line["status"] for line in access if line["path"] == "/v1/orders"] == [
        201,
        201,
        422,
        422,
    ]
    # uvicorn's own lines come through the same JSON formatter; its access log is off.
    assert any(line.get("logger") == "uvicorn.error" for line in lines)
    assert not any(line.get("logger") == "uvicorn.access" for line in lines)


async def test_one_request_can_be_followed_through_the_log_by_its_id(
    clean_db, subprocess_env, tmp_path
):
    from usersnack.fixtures.loader import load_menu

    await load_menu()
    env = server_env(subprocess_env)
    log = tmp_path / "server.log"
    command = [sys.executable, "-m", "uvicorn", "usersnack.main:app", "--port", env["PORT"]]
    with running_server(command, env, log) as base_url:
        with httpx.Client(base_url=base_url, timeout=10) as http:
            pizza_id = http.get("/v1/pizzas").json()["results"][0]["id"]
            # The front end sends no id; it reads the one the API made from the response.
            placed = http.post("/v1/orders", json=order_body(pizza_id=pizza_id))
            http.get("/v1/ingredients")  # other traffic around it
            request_id = placed.headers["x-request-id"]

    story = [line for line in _lines(log) if line.get("request_id") == request_id]
    assert [line["message"] for line in story] == ["order placed", "request"]
    order_line, access_line = story
    assert order_line["order_id"] == placed.json()["id"]
    assert order_line["level"] == "info" and order_line["logger"] == "usersnack.orders"
    assert access_line["method"] == "POST"
    assert access_line["path"] == "/v1/orders"
    assert access_line["route"] == "/v1/orders"
    assert access_line["status"] == 201
    assert access_line["duration_ms"] > 0
    assert access_line["client_ip"] == "127.0.0.1"
    assert all(line["timestamp"].endswith("Z") for line in story)
