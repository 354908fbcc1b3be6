"""OrderWriter on real PostgreSQL: orders that arrive together share one statement, and each
still gets its own outcome (stored, key taken, or its own error)."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest
from tortoise.exceptions import OperationalError

from tests.factories import make_extra, make_pizza, order_body
from tests.statements import count_statements
from usersnack.errors import ConflictError
from usersnack.orders.repository import OrderRepository, OrderWriter
from usersnack.orders.schemas import OrderIn
from usersnack.orders.service import OrderService


@pytest.fixture
async def menu(client):  # noqa: ANN001, ANN201 - `client` empties the database first
    cheese = await make_extra(name="extra mozzarella", price="1.50")
    basil = await make_extra(name="fresh basil", price="0.70")
    margherita = await make_pizza(
        name="Margherita", price="9.50", extras=[cheese], free_extras=[basil]
    )
    marinara = await make_pizza(name="Marinara", price="7.90", extras=[cheese, basil])
    return {"margherita": margherita, "marinara": marinara, "cheese": cheese, "basil": basil}


@pytest.fixture
def writer() -> OrderWriter:
    return OrderWriter()


@pytest.fixture
def service(app, writer: OrderWriter) -> OrderService:  # noqa: ANN001
    return OrderService(OrderRepository(writer), app.state.menu_cache)


def request_for(menu: dict, number: int) -> OrderIn:
    """Orders of different shapes, so that a line stored under the wrong order would show."""
    packages = [
        {
            "pizza_id": str(menu["margherita"].id),
            "quantity": 1 + number % 3,
            "garnishes": [
                {"extra_id": str(menu["cheese"].id), "quantity": 1 + number % 2},
                {"extra_id": str(menu["basil"].id)},
            ][: number % 3],
        }
    ]
    if number % 2:
        packages.append(
            {
                "pizza_id": str(menu["marinara"].id),
                "quantity": number,
                "garnishes": [{"extra_id": str(menu["basil"].id), "quantity": 2}],
            }
        )
    return OrderIn.model_validate(
        order_body(pizza_id=None, name=f"Customer {number}", packages=packages)
    )


async def test_orders_arriving_together_share_a_statement_and_read_back_whole(menu, service):
    requests = [request_for(menu, number) for number in range(1, 13)]

    with count_statements() as statements:
        placed = await asyncio.gather(
            *(service.place_order(request, f"key-{n}") for n, request in enumerate(requests))
        )

    # The first order goes alone; the eleven that came while it was being written go together.
    assert len([sql for sql in statements if "INSERT INTO customer_order" in sql]) == 2
    assert all(order.created for order in placed)
    for order in placed:
        assert (await service.get_order(order.id)) == order.order


async def test_one_key_twice_in_a_batch_stores_one_order(menu, service):
    request = request_for(menu, 3)

    filler, first, twin, rival = await asyncio.gather(
        # Written alone; the three after it wait, then go together in one statement.
        service.place_order(request_for(menu, 1), "filler"),
        service.place_order(request, "shared-key"),
        service.place_order(request, "shared-key"),
        service.place_order(request_for(menu, 4), "shared-key"),
        return_exceptions=True,
    )

    assert filler.created
    assert first.created and not twin.created and twin.id == first.id
    assert isinstance(rival, ConflictError)  # the same key with another body


async def test_an_order_the_database_refuses_fails_alone(menu, writer, service):
    orders = [
        await service._price(request_for(menu, n), ["+436641234567"], "digest", f"k{n}")
        for n in range(1, 6)
    ]
    # Longer than the column allows: the database refuses the statement that carries it.
    orders[3] = dataclasses.replace(orders[3], name="x" * 500)

    results = await asyncio.gather(*(writer.add(order) for order in orders), return_exceptions=True)

    assert isinstance(results[3], OperationalError)
    assert [results[n] for n in (0, 1, 2, 4)] == [True, True, True, True]
    stored = [await OrderRepository().get_order(order.id) for order in orders]
    assert [order is not None for order in stored] == [True, True, True, False, True]


async def test_a_caller_that_gives_up_does_not_cancel_the_others(menu, writer, service):
    orders = [
        await service._price(request_for(menu, n), ["+436641234567"], "digest", f"c{n}")
        for n in range(1, 4)
    ]
    tasks = [asyncio.ensure_future(writer.add(order)) for order in orders]
    await asyncio.sleep(0)  # every add() has queued its order; the first write is under way
    tasks[1].cancel()

    results = await asyncio.gather(*tasks, return_exceptions=True)

    assert isinstance(results[1], asyncio.CancelledError)
    assert results[0] is True and results[2] is True
    for order in (orders[0], orders[2]):
        assert await OrderRepository().get_order(order.id) is not None
