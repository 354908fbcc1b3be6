"""X-Forwarded-For/-Proto are believed from FORWARDED_ALLOW_IPS (the reverse proxy) only.

The app under test is the real `create_app` with one probe route added that reports what the
app believes about the request; the trailing-slash redirect shows the same through a URL the
app builds itself.
"""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI, Request

from usersnack.main import create_app

PROXY = "10.20.30.40"
PROXY_NETWORK = "10.20.30.0/24"
STRANGER = "198.51.100.7"
SPOOFED = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}


def _app(settings, trusted: list[str]) -> FastAPI:  # noqa: ANN001
    app = create_app(settings.model_copy(update={"forwarded_allow_ips": trusted}))

    @app.get("/_probe")
    async def probe(request: Request) -> dict[str, str]:
        return {
            "client": request.client.host if request.client else "",
            "scheme": request.url.scheme,
        }

    return app


def _client(app: FastAPI, peer: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(peer, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://shop.test")


@pytest.mark.parametrize("trusted", [[PROXY], [PROXY_NETWORK]])
async def test_the_proxy_is_believed(settings, trusted):
    async with _client(_app(settings, trusted), PROXY) as client:
        probe = await client.get("/_probe", headers=SPOOFED)
        redirect = await client.get("/v1/pizzas/", headers=SPOOFED)

    assert probe.json() == {"client": "203.0.113.9", "scheme": "https"}
    assert redirect.status_code == 307
    assert redirect.headers["location"] == "https://shop.test/v1/pizzas"


async def test_anyone_else_is_not(settings):
    async with _client(_app(settings, [PROXY]), STRANGER) as client:
        probe = await client.get("/_probe", headers=SPOOFED)
        redirect = await client.get("/v1/pizzas/", headers=SPOOFED)

    assert probe.json() == {"client": STRANGER, "scheme": "http"}
    assert redirect.headers["location"] == "http://shop.test/v1/pizzas"


async def test_a_client_behind_the_proxy_cannot_smuggle_an_address(settings):
    """The proxy appends the address it saw; what the client wrote before it is not believed."""
    headers = {"X-Forwarded-For": "203.0.113.9, 192.0.2.50"}
    async with _client(_app(settings, [PROXY]), PROXY) as client:
        probe = await client.get("/_probe", headers=headers)

    assert probe.json()["client"] == "192.0.2.50"


def test_the_default_trusts_only_loopback(monkeypatch):
    from usersnack.settings import Settings

    monkeypatch.delenv("FORWARDED_ALLOW_IPS", raising=False)
    assert Settings(_env_file=None).forwarded_allow_ips == ["127.0.0.1", "::1"]
