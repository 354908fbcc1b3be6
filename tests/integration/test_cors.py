"""CORS as a browser sees it: preflights and response headers for allowed and other origins.

tests/e2e/test_browser.py proves the same in a real browser.
"""

from __future__ import annotations

import httpx
import pytest

from usersnack.main import create_app
from usersnack.settings import Settings

FRONT_END = "https://shop.usersnack.example"


@pytest.fixture
async def cors_client():
    app = create_app(Settings(_env_file=None, cors_origins=FRONT_END))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_preflight_for_an_order_from_the_front_end_is_allowed(cors_client):
    response = await cors_client.options(
        "/v1/orders",
        headers={
            "Origin": FRONT_END,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, idempotency-key, authorization, "
            "x-request-id, if-none-match",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == FRONT_END
    allowed = {
        h.strip().lower() for h in response.headers["access-control-allow-headers"].split(",")
    }
    assert {"idempotency-key", "authorization", "content-type", "x-request-id"} <= allowed
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "access-control-allow-credentials" not in response.headers


async def test_preflight_from_another_origin_is_refused(cors_client):
    response = await cors_client.options(
        "/v1/orders",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


async def test_responses_expose_the_headers_the_front_end_reads(cors_client):
    response = await cors_client.get("/nowhere", headers={"Origin": FRONT_END})
    assert response.headers["access-control-allow-origin"] == FRONT_END
    exposed = {h.strip() for h in response.headers["access-control-expose-headers"].split(",")}
    assert {"Location", "ETag", "X-Request-ID", "Retry-After", "Idempotent-Replayed"} <= exposed


async def test_no_cors_headers_for_another_origin(cors_client):
    response = await cors_client.get("/nowhere", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers


def test_development_default_is_the_local_front_end():
    settings = Settings(_env_file=None, environment="development")
    assert settings.allowed_origins == ["http://localhost:5173", "http://127.0.0.1:5173"]
