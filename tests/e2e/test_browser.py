"""The API from a page on another origin, in real headless Chromium: CORS as browsers apply it.

The page (tests/e2e/frontend) stands in for the React front end: it fetches the menu, shows a
pizza with its image, places an order with fetch and an Idempotency-Key, retries it, and
shows the result. A page on an origin CORS_ORIGINS does not list must fail in the browser.
"""

from __future__ import annotations

import sys
from urllib.parse import urlencode

import httpx
import pytest

from tests.e2e.browser import chromium_path, launch_chromium, save_screenshot, static_site
from tests.e2e.conftest import running_server, server_env
from tests.factories import order_body

pytestmark = pytest.mark.system

DONE = "['ordered', 'failed'].includes(document.getElementById('status').textContent)"


def _uvicorn(env: dict[str, str]) -> list[str]:
    return [sys.executable, "-m", "uvicorn", "usersnack.main:app", "--port", env["PORT"]]


async def _order_count() -> int:
    from usersnack.models.orders import Order

    return await Order.all().count()


async def test_a_page_on_an_allowed_origin_shows_a_pizza_and_orders_it(
    clean_db, subprocess_env, tmp_path
):
    from playwright.async_api import async_playwright

    from usersnack.fixtures.loader import load_menu

    chromium = chromium_path()
    await load_menu()
    with static_site() as page_origin:
        env = server_env(subprocess_env, CORS_ORIGINS=page_origin)
        with running_server(_uvicorn(env), env, tmp_path / "api.log") as api:
            async with async_playwright() as playwright:
                browser = await launch_chromium(playwright, chromium)
                page = await browser.new_page()
                query = urlencode({"api": api, "customer": "Grace Hopper"})
                await page.goto(f"{page_origin}/index.html?{query}")
                await page.wait_for_function(DONE, timeout=30_000)
                await save_screenshot(page, "browser-order.png")

                status = await page.text_content("#status")
                error = await page.text_content("#error")
                assert status == "ordered", f"the page failed: {error}"
                image_width = await page.eval_on_selector("#pizza-image", "i => i.naturalWidth")
                shown = {
                    key: await page.text_content(f"#order-{key}")
                    for key in ("id", "total", "location", "request-id", "replayed")
                }
                pizza_name = await page.text_content("#pizza-name")
                await browser.close()

            assert image_width > 0, "the pizza image did not render"
            # The order exists, as the API (not only the page) tells.
            order = httpx.get(f"{api}/v1/orders/{shown['id']}", timeout=10)
            assert order.status_code == 200
            assert order.json()["name"] == "Grace Hopper"
            assert order.json()["total_cost"] == shown["total"]
            assert order.json()["packages"][0]["pizza"]["name"] == pizza_name
            assert order.json()["packages"][0]["quantity"] == 2
            # Headers the page could read only because CORS exposes them.
            assert shown["location"] == f"/v1/orders/{shown['id']}"
            assert shown["request-id"] not in ("", "(hidden)")
            assert shown["replayed"] == "true"
    # The retry with the same Idempotency-Key created nothing.
    assert await _order_count() == 1


async def test_a_page_on_another_origin_is_refused_by_the_browser(
    clean_db, subprocess_env, tmp_path
):
    from playwright.async_api import async_playwright

    from usersnack.fixtures.loader import load_menu

    chromium = chromium_path()
    await load_menu()
    with static_site() as allowed_origin, static_site() as other_origin:
        env = server_env(subprocess_env, CORS_ORIGINS=allowed_origin)
        with running_server(_uvicorn(env), env, tmp_path / "api.log") as api:
            pizza_id = httpx.get(f"{api}/v1/pizzas", timeout=10).json()["results"][0]["id"]
            async with async_playwright() as playwright:
                browser = await launch_chromium(playwright, chromium)
                page = await browser.new_page()
                console: list[str] = []
                page.on("console", lambda message: console.append(message.text))
                await page.goto(f"{other_origin}/index.html?{urlencode({'api': api})}")
                await page.wait_for_function(DONE, timeout=30_000)
                await save_screenshot(page, "browser-refused-origin.png")
                status = await page.text_content("#status")
                error = await page.text_content("#error")
                # The order on its own, with a body the API would accept from an allowed page.
                outcome = await page.evaluate(
                    """async ([api, body]) => {
                        try {
                            await fetch(`${api}/v1/orders`, {
                                method: "POST",
                                headers: {"Content-Type": "application/json",
                                          "Idempotency-Key": crypto.randomUUID()},
                                body: JSON.stringify(body),
                            });
                            return "resolved";
                        } catch (error) {
                            return error.name;
                        }
                    }""",
                    [api, order_body(pizza_id=pizza_id)],
                )
                await browser.close()

    assert status == "failed"
    assert error.startswith("TypeError"), error  # fetch rejected: the browser hid the answer
    assert outcome == "TypeError"
    assert any("CORS policy" in line for line in console), console
    assert await _order_count() == 0  # the refused preflight kept the POST from being sent
