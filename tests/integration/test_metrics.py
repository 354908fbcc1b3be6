"""/metrics: Prometheus text, labelled by route template, and closed in production."""

from __future__ import annotations

import uuid

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.factories import make_pizza, order_body
from usersnack.main import create_app
from usersnack.settings import Settings

STRONG_KEY = "f3a9c1e7b5d2048e6a1c3f5b7d9e0a2c4e6f8a1b3c5d7e9f"
PRODUCTION_DB = "postgresql://app:Zq8vR2mT7wK4@db.invalid:5432/usersnack"


def _samples(text: str) -> dict[tuple[str, tuple], float]:
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def _value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_requests_orders_and_replays_are_counted(client):
    pizza = await make_pizza()
    before = _samples((await client.get("/metrics")).text)

    for _ in range(3):
        await client.get(f"/v1/pizzas/{pizza.id}")
    await client.get(f"/v1/pizzas/{uuid.uuid4()}")
    key = {"Idempotency-Key": str(uuid.uuid4())}
    assert (
        await client.post("/v1/orders", json=order_body(pizza_id=pizza.id), headers=key)
    ).status_code == 201
    assert (
        await client.post("/v1/orders", json=order_body(pizza_id=pizza.id), headers=key)
    ).status_code == 201

    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    after = _samples(response.text)

    def delta(name: str, **labels: str) -> float:
        return _value(after, name, **labels) - _value(before, name, **labels)

    route = "/v1/pizzas/{pizza_id}"
    assert delta("usersnack_http_requests_total", method="GET", route=route, status="200") == 3
    assert delta("usersnack_http_requests_total", method="GET", route=route, status="404") == 1
    assert delta("usersnack_http_request_duration_seconds_count", method="GET", route=route) == 4
    assert delta("usersnack_orders_placed_total") == 1
    assert delta("usersnack_idempotent_replays_total") == 1
    assert ("usersnack_rate_limited_requests_total", ()) in after
    # Raw paths never become labels: the pizza's id appears nowhere in the metrics.
    assert str(pizza.id) not in response.text


async def test_unknown_urls_share_one_series(client):
    for index in range(5):
        await client.get(f"/random/{uuid.uuid4()}/{index}")
    text = (await client.get("/metrics")).text
    assert "/random/" not in text
    assert 'route="<unmatched>"' in text


async def _get_metrics(settings: Settings, headers: dict[str, str] | None = None) -> httpx.Response:
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.get("/metrics", headers=headers or {})


async def test_production_metrics_need_the_admin_key():
    settings = Settings(
        _env_file=None,
        environment="production",
        database_url=PRODUCTION_DB,
        admin_api_key=STRONG_KEY,
    )
    assert (await _get_metrics(settings)).status_code == 401
    wrong = await _get_metrics(settings, {"Authorization": "Bearer " + "0" * len(STRONG_KEY)})
    assert wrong.status_code == 401
    assert wrong.json()["code"] == "UNAUTHORIZED"
    assert wrong.headers["www-authenticate"] == "Bearer"
    right = await _get_metrics(settings, {"Authorization": f"Bearer {STRONG_KEY}"})
    assert right.status_code == 200
    assert "usersnack_http_requests_total" in right.text


async def test_production_metrics_without_an_admin_key_are_not_there():
    settings = Settings(
        _env_file=None, environment="production", database_url=PRODUCTION_DB, admin_api_key=None
    )
    response = await _get_metrics(settings, {"Authorization": "Bearer anything"})
    assert response.status_code == 404
    assert response.json()["code"] == "NOT_FOUND"


async def test_metrics_stay_out_of_the_public_schema():
    app = create_app(Settings(_env_file=None))
    assert "/metrics" not in app.openapi()["paths"]


async def test_cached_menu_answers_count_under_their_route(client):
    await make_pizza()
    before = _samples((await client.get("/metrics")).text)
    first = await client.get("/v1/ingredients")
    # Answered from the menu response cache, before routing: still labelled by its route.
    again = await client.get("/v1/ingredients", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
    after = _samples((await client.get("/metrics")).text)
    route = {"method": "GET", "route": "/v1/ingredients"}
    counted = _value(after, "usersnack_http_requests_total", **route, status="304") - _value(
        before, "usersnack_http_requests_total", **route, status="304"
    )
    assert counted == 1
