"""order_json, the body of POST /v1/orders: exactly OrderOut's JSON, for orders of every shape."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.factories import order_body
from tests.unit.fakes import FakeMenu, FakeOrders, extra, pizza
from usersnack.orders.schemas import OrderIn
from usersnack.orders.service import OrderService

TEXTS = [
    "Ada Lovelace",
    'Zoë "Quotes" O\'Brien \\ Ünïcødé 🍕',
    "line\u2028separator </script> &amp; \u00a0non-breaking",
]


def clock_at(microsecond: int):  # noqa: ANN201
    return lambda: datetime(2026, 11, 22, 18, 30, 5, microsecond, tzinfo=timezone.utc)


@pytest.mark.parametrize("microsecond", [0, 7, 123456])
@pytest.mark.parametrize("text", TEXTS)
async def test_order_json_is_the_schemas_json(microsecond: int, text: str):
    menu = FakeMenu()
    margherita = pizza(name=text, price="9.50", images=["pizzas/a.webp"])
    marinara = pizza(name="Marinara", price="1234567.05")
    cheese, basil = extra(name=text, price="1.50"), extra(name="basil", price="0.35")
    menu.add(margherita, marinara)
    menu.offer(margherita, cheese)
    menu.offer(margherita, basil, is_free=True)
    menu.offer(marinara, basil)
    service = OrderService(FakeOrders(), menu.cache(), clock=clock_at(microsecond))
    body = order_body(
        pizza_id=margherita.id,
        name=text,
        phones=["+43 664 1234567", "0664 7654321"],
        packages=[
            {
                "pizza_id": str(margherita.id),
                "quantity": 3,
                "garnishes": [
                    {"extra_id": str(cheese.id), "quantity": 2},
                    {"extra_id": str(basil.id)},
                ],
            },
            {"pizza_id": str(marinara.id), "quantity": 50, "garnishes": []},
            {"pizza_id": str(marinara.id), "garnishes": [{"extra_id": str(basil.id)}]},
        ],
    )
    body["delivery_address"] = {"street": text, "city": "Wien", "country": "Austria"}

    placed = await service.place_order(OrderIn.model_validate(body), "key-1")

    assert placed.json() == placed.order.model_dump_json().encode()
    assert placed.order.delivery_address.house_number is None  # nulls are in the body too


async def test_a_replayed_order_is_rendered_from_the_stored_one():
    menu = FakeMenu()
    margherita = pizza()
    menu.add(margherita)
    orders = FakeOrders()
    service = OrderService(orders, menu.cache())
    request = OrderIn.model_validate(order_body(pizza_id=margherita.id))

    first = await service.place_order(request, "key-1")
    again = await service.place_order(request, "key-1")

    assert not again.created and again.id == first.id
    assert again.json() == first.json()
