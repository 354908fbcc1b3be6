"""OrderService with fake repositories: pricing, cross-entity rules, idempotency."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from tests.factories import order_body
from tests.unit.fakes import FakeMenu, FakeOrders, extra, pizza
from usersnack.menu.cache import MenuCache
from usersnack.errors import ConflictError, NotFoundError, ValidationFailed
from usersnack.orders.schemas import OrderIn
from usersnack.orders.service import OrderService


@pytest.fixture
def menu() -> FakeMenu:
    return FakeMenu()


@pytest.fixture
def orders() -> FakeOrders:
    return FakeOrders()


@pytest.fixture
def menu_cache(menu: FakeMenu) -> MenuCache:
    return menu.cache()


@pytest.fixture
def service(menu_cache: MenuCache, orders: FakeOrders) -> OrderService:
    return OrderService(orders, menu_cache, phone_region="AT")


def order_in(**kwargs) -> OrderIn:
    return OrderIn.model_validate(order_body(**kwargs))


def field_names(error: ValidationFailed) -> list[str]:
    return [detail["field"] for detail in error.details]


async def test_package_price_is_quantity_times_pizza_plus_extras(service, menu):
    margherita = pizza(price="9.50")
    cheese, olives = extra(name="cheese", price="1.50"), extra(name="olives", price="1.20")
    menu.add(margherita)
    menu.offer(margherita, cheese)
    menu.offer(margherita, olives)

    placed = await service.place_order(
        order_in(
            pizza_id=margherita.id,
            quantity=3,
            garnishes=[
                {"extra_id": str(cheese.id), "quantity": 2},
                {"extra_id": str(olives.id), "quantity": 1},
            ],
        )
    )

    package = placed.order.packages[0]
    assert package.unit_price == Decimal("13.70")  # 9.50 + 2 × 1.50 + 1.20
    assert package.subtotal == Decimal("41.10")
    assert placed.order.total_cost == Decimal("41.10")
    assert placed.created


async def test_free_extra_costs_nothing_with_that_pizza_only(service, menu):
    margherita, marinara = pizza(name="Margherita", price="9.50"), pizza(name="Marinara")
    basil = extra(name="basil", price="0.80")
    menu.add(margherita, marinara)
    menu.offer(margherita, basil, is_free=True)
    menu.offer(marinara, basil)

    placed = await service.place_order(
        order_in(
            pizza_id=None,
            packages=[
                {"pizza_id": str(margherita.id), "garnishes": [{"extra_id": str(basil.id)}]},
                {"pizza_id": str(marinara.id), "garnishes": [{"extra_id": str(basil.id)}]},
            ],
        )
    )

    free, paid = placed.order.packages
    assert free.garnishes[0].unit_price == Decimal("0.00") and free.garnishes[0].extra.is_free
    assert free.garnishes[0].extra.price == Decimal("0.80")
    assert paid.garnishes[0].unit_price == Decimal("0.80")
    assert placed.order.total_cost == Decimal("9.50") + Decimal("9.50") + Decimal("0.80")


async def test_total_is_exact_in_cents(service, menu):
    cheap = pizza(price="0.10")
    menu.add(cheap)
    placed = await service.place_order(order_in(pizza_id=cheap.id, quantity=3))
    assert placed.order.total_cost == Decimal("0.30")
    assert str(placed.order.total_cost) == "0.30"


async def test_order_keeps_the_menu_as_it_was(service, menu, menu_cache):
    margherita = pizza(name="Margherita", price="9.50", images=["pizzas/m.jpg"])
    menu.add(margherita)
    placed = await service.place_order(order_in(pizza_id=margherita.id))

    margherita.price = Decimal("20.00")
    margherita.name = "Renamed"
    menu_cache.invalidate()
    again = await service.get_order(placed.order.id)

    assert again.total_cost == Decimal("9.50")
    assert again.packages[0].pizza.name == "Margherita"
    assert again.packages[0].pizza.images == ["/media/pizzas/m.jpg"]


async def test_unknown_pizza_and_unoffered_extra_name_their_fields(service, menu):
    margherita = pizza()
    menu.add(margherita)
    olives = extra()

    with pytest.raises(ValidationFailed) as caught:
        await service.place_order(
            order_in(
                pizza_id=None,
                packages=[
                    {"pizza_id": str(uuid.uuid4())},
                    {"pizza_id": str(margherita.id), "garnishes": [{"extra_id": str(olives.id)}]},
                ],
            )
        )

    assert field_names(caught.value) == [
        "body.packages.0.pizza_id",
        "body.packages.1.garnishes.0.extra_id",
    ]


@pytest.mark.parametrize(
    "phones, expected",
    [
        (["+43 664 1234567"], ["+436641234567"]),
        (["0664 1234567"], ["+436641234567"]),
        (["+49 30 1234567", "+43 664 1234567"], ["+49301234567", "+436641234567"]),
        (["0664 1234567", "+43 664 1234567"], ["+436641234567"]),
    ],
)
async def test_phones_are_normalized_to_e164(service, menu, phones, expected):
    margherita = pizza()
    menu.add(margherita)
    placed = await service.place_order(order_in(pizza_id=margherita.id, phones=phones))
    assert placed.order.contact_phones == expected


@pytest.mark.parametrize("bad", ["hello", "12", "+43 1", "+999 123456789", "0664"])
async def test_invalid_phones_are_rejected_by_position(service, menu, bad):
    margherita = pizza()
    menu.add(margherita)
    with pytest.raises(ValidationFailed) as caught:
        await service.place_order(order_in(pizza_id=margherita.id, phones=["+43 664 1234567", bad]))
    assert field_names(caught.value) == ["body.contact_phones.1"]


async def test_default_region_is_configurable(menu, orders):
    margherita = pizza()
    menu.add(margherita)
    german = OrderService(orders, menu.cache(), phone_region="DE")
    placed = await german.place_order(order_in(pizza_id=margherita.id, phones=["030 1234567"]))
    assert placed.order.contact_phones == ["+49301234567"]


async def test_idempotent_retry_returns_the_same_order_and_stores_one(service, menu, orders):
    margherita = pizza()
    menu.add(margherita)
    body = order_in(pizza_id=margherita.id)

    first = await service.place_order(body, "key-1")
    retry = await service.place_order(order_in(pizza_id=margherita.id), "key-1")

    assert retry.order == first.order
    assert first.created and not retry.created
    assert len(orders.orders) == 1


async def test_equivalent_phone_spelling_counts_as_the_same_request(service, menu, orders):
    margherita = pizza()
    menu.add(margherita)
    first = await service.place_order(
        order_in(pizza_id=margherita.id, phones=["+43 664 1234567"]), "k"
    )
    retry = await service.place_order(order_in(pizza_id=margherita.id, phones=["06641234567"]), "k")
    assert retry.order.id == first.order.id


async def test_same_key_different_body_conflicts(service, menu, orders):
    margherita = pizza()
    menu.add(margherita)
    await service.place_order(order_in(pizza_id=margherita.id), "key-1")

    with pytest.raises(ConflictError):
        await service.place_order(order_in(pizza_id=margherita.id, quantity=2), "key-1")
    assert len(orders.orders) == 1


async def test_concurrent_retry_that_wins_the_race_is_returned(service, menu, orders):
    margherita = pizza()
    menu.add(margherita)
    elsewhere = FakeOrders()
    winner = await OrderService(elsewhere, menu.cache()).place_order(
        order_in(pizza_id=margherita.id), "race"
    )
    # The other request commits between this one's key look-up and its insert.
    orders.racing_order = elsewhere.orders[winner.order.id]

    placed = await service.place_order(order_in(pizza_id=margherita.id), "race")

    assert placed.order.id == winner.order.id and not placed.created
    assert len(orders.orders) == 1


async def test_without_key_every_post_is_a_new_order(service, menu, orders):
    margherita = pizza()
    menu.add(margherita)
    await service.place_order(order_in(pizza_id=margherita.id))
    await service.place_order(order_in(pizza_id=margherita.id))
    assert len(orders.orders) == 2


async def test_unknown_order_is_not_found(service):
    with pytest.raises(NotFoundError):
        await service.get_order(uuid.uuid4())
