"""/docs and /redoc render in headless Chromium with nothing but the app to talk to.

Every request the pages make is recorded; one to any other origin is aborted and fails the
test, so the docs are proven to work without internet even on a machine that has it.
"""

from __future__ import annotations

import sys

import pytest

from tests.e2e.browser import chromium_path, launch_chromium, save_screenshot
from tests.e2e.conftest import running_server, server_env

pytestmark = pytest.mark.system

LOCAL_SCHEMES = ("data:", "blob:", "about:")


async def _record_and_confine(page, base_url: str) -> tuple[list[str], list[str]]:  # noqa: ANN001
    """Let the page reach only `base_url`; returns (requests made, requests refused)."""
    made: list[str] = []
    refused: list[str] = []

    async def route(route) -> None:  # noqa: ANN001
        url = route.request.url
        made.append(url)
        if url.startswith(base_url + "/") or url.startswith(LOCAL_SCHEMES):
            await route.continue_()
        else:
            refused.append(url)
            await route.abort()

    await page.route("**/*", route)
    return made, refused


async def test_swagger_ui_and_redoc_render_offline(clean_db, subprocess_env, tmp_path):
    from playwright.async_api import async_playwright

    chromium = chromium_path()
    env = server_env(subprocess_env)
    command = [sys.executable, "-m", "uvicorn", "usersnack.main:app", "--port", env["PORT"]]
    with running_server(command, env, tmp_path / "api.log") as base_url:
        async with async_playwright() as playwright:
            browser = await launch_chromium(playwright, chromium)
            page = await browser.new_page(viewport={"width": 1280, "height": 900})
            made, refused = await _record_and_confine(page, base_url)
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))

            await page.goto(f"{base_url}/docs")
            for path, method in (
                ("/v1/pizzas", "get"),
                ("/v1/pizzas/{pizza_id}", "get"),
                ("/v1/orders", "post"),
                ("/v1/orders/{order_id}", "get"),
            ):
                block = page.locator(f".opblock-{method} .opblock-summary-path[data-path='{path}']")
                await block.first.wait_for(state="visible", timeout=30_000)
            assert await page.locator("text=Place an order").count() >= 1
            assert await page.locator("text=List and search pizzas").count() >= 1
            await save_screenshot(page, "docs-swagger-ui.png")
            swagger_requests = list(made)

            await page.goto(f"{base_url}/redoc")
            # ReDoc renders each operation as a section headed by its summary.
            for summary in ("Place an order", "List and search pizzas", "Get an order"):
                heading = page.locator("h2", has_text=summary)
                await heading.first.wait_for(state="visible", timeout=30_000)
            await save_screenshot(page, "docs-redoc.png")
            await browser.close()

    assert not refused, f"the docs tried to leave the app: {refused}"
    assert not errors, errors
    assert f"{base_url}/openapi.json" in swagger_requests
    assert any(url.endswith("swagger-ui-bundle.js") for url in swagger_requests)
    assert any(url.endswith("redoc.standalone.js") for url in made)
    assert all(url.startswith(base_url) or url.startswith(LOCAL_SCHEMES) for url in made)
