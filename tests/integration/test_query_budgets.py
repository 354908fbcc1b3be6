"""Query budgets: counted statements, so they hold on a noisy machine (no timing here)."""

from __future__ import annotations

import asyncio

from tests.factories import make_extra, make_ingredient, make_pizza, menu_changed, order_body
from tests.statements import count_statements


async def settle_menu(client) -> None:  # noqa: ANN001
    """Wait until the change notifications for test data have arrived, so warm means warm."""
    for _ in range(100):
        await client.get("/v1/ingredients")
        await asyncio.sleep(0.02)
        with count_statements() as statements:
            await client.get("/v1/ingredients")
        if not statements:
            return
    raise AssertionError("the menu cache kept being invalidated")


async def _menu(client, count: int = 3):  # noqa: ANN001, ANN202
    extras = [await make_extra(name=f"extra {index}") for index in range(4)]
    ingredient = await make_ingredient(name="tomato")
    pizzas = [
        await make_pizza(
            name=f"Pizza {index}",
            ingredients=[ingredient],
            extras=extras[:3],
            free_extras=[extras[3]],
        )
        for index in range(count)
    ]
    await settle_menu(client)
    return pizzas, extras, ingredient


async def test_menu_reads_cost_one_statement_cold_and_none_warm(client):
    pizzas, _, ingredient = await _menu(client)
    paths = [
        "/v1/pizzas",
        "/v1/pizzas?limit=2&offset=1",
        f"/v1/pizzas?name=pizza&ingredient={ingredient.id}",
        f"/v1/pizzas/{pizzas[0].id}",
        f"/v1/pizzas/{pizzas[0].id}/extras",
        "/v1/ingredients",
    ]
    for path in paths:
        menu_changed()
        with count_statements() as cold:
            assert (await client.get(path)).status_code == 200
        with count_statements() as warm:
            assert (await client.get(path)).status_code == 200
        assert len(cold) <= 1, (path, cold)
        assert warm == [], (path, warm)

    # Warm means every menu query, not just repeats of one URL.
    with count_statements() as others:
        for path in ["/v1/pizzas?limit=1", f"/v1/pizzas/{pizzas[1].id}/extras?limit=2"]:
            assert (await client.get(path)).status_code == 200
    assert others == []


async def test_menu_responses_carry_validators_and_answer_304(client):
    await _menu(client, 1)
    first = await client.get("/v1/pizzas")
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "public, no-cache"
    assert "x-usersnack-menu-generation" not in first.headers

    again = await client.get("/v1/pizzas", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert (await client.get("/v1/pizzas", headers={"If-None-Match": '"other"'})).status_code == 200
    assert (
        await client.get("/v1/pizzas", headers={"If-None-Match": f"W/{etag}"})
    ).status_code == 304

    await make_pizza(name="Another")
    await settle_menu(client)
    changed = await client.get("/v1/pizzas", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


async def test_first_cold_response_also_answers_304(client):
    pizzas, _, _ = await _menu(client, 1)
    etag = (await client.get(f"/v1/pizzas/{pizzas[0].id}")).headers["etag"]
    menu_changed()
    response = await client.get(f"/v1/pizzas/{pizzas[0].id}", headers={"If-None-Match": etag})
    assert response.status_code == 304


async def test_an_order_costs_the_same_few_statements_whatever_its_size(client):
    pizzas, extras, _ = await _menu(client, 3)
    await client.get("/v1/pizzas")  # warm the menu

    small = order_body(pizza_id=pizzas[0].id)
    large = order_body(
        pizza_id=None,
        packages=[
            {
                "pizza_id": str(pizzas[index % 3].id),
                "quantity": 2,
                "garnishes": [{"extra_id": str(extra.id), "quantity": 2} for extra in extras],
            }
            for index in range(20)
        ],
    )
    with count_statements() as for_small:
        assert (await client.post("/v1/orders", json=small)).status_code == 201
    with count_statements() as for_large:
        response = await client.post(
            "/v1/orders", json=large, headers={"Idempotency-Key": "budget-1"}
        )
    assert response.status_code == 201
    assert len(response.json()["packages"]) == 20

    assert len(for_small) <= 6 and len(for_large) <= 6, (for_small, for_large)
    assert len(for_large) == len(for_small)
    # The response is built from what was priced, never re-read.
    assert not any(query.lstrip().upper().startswith("SELECT") for query in for_large)

    read_back = await client.get(f"/v1/orders/{response.json()['id']}")
    assert read_back.json() == response.json()


async def test_cold_menu_adds_one_statement_to_an_order(client):
    pizzas, _, _ = await _menu(client, 1)
    menu_changed()
    with count_statements() as statements:
        assert (
            await client.post("/v1/orders", json=order_body(pizza_id=pizzas[0].id))
        ).status_code == 201
    assert len(statements) <= 2, statements
