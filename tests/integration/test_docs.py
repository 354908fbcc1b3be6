"""/docs and /redoc load their JavaScript and CSS from the app itself, never from a CDN.

tests/e2e/test_docs_browser.py renders them in a real browser.
"""

from __future__ import annotations

import re

import httpx

from usersnack.main import create_app
from usersnack.settings import Settings


async def _client() -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(Settings(_env_file=None)))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


def _asset_urls(html: str) -> list[str]:
    return re.findall(r"""(?:src|href)=["']([^"']+)["']""", html) + re.findall(
        r"""url:\s*['"]([^'"]+)['"]""", html
    )


async def test_docs_pages_use_only_local_assets():
    async with await _client() as client:
        for page in ("/docs", "/redoc"):
            response = await client.get(page)
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/html")
            urls = _asset_urls(response.text)
            assert urls, page
            for url in urls:
                assert url.startswith("/"), f"{page} loads {url} from elsewhere"
                if url == "/openapi.json":
                    continue
                asset = await client.get(url)
                assert asset.status_code == 200, url
                assert len(asset.content) > 500, url
            assert "fonts.googleapis" not in response.text
            assert "cdn.jsdelivr" not in response.text


async def test_assets_are_served_with_the_right_types():
    async with await _client() as client:
        script = await client.get("/docs-assets/swagger/swagger-ui-bundle.js")
        css = await client.get("/docs-assets/swagger/swagger-ui.css")
        redoc = await client.get("/docs-assets/redoc/redoc.standalone.js")
    assert "javascript" in script.headers["content-type"]
    assert css.headers["content-type"].startswith("text/css")
    assert "javascript" in redoc.headers["content-type"]
    assert b"SwaggerUIBundle" in script.content
    assert b"Redoc" in redoc.content
