from __future__ import annotations

import uuid

import pytest

from tests.factories import make_extra, make_ingredient, make_pizza


async def test_list_pizzas_envelope_and_pizza_shape(client):
    ham = await make_ingredient(name="ham")
    cheese = await make_ingredient(name="mozzarella")
    pizza = await make_pizza(
        name="Meateor", price="16.9", ingredients=[ham, cheese], images=["pizzas/meateor.jpg"]
    )

    response = await client.get("/v1/pizzas")

    assert response.status_code == 200
    body = response.json()
    assert body["offset"] == 0 and body["limit"] == 10 and body["size"] == 1
    [shown] = body["results"]
    assert shown["id"] == str(pizza.id)
    assert shown["name"] == "Meateor"
    assert shown["price"] == "16.90"
    assert shown["ingredients"] == [
        {"id": str(ham.id), "name": "ham"},
        {"id": str(cheese.id), "name": "mozzarella"},
    ]
    assert shown["images"] == ["/media/pizzas/meateor.jpg"]
    assert shown["created_at"].endswith("Z") or "+00:00" in shown["created_at"]
    assert "updated_at" in shown


async def test_paging_walks_every_pizza_once_in_name_order(client):
    names = [f"Pizza {letter}" for letter in "QWERTYUIOPASDFG"]
    for name in names:
        await make_pizza(name=name)
    await make_pizza(name="Pizza AB")  # a prefix of another name sorts first

    seen = []
    for offset in range(0, 20, 4):
        body = (await client.get(f"/v1/pizzas?offset={offset}&limit=4")).json()
        assert body["size"] == 16
        seen += [pizza["name"] for pizza in body["results"]]

    assert seen == sorted(names + ["Pizza AB"])
    assert len(set(seen)) == 16


async def test_name_filter_is_case_insensitive_substring_and_literal(client):
    await make_pizza(name="Meateor")
    await make_pizza(name="Margherita")
    await make_pizza(name="100% Veggie")

    assert [p["name"] for p in (await client.get("/v1/pizzas?name=EAT")).json()["results"]] == [
        "Meateor"
    ]
    body = (await client.get("/v1/pizzas", params={"name": "%"})).json()
    assert [p["name"] for p in body["results"]] == ["100% Veggie"]
    assert (await client.get("/v1/pizzas", params={"name": "_"})).json()["size"] == 0


async def test_ingredient_filter(client):
    ham = await make_ingredient(name="ham")
    basil = await make_ingredient(name="basil")
    await make_pizza(name="Hamlet", ingredients=[ham, basil])
    await make_pizza(name="Basil Only", ingredients=[basil])

    body = (await client.get(f"/v1/pizzas?ingredient={ham.id}")).json()
    assert [p["name"] for p in body["results"]] == ["Hamlet"]
    assert body["size"] == 1
    # The filter must not hide the pizza's other ingredients.
    assert {i["name"] for i in body["results"][0]["ingredients"]} == {"ham", "basil"}

    body = (await client.get(f"/v1/pizzas?ingredient={uuid.uuid4()}")).json()
    assert body == {"results": [], "offset": 0, "limit": 10, "size": 0}


@pytest.mark.parametrize(
    "query, field",
    [
        ("limit=0", "query.limit"),
        ("limit=101", "query.limit"),
        ("limit=abc", "query.limit"),
        ("offset=-1", "query.offset"),
        ("offset=99999999999999999999999", "query.offset"),
        ("ingredient=not-a-uuid", "query.ingredient"),
        ("name=" + "x" * 101, "query.name"),
        ("name=a%00b", "query.name"),
    ],
)
async def test_bad_list_queries_are_422(client, query, field):
    response = await client.get(f"/v1/pizzas?{query}")

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "VALIDATION_ERROR"
    assert field in [detail["field"] for detail in body["details"]]


async def test_get_pizza_found_unknown_and_malformed(client):
    pizza = await make_pizza(name="Hamlet", price="11.90")

    found = await client.get(f"/v1/pizzas/{pizza.id}")
    assert found.status_code == 200
    assert found.json()["name"] == "Hamlet" and found.json()["price"] == "11.90"

    missing = await client.get(f"/v1/pizzas/{uuid.uuid4()}")
    assert missing.status_code == 404
    assert missing.json()["code"] == "NOT_FOUND"

    malformed = await client.get("/v1/pizzas/not-a-uuid")
    assert malformed.status_code == 422
    assert malformed.json()["details"][0]["field"] == "path.pizza_id"


async def test_extras_lists_only_offers_with_free_flag(client):
    cheese = await make_extra(name="extra mozzarella", price="1.50")
    basil = await make_extra(name="fresh basil", price="0.50")
    await make_extra(name="anchovies", price="2.00")  # on the menu, not offered here
    pizza = await make_pizza(name="Margherita", extras=[cheese], free_extras=[basil])

    response = await client.get(f"/v1/pizzas/{pizza.id}/extras")

    assert response.status_code == 200
    assert response.json() == {
        "results": [
            {"id": str(cheese.id), "name": "extra mozzarella", "price": "1.50", "is_free": False},
            {"id": str(basil.id), "name": "fresh basil", "price": "0.50", "is_free": True},
        ],
        "offset": 0,
        "limit": 10,
        "size": 2,
    }
    paged = (await client.get(f"/v1/pizzas/{pizza.id}/extras?offset=1&limit=1")).json()
    assert [extra["name"] for extra in paged["results"]] == ["fresh basil"]
    assert paged["size"] == 2


async def test_extras_of_unknown_pizza_is_404_and_pizza_without_extras_is_empty(client):
    assert (await client.get(f"/v1/pizzas/{uuid.uuid4()}/extras")).status_code == 404
    plain = await make_pizza(name="Plain")
    body = (await client.get(f"/v1/pizzas/{plain.id}/extras")).json()
    assert body["results"] == [] and body["size"] == 0


async def test_ingredients_lists_every_ingredient(client):
    for index in range(25):
        await make_ingredient(name=f"ingredient {index:02d}")

    body = (await client.get("/v1/ingredients")).json()

    assert body["size"] == 25
    assert len(body["results"]) == 25
    assert [i["name"] for i in body["results"]] == sorted(i["name"] for i in body["results"])
    assert set(body["results"][0]) == {"id", "name"}


async def test_media_is_served_in_development(client):
    response = await client.get("/media/pizzas/meateor.jpg")

    assert response.status_code == 200
    assert response.headers["content-type"] == "image/jpeg"
    assert response.content[:3] == b"\xff\xd8\xff"
