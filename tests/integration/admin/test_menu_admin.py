"""Managing the menu through HTTP on real PostgreSQL, seen through the public API at once."""

from __future__ import annotations

import uuid

import pytest

from tests.factories import make_extra, make_ingredient, make_pizza, order_body

ADMIN = "/v1/admin"


async def create(staff, collection: str, **body) -> dict:  # noqa: ANN001
    response = await staff.post(f"{ADMIN}/{collection}", json=body)
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"{ADMIN}/{collection}/{response.json()['id']}"
    return response.json()


@pytest.fixture
async def basics(staff):
    tomato = await create(staff, "ingredients", name="tomato")
    mozzarella = await create(staff, "ingredients", name="mozzarella")
    basil = await create(staff, "extras", name="fresh basil", price="0.70")
    olives = await create(staff, "extras", name="olives", price=1.2)
    return {"tomato": tomato, "mozzarella": mozzarella, "basil": basil, "olives": olives}


async def new_pizza(staff, basics, **body) -> dict:  # noqa: ANN001
    body.setdefault("name", "Bufala")
    body.setdefault("price", "12.90")
    body.setdefault("ingredient_ids", [basics["tomato"]["id"], basics["mozzarella"]["id"]])
    body.setdefault(
        "extras",
        [
            {"extra_id": basics["basil"]["id"], "is_free": True},
            {"extra_id": basics["olives"]["id"]},
        ],
    )
    return await create(staff, "pizzas", **body)


# ---- building a pizza, seen on the public menu --------------------------------------------


async def test_a_new_pizza_is_on_the_public_menu_at_once(staff, client, basics):
    pizza = await new_pizza(staff, basics)

    assert pizza["price"] == "12.90" and pizza["retired_at"] is None
    assert [i["name"] for i in pizza["ingredients"]] == ["mozzarella", "tomato"]
    public = (await client.get(f"/v1/pizzas/{pizza['id']}")).json()
    assert public["name"] == "Bufala" and public["price"] == "12.90"
    assert [i["name"] for i in public["ingredients"]] == ["mozzarella", "tomato"]
    extras = (await client.get(f"/v1/pizzas/{pizza['id']}/extras")).json()["results"]
    assert [(e["name"], e["price"], e["is_free"]) for e in extras] == [
        ("fresh basil", "0.70", True),
        ("olives", "1.20", False),
    ]
    names = {i["name"] for i in (await client.get("/v1/ingredients")).json()["results"]}
    assert names == {"tomato", "mozzarella"}


async def test_every_change_shows_on_the_warm_public_menu_at_once(staff, client, basics):
    pizza = await new_pizza(staff, basics)
    path = f"/v1/pizzas/{pizza['id']}"
    etag = (await client.get(path)).headers["etag"]  # the menu is cached now

    await staff.patch(f"{ADMIN}/pizzas/{pizza['id']}", json={"price": "14.10", "name": "Bufala!"})
    shown = await client.get(path, headers={"If-None-Match": etag})
    assert shown.status_code == 200
    assert (shown.json()["price"], shown.json()["name"]) == ("14.10", "Bufala!")

    await staff.put(
        f"{ADMIN}/pizzas/{pizza['id']}/extras",
        json={"extras": [{"extra_id": basics["olives"]["id"], "is_free": True}]},
    )
    extras = (await client.get(path + "/extras")).json()["results"]
    assert [(e["name"], e["is_free"]) for e in extras] == [("olives", True)]

    await staff.patch(f"{ADMIN}/extras/{basics['olives']['id']}", json={"price": "2"})
    assert (await client.get(path + "/extras")).json()["results"][0]["price"] == "2.00"

    await staff.patch(f"{ADMIN}/ingredients/{basics['tomato']['id']}", json={"name": "Tomato"})
    assert "Tomato" in {i["name"] for i in (await client.get(path)).json()["ingredients"]}


async def test_get_and_list_items(staff, basics):
    pizza = await new_pizza(staff, basics)
    await new_pizza(staff, basics, name="Another")
    await staff.delete(f"{ADMIN}/pizzas/{pizza['id']}")

    assert (await staff.get(f"{ADMIN}/pizzas/{pizza['id']}")).json()["retired_at"] is not None
    everything = (await staff.get(f"{ADMIN}/pizzas")).json()
    assert [p["name"] for p in everything["results"]] == ["Another", "Bufala"]
    assert (everything["offset"], everything["limit"], everything["size"]) == (0, 10, 2)
    live = (await staff.get(f"{ADMIN}/pizzas?retired=false")).json()["results"]
    assert [p["name"] for p in live] == ["Another"]
    retired = (await staff.get(f"{ADMIN}/pizzas?retired=true&name=BUF")).json()["results"]
    assert [p["name"] for p in retired] == ["Bufala"]
    page = (await staff.get(f"{ADMIN}/extras?limit=1&offset=1")).json()
    assert [e["name"] for e in page["results"]] == ["olives"] and page["size"] == 2
    assert (await staff.get(f"{ADMIN}/ingredients?name=%25")).json()["size"] == 0


@pytest.mark.parametrize("collection", ["pizzas", "extras", "ingredients"])
async def test_unknown_or_malformed_ids(staff, collection):
    missing = await staff.get(f"{ADMIN}/{collection}/{uuid.uuid4()}")
    assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"
    assert (await staff.patch(f"{ADMIN}/{collection}/{uuid.uuid4()}", json={})).status_code == 404
    assert (await staff.delete(f"{ADMIN}/{collection}/{uuid.uuid4()}")).status_code == 404
    malformed = await staff.get(f"{ADMIN}/{collection}/not-a-uuid")
    assert malformed.status_code == 422
    assert malformed.json()["details"][0]["field"].startswith("path.")


# ---- names ------------------------------------------------------------------------------


@pytest.mark.parametrize("collection", ["pizzas", "extras", "ingredients"])
async def test_a_live_name_clash_is_409_and_a_retired_name_is_free(staff, basics, collection):
    bodies = {
        "ingredients": {"name": "Garlic"},
        "extras": {"name": "Garlic", "price": "1.00"},
        "pizzas": {
            "name": "Garlic",
            "price": "9.00",
            "ingredient_ids": [basics["tomato"]["id"]],
        },
    }
    first = await create(staff, collection, **bodies[collection])

    clash = await staff.post(f"{ADMIN}/{collection}", json={**bodies[collection], "name": "GARLIC"})
    assert clash.status_code == 409 and clash.json()["code"] == "CONFLICT"
    assert clash.json()["details"][0]["field"] == "body.name"

    await staff.delete(f"{ADMIN}/{collection}/{first['id']}")
    second = await create(staff, collection, **bodies[collection])
    assert second["id"] != first["id"]


async def test_renaming_onto_a_live_name_is_409(staff, basics):
    response = await staff.patch(
        f"{ADMIN}/extras/{basics['basil']['id']}", json={"name": " Olives "}
    )
    assert response.status_code == 409
    again = await staff.patch(f"{ADMIN}/extras/{basics['basil']['id']}", json={"name": "Basil"})
    assert again.status_code == 200 and again.json()["name"] == "Basil"


async def test_the_database_refuses_a_duplicate_live_name_even_behind_the_service(staff):
    from tortoise.exceptions import IntegrityError

    await make_ingredient(name="salt")
    with pytest.raises(IntegrityError):
        await make_ingredient(name="SALT")


# ---- input rules ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "price, field_ok",
    [
        ("0.00", False),
        ("-1", False),
        ("9.999", False),
        ("1000.01", False),
        ("NaN", False),
        ("Infinity", False),
        (True, False),
        ("ten", False),
        (None, False),
        ("1000.00", True),
        (0.01, True),
        ("12.3", True),
    ],
)
async def test_pizza_prices(staff, basics, price, field_ok):
    body = {"name": "P", "price": price, "ingredient_ids": [basics["tomato"]["id"]]}
    response = await staff.post(f"{ADMIN}/pizzas", json=body)
    if field_ok:
        assert response.status_code == 201, response.text
    else:
        assert response.status_code == 422, response.text
        assert response.json()["details"][0]["field"] == "body.price"


async def test_an_extra_may_cost_nothing_but_not_less(staff):
    assert (
        await staff.post(f"{ADMIN}/extras", json={"name": "a", "price": "0"})
    ).status_code == 201
    refused = await staff.post(f"{ADMIN}/extras", json={"name": "b", "price": "-0.01"})
    assert refused.status_code == 422


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "body.name"),
        ({"name": "  "}, "body.name"),
        ({"name": "x" * 101}, "body.name"),
        ({"name": "bad\x00name"}, "body.name"),
        ({"name": "ok", "colour": "red"}, "body.colour"),
    ],
)
async def test_bad_ingredient_bodies_are_422(staff, body, field):
    response = await staff.post(f"{ADMIN}/ingredients", json=body)
    assert response.status_code == 422
    assert field in [detail["field"] for detail in response.json()["details"]]


async def test_bad_pizza_links_are_422_naming_the_field(staff, basics):
    await staff.delete(f"{ADMIN}/extras/{basics['olives']['id']}")
    body = {
        "name": "P",
        "price": "9",
        "ingredient_ids": [basics["tomato"]["id"], str(uuid.uuid4())],
        "extras": [{"extra_id": basics["basil"]["id"]}, {"extra_id": basics["olives"]["id"]}],
    }
    response = await staff.post(f"{ADMIN}/pizzas", json=body)
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["details"]] == [
        "body.ingredient_ids.1",
        "body.extras.1.extra_id",
    ]
    for bad, field in [
        ({"ingredient_ids": []}, "body.ingredient_ids"),
        ({"ingredient_ids": [basics["tomato"]["id"]] * 2}, "body.ingredient_ids"),
        ({"extras": [{"extra_id": basics["basil"]["id"]}] * 2}, "body.extras"),
    ]:
        response = await staff.post(f"{ADMIN}/pizzas", json={**body, **bad})
        assert response.status_code == 422
        assert response.json()["details"][0]["field"] == field


async def test_a_patch_keeps_what_it_leaves_out_and_refuses_null(staff, basics):
    pizza = await new_pizza(staff, basics)
    path = f"{ADMIN}/pizzas/{pizza['id']}"

    nulled = await staff.patch(path, json={"price": None})
    assert nulled.status_code == 422 and nulled.json()["details"][0]["field"] == "body.price"
    unchanged = await staff.patch(path, json={})
    assert unchanged.status_code == 200 and unchanged.json() == pizza

    changed = await staff.patch(path, json={"ingredient_ids": [basics["tomato"]["id"]]})
    assert [i["name"] for i in changed.json()["ingredients"]] == ["tomato"]
    assert changed.json()["price"] == "12.90" and changed.json()["extras"] == pizza["extras"]


# ---- retiring ---------------------------------------------------------------------------


async def test_a_retired_pizza_leaves_the_menu_cannot_be_ordered_and_old_orders_keep_it(
    staff, client, basics
):
    pizza = await new_pizza(staff, basics)
    placed = await client.post(
        "/v1/orders",
        json=order_body(
            pizza_id=pizza["id"], garnishes=[{"extra_id": basics["olives"]["id"], "quantity": 1}]
        ),
    )
    assert placed.status_code == 201

    retired = await staff.delete(f"{ADMIN}/pizzas/{pizza['id']}")
    assert retired.status_code == 200 and retired.json()["retired_at"] is not None
    again = await staff.delete(f"{ADMIN}/pizzas/{pizza['id']}")
    assert again.json()["retired_at"] == retired.json()["retired_at"]

    assert (await client.get(f"/v1/pizzas/{pizza['id']}")).status_code == 404
    assert (await client.get("/v1/pizzas")).json()["size"] == 0
    refused = await client.post("/v1/orders", json=order_body(pizza_id=pizza["id"]))
    assert refused.status_code == 422
    assert refused.json()["details"][0]["field"] == "body.packages.0.pizza_id"

    old = (await client.get(f"/v1/orders/{placed.json()['id']}")).json()
    assert old == placed.json()
    assert old["packages"][0]["pizza"]["name"] == "Bufala"
    inbox = (await staff.get(f"{ADMIN}/orders/{placed.json()['id']}")).json()
    assert inbox["packages"][0]["pizza_name"] == "Bufala"


async def test_a_retired_pizza_cannot_be_changed(staff, basics):
    pizza = await new_pizza(staff, basics)
    await staff.delete(f"{ADMIN}/pizzas/{pizza['id']}")
    response = await staff.patch(f"{ADMIN}/pizzas/{pizza['id']}", json={"price": "1"})
    assert response.status_code == 409 and response.json()["details"]["retired_at"]


async def test_a_retired_extra_leaves_offers_and_cannot_be_ordered(staff, client, basics):
    pizza = await new_pizza(staff, basics)
    placed = await client.post(
        "/v1/orders",
        json=order_body(
            pizza_id=pizza["id"], garnishes=[{"extra_id": basics["olives"]["id"], "quantity": 2}]
        ),
    )

    await staff.delete(f"{ADMIN}/extras/{basics['olives']['id']}")

    extras = (await client.get(f"/v1/pizzas/{pizza['id']}/extras")).json()["results"]
    assert [e["name"] for e in extras] == ["fresh basil"]
    admin_view = (await staff.get(f"{ADMIN}/pizzas/{pizza['id']}")).json()
    assert [o["extra"]["name"] for o in admin_view["extras"]] == ["fresh basil"]
    refused = await client.post(
        "/v1/orders",
        json=order_body(
            pizza_id=pizza["id"], garnishes=[{"extra_id": basics["olives"]["id"], "quantity": 1}]
        ),
    )
    assert refused.status_code == 422
    assert refused.json()["details"][0]["field"] == "body.packages.0.garnishes.0.extra_id"
    old = (await client.get(f"/v1/orders/{placed.json()['id']}")).json()
    assert old["packages"][0]["garnishes"][0]["extra"]["name"] == "olives"
    assert old["total_cost"] == placed.json()["total_cost"]


async def test_an_ingredient_in_use_cannot_be_retired_until_its_pizzas_are(staff, client, basics):
    pizza = await new_pizza(staff, basics)
    tomato = basics["tomato"]["id"]

    refused = await staff.delete(f"{ADMIN}/ingredients/{tomato}")
    assert refused.status_code == 409
    assert refused.json()["details"] == {"pizzas": [{"id": pizza["id"], "name": "Bufala"}]}

    await staff.delete(f"{ADMIN}/pizzas/{pizza['id']}")
    retired = await staff.delete(f"{ADMIN}/ingredients/{tomato}")
    assert retired.status_code == 200
    public = (await client.get("/v1/ingredients")).json()["results"]
    assert [i["name"] for i in public] == ["mozzarella"]
    # A retired ingredient cannot go on a pizza any more.
    body = {"name": "New", "price": "9", "ingredient_ids": [tomato]}
    response = await staff.post(f"{ADMIN}/pizzas", json=body)
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "body.ingredient_ids.0"


# ---- prices never change placed orders ----------------------------------------------------


async def test_a_price_change_after_an_order_leaves_the_order_alone(staff, client, basics):
    pizza = await new_pizza(staff, basics, price="10.00")
    placed = await client.post(
        "/v1/orders",
        json=order_body(
            pizza_id=pizza["id"],
            quantity=2,
            garnishes=[{"extra_id": basics["olives"]["id"], "quantity": 1}],
        ),
    )
    assert placed.json()["total_cost"] == "22.40"

    await staff.patch(f"{ADMIN}/pizzas/{pizza['id']}", json={"price": "99.00", "name": "Dear"})
    await staff.patch(f"{ADMIN}/extras/{basics['olives']['id']}", json={"price": "9.99"})

    again = await client.get(f"/v1/orders/{placed.json()['id']}")
    assert again.json() == placed.json()
    assert (await staff.get(f"{ADMIN}/orders/{placed.json()['id']}")).json()["total_cost"] == (
        "22.40"
    )
    # New orders pay the new prices.
    new = await client.post(
        "/v1/orders",
        json=order_body(
            pizza_id=pizza["id"], garnishes=[{"extra_id": basics["olives"]["id"], "quantity": 1}]
        ),
    )
    assert new.json()["total_cost"] == "108.99"


async def test_items_made_by_the_fixture_factories_are_manageable(staff, client):
    cheese = await make_extra(name="cheese", price="1.00")
    pizza = await make_pizza(name="Margherita", extras=[cheese])
    response = await staff.patch(f"{ADMIN}/pizzas/{pizza.id}", json={"price": "8.00"})
    assert response.status_code == 200
    assert (await client.get(f"/v1/pizzas/{pizza.id}")).json()["price"] == "8.00"
