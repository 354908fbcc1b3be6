"""Concurrent staff requests on real PostgreSQL: the locks and indexes keep the rules true."""

from __future__ import annotations

import asyncio

from tests.factories import make_ingredient, make_pizza
from tests.pictures import picture

ADMIN = "/v1/admin"


async def test_two_creates_with_one_name_make_one_item_and_one_409(staff):
    for attempt in range(5):
        name = f"Twin {attempt}"
        responses = await asyncio.gather(
            *[staff.post(f"{ADMIN}/extras", json={"name": name, "price": "1"}) for _ in range(4)]
        )
        statuses = sorted(response.status_code for response in responses)
        assert statuses == [201, 409, 409, 409], [r.text for r in responses]
        listed = (await staff.get(f"{ADMIN}/extras", params={"name": name})).json()
        assert listed["size"] == 1


async def test_the_unique_index_alone_decides_a_name_race(staff, monkeypatch):
    """Even when the service's check is blind, the partial unique index makes it a 409."""
    from usersnack.admin.repository import MenuAdminRepository

    async def blind(*args, **kwargs) -> bool:
        return False

    monkeypatch.setattr(MenuAdminRepository, "name_taken", blind)
    responses = await asyncio.gather(
        *[staff.post(f"{ADMIN}/ingredients", json={"name": "Salt"}) for _ in range(3)]
    )
    assert sorted(response.status_code for response in responses) == [201, 409, 409]
    renamed = await staff.post(f"{ADMIN}/ingredients", json={"name": "pepper"})
    clash = await staff.patch(f"{ADMIN}/ingredients/{renamed.json()['id']}", json={"name": "SALT"})
    assert clash.status_code == 409 and clash.json()["code"] == "CONFLICT"


async def test_retiring_an_ingredient_while_a_pizza_takes_it_never_leaves_both(staff, client):
    for attempt in range(5):
        ingredient = await make_ingredient(name=f"contested {attempt}")
        create, retire = await asyncio.gather(
            staff.post(
                f"{ADMIN}/pizzas",
                json={"name": f"P{attempt}", "price": "9", "ingredient_ids": [str(ingredient.id)]},
            ),
            staff.delete(f"{ADMIN}/ingredients/{ingredient.id}"),
        )
        # Exactly one of them wins; a live pizza never lists a retired ingredient.
        assert sorted([create.status_code, retire.status_code]) in ([200, 422], [201, 409])
        public = (await client.get("/v1/pizzas", params={"name": f"P{attempt}"})).json()
        for pizza in public["results"]:
            assert [i["id"] for i in pizza["ingredients"]] == [str(ingredient.id)]


async def test_concurrent_uploads_to_one_pizza_keep_every_picture(staff):
    pizza = await make_pizza(name="Busy", images=[])
    pictures = [picture(color=(40 * index, 200, 0)) for index in range(5)]

    responses = await asyncio.gather(
        *[
            staff.post(
                f"{ADMIN}/pizzas/{pizza.id}/images",
                files={"file": ("p.jpg", data, "image/jpeg")},
            )
            for data in pictures
        ]
    )

    assert [response.status_code for response in responses] == [201] * 5
    shown = (await staff.get(f"{ADMIN}/pizzas/{pizza.id}")).json()["images"]
    assert sorted(shown) == sorted(response.json()["url"] for response in responses)
