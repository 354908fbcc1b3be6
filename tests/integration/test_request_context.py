"""X-Request-ID on every response, the access log line, and the 500 fallback inside CORS."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from tests.factories import make_pizza, order_body
from usersnack.main import create_app
from usersnack.settings import Settings

GENERATED_ID = re.compile(r"^[0-9a-f]{32}$")
ORIGIN = "http://127.0.0.1:5173"


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


async def test_a_plain_request_id_is_kept_and_returned(client):
    response = await client.get("/v1/pizzas", headers={"X-Request-ID": "front-end.42:retry-1"})
    assert response.status_code == 200
    assert response.headers["x-request-id"] == "front-end.42:retry-1"


@pytest.mark.parametrize(
    "sent",
    ["", "has space", "x" * 129, "new\\nline", 'quote"d', "emoji-\u00e9"],
)
async def test_an_odd_request_id_is_replaced_by_a_made_one(client, sent):
    response = await client.get("/v1/ingredients", headers={"X-Request-ID": sent.encode("utf-8")})
    assert GENERATED_ID.match(response.headers["x-request-id"])


async def test_every_response_has_a_request_id_errors_included(client):
    pizza = await make_pizza()
    responses = [
        await client.get("/v1/ingredients"),
        await client.get("/nowhere"),
        await client.delete("/v1/orders"),
        await client.get("/v1/pizzas/not-a-uuid"),
        await client.post("/v1/orders", json={"name": ""}),
        await client.post(
            "/v1/orders", content=b"x" * 70_000, headers={"content-type": "application/json"}
        ),
        await client.post("/v1/orders", json=order_body(pizza_id=pizza.id)),
    ]
    assert [r.status_code for r in responses] == [200, 404, 405, 422, 422, 413, 201]
    ids = [r.headers["x-request-id"] for r in responses]
    assert all(GENERATED_ID.match(request_id) for request_id in ids)
    assert len(set(ids)) == len(ids)


async def test_an_unhandled_error_is_a_500_with_request_id_and_cors_headers(capsys):
    app = create_app(Settings(_env_file=None, cors_origins=ORIGIN))

    @app.get("/explode")
    async def explode() -> None:
        raise RuntimeError("the oven caught fire")

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get(
            "/explode", headers={"Origin": ORIGIN, "X-Request-ID": "boom-1"}
        )

    assert response.status_code == 500
    assert response.json() == {
        "code": "INTERNAL_ERROR",
        "message": "Something went wrong on our side.",
        "details": None,
    }
    assert "fire" not in response.text
    assert response.headers["x-request-id"] == "boom-1"
    # Without this header the browser would hide the error body from the front end.
    assert response.headers["access-control-allow-origin"] == ORIGIN

    lines = [line for line in _json_lines(capsys.readouterr().err) if line.get("request_id")]
    story = [line for line in lines if line["request_id"] == "boom-1"]
    assert [line["logger"] for line in story] == ["usersnack.errors", "usersnack.access"]
    assert "the oven caught fire" in story[0]["exception"]
    assert story[1]["status"] == 500 and story[1]["level"] == "error"


async def test_access_line_has_the_request_facts(client, capsys):
    await client.get("/v1/pizzas?name=meat", headers={"X-Request-ID": "facts-1"})
    [line] = [
        line for line in _json_lines(capsys.readouterr().err) if line.get("request_id") == "facts-1"
    ]
    assert line["message"] == "request"
    assert line["method"] == "GET"
    assert line["path"] == "/v1/pizzas"
    assert line["route"] == "/v1/pizzas"
    assert line["status"] == 200
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["client_ip"] == "127.0.0.1"
    assert line["level"] == "info"
    assert line["timestamp"].endswith("Z")
