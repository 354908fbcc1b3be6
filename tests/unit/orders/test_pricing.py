from __future__ import annotations

import uuid
from datetime import datetime, timezone
from decimal import Decimal

from usersnack.orders.pricing import PricedGarnish, PricedOrder, PricedPackage


def garnish(price: str, quantity: int, *, is_free: bool = False) -> PricedGarnish:
    return PricedGarnish(
        position=0,
        extra_id_at_order=uuid.uuid4(),
        name="extra",
        list_price=Decimal(price),
        is_free=is_free,
        quantity=quantity,
    )


def package(price: str, quantity: int, garnishes: list[PricedGarnish]) -> PricedPackage:
    return PricedPackage(
        position=0,
        pizza_id_at_order=uuid.uuid4(),
        pizza=None,
        pizza_json=b"{}",
        pizza_price=Decimal(price),
        quantity=quantity,
        garnishes=garnishes,
    )


def test_package_and_order_totals():
    first = package("9.50", 2, [garnish("1.50", 2), garnish("0.70", 1, is_free=True)])
    second = package("16.90", 1, [])
    order = PricedOrder(
        id=uuid.uuid4(),
        name="Ada",
        contact_phones=[],
        delivery_address={},
        created_at=datetime.now(timezone.utc),
        idempotency_key=None,
        request_digest="",
        packages=[first, second],
    )
    assert first.unit_price == Decimal("12.50")
    assert first.subtotal == Decimal("25.00")
    assert order.total_cost == Decimal("41.90")


def test_no_float_drift():
    lines = [package("0.10", 1, [garnish("0.20", 1)]) for _ in range(10)]
    assert sum((line.subtotal for line in lines), Decimal("0")) == Decimal("3.00")
