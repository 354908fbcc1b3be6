from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from tests.unit.fakes import FakeIngredient, FakeMenu, extra, pizza
from usersnack.common.schemas import Page
from usersnack.errors import NotFoundError
from usersnack.menu.schemas import PizzaFilter
from usersnack.menu.service import MenuService


@pytest.fixture
def menu() -> FakeMenu:
    return FakeMenu()


async def test_pizza_view_sorts_ingredients_and_prefixes_images(menu):
    margherita = pizza(
        ingredients=[FakeIngredient("tomato"), FakeIngredient("basil")], images=["pizzas/m.jpg"]
    )
    menu.add(margherita)

    shown = await MenuService(menu, media_url="/media/").get_pizza(margherita.id)

    assert [i.name for i in shown.ingredients] == ["basil", "tomato"]
    assert shown.images == ["/media/pizzas/m.jpg"]
    assert shown.price == Decimal("9.50")


async def test_unknown_pizza_is_not_found(menu):
    with pytest.raises(NotFoundError):
        await MenuService(menu).get_pizza(uuid.uuid4())
    with pytest.raises(NotFoundError):
        await MenuService(menu).list_pizza_extras(uuid.uuid4(), Page())


async def test_list_envelope(menu):
    menu.add(pizza(name="B"), pizza(name="A"), pizza(name="C"))
    page = await MenuService(menu).list_pizzas(PizzaFilter(), Page(offset=1, limit=1))
    assert [p.name for p in page.results] == ["B"]
    assert (page.offset, page.limit, page.size) == (1, 1, 3)


async def test_extras_show_list_price_and_free_flag(menu):
    margherita = pizza()
    basil = extra(name="basil", price="0.80")
    menu.add(margherita)
    menu.offer(margherita, basil, is_free=True)

    page = await MenuService(menu).list_pizza_extras(margherita.id, Page())

    [shown] = page.results
    assert (shown.name, shown.price, shown.is_free) == ("basil", Decimal("0.80"), True)
