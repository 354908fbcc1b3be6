from __future__ import annotations

import json
import uuid

import pytest

from tests.unit.fakes import FakeIngredient, FakeMenu, extra, pizza
from usersnack.common.schemas import Page
from usersnack.errors import NotFoundError
from usersnack.menu.schemas import PizzaFilter
from usersnack.menu.service import MenuService


@pytest.fixture
def menu() -> FakeMenu:
    return FakeMenu()


@pytest.fixture
def service(menu: FakeMenu) -> MenuService:
    return MenuService(menu.cache())


async def test_pizza_view_sorts_ingredients_and_prefixes_images(menu, service):
    margherita = pizza(
        price="9.5",
        ingredients=[FakeIngredient("tomato"), FakeIngredient("basil")],
        images=["pizzas/m.jpg"],
    )
    menu.add(margherita)

    shown = json.loads((await service.get_pizza(margherita.id)).body)

    assert [i["name"] for i in shown["ingredients"]] == ["basil", "tomato"]
    assert shown["images"] == ["/media/pizzas/m.jpg"]
    assert shown["price"] == "9.50"
    assert shown["created_at"] == "2026-01-01T12:00:00Z"


async def test_unknown_pizza_is_not_found(service):
    with pytest.raises(NotFoundError):
        await service.get_pizza(uuid.uuid4())
    with pytest.raises(NotFoundError):
        await service.list_pizza_extras(uuid.uuid4(), Page())


async def test_list_envelope_filters_and_pages(menu, service):
    ham = FakeIngredient("ham")
    menu.add(pizza(name="Bravo"), pizza(name="Alpha", ingredients=[ham]), pizza(name="Charlie"))

    page = json.loads((await service.list_pizzas(PizzaFilter(), Page(offset=1, limit=1))).body)
    assert [p["name"] for p in page["results"]] == ["Bravo"]
    assert (page["offset"], page["limit"], page["size"]) == (1, 1, 3)

    by_name = json.loads((await service.list_pizzas(PizzaFilter(name="HAR"), Page())).body)
    assert [p["name"] for p in by_name["results"]] == ["Charlie"]
    by_ingredient = json.loads(
        (await service.list_pizzas(PizzaFilter(ingredient_id=ham.id), Page())).body
    )
    assert [p["name"] for p in by_ingredient["results"]] == ["Alpha"]


async def test_extras_show_list_price_and_free_flag(menu, service):
    margherita = pizza()
    menu.add(margherita)
    menu.offer(margherita, extra(name="olives", price="1.20"))
    menu.offer(margherita, extra(name="basil", price="0.8"), is_free=True)

    page = json.loads((await service.list_pizza_extras(margherita.id, Page())).body)

    assert page["results"] == [
        {"id": page["results"][0]["id"], "name": "basil", "price": "0.80", "is_free": True},
        {"id": page["results"][1]["id"], "name": "olives", "price": "1.20", "is_free": False},
    ]
    assert page["size"] == 2


async def test_the_menu_is_loaded_once_until_invalidated(menu):
    menu.add(pizza(name="Alpha"))
    cache = menu.cache()
    service = MenuService(cache)

    first = await service.list_pizzas(PizzaFilter(), Page())
    again = await service.list_pizzas(PizzaFilter(), Page())
    assert menu.loads == 1
    assert first.etag == again.etag

    menu.add(pizza(name="Beta"))
    cache.invalidate()
    changed = await service.list_pizzas(PizzaFilter(), Page())

    assert menu.loads == 2
    assert changed.etag != first.etag
    assert json.loads(changed.body)["size"] == 2
