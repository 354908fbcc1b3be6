"""Storage of orders: the only order code that touches Tortoise models or SQL."""

from __future__ import annotations

import json
from uuid import UUID

from tortoise.connection import get_connection

from usersnack.models import Order
from usersnack.orders.pricing import PricedOrder


class IdempotencyKeyTaken(Exception):
    """Another order already holds this Idempotency-Key (a retry, or a concurrent twin)."""


# The order, its packages and their garnishes in ONE statement: atomic on its own (no
# partial order can exist), one round trip, and the same cost for 1 package or 20. Lines are
# passed as parallel arrays. ON CONFLICT makes a reused Idempotency-Key insert nothing.
INSERT_ORDER_SQL = """
WITH new_order AS (
    INSERT INTO customer_order (id, name, contact_phones, delivery_address, total_cost,
                                processed, created_at, idempotency_key, request_digest)
    VALUES ($1, $2, $3::jsonb, $4::jsonb, $5, false, $6, $7, $8)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id
), new_packages AS (
    INSERT INTO order_package (id, order_id, position, pizza_id_at_order, pizza_snapshot,
                               pizza_price, quantity, unit_price, subtotal)
    SELECT line.id, new_order.id, line.position, line.pizza_id, line.snapshot::jsonb,
           line.pizza_price, line.quantity, line.unit_price, line.subtotal
    FROM new_order,
         unnest($9::uuid[], $10::smallint[], $11::uuid[], $12::text[], $13::numeric[],
                $14::smallint[], $15::numeric[], $16::numeric[])
           AS line(id, position, pizza_id, snapshot, pizza_price, quantity, unit_price, subtotal)
), new_garnishes AS (
    INSERT INTO order_garnish (id, package_id, position, extra_id_at_order, name, list_price,
                               is_free, unit_price, quantity)
    SELECT line.id, line.package_id, line.position, line.extra_id, line.name, line.list_price,
           line.is_free, line.unit_price, line.quantity
    FROM new_order,
         unnest($17::uuid[], $18::uuid[], $19::smallint[], $20::uuid[], $21::text[],
                $22::numeric[], $23::boolean[], $24::numeric[], $25::smallint[])
           AS line(id, package_id, position, extra_id, name, list_price, is_free, unit_price,
                   quantity)
)
SELECT id FROM new_order
"""


class OrderRepository:
    async def get_order(self, order_id: UUID) -> Order | None:
        return await Order.get_or_none(id=order_id).prefetch_related("packages__garnishes")

    async def get_order_by_idempotency_key(self, key: str) -> Order | None:
        return await Order.get_or_none(idempotency_key=key).prefetch_related("packages__garnishes")

    async def add_order(self, order: PricedOrder) -> None:
        """Store the order with all its lines, or raise IdempotencyKeyTaken."""
        packages = order.packages
        garnishes = [(package, garnish) for package in packages for garnish in package.garnishes]
        values = [
            order.id,
            order.name,
            json.dumps(order.contact_phones),
            json.dumps(order.delivery_address),
            order.total_cost,
            order.created_at,
            order.idempotency_key,
            order.request_digest,
            [package.id for package in packages],
            [package.position for package in packages],
            [package.pizza_id_at_order for package in packages],
            [package.pizza_json for package in packages],
            [package.pizza_price for package in packages],
            [package.quantity for package in packages],
            [package.unit_price for package in packages],
            [package.subtotal for package in packages],
            [garnish.id for _, garnish in garnishes],
            [package.id for package, _ in garnishes],
            [garnish.position for _, garnish in garnishes],
            [garnish.extra_id_at_order for _, garnish in garnishes],
            [garnish.name for _, garnish in garnishes],
            [garnish.list_price for _, garnish in garnishes],
            [garnish.is_free for _, garnish in garnishes],
            [garnish.unit_price for _, garnish in garnishes],
            [garnish.quantity for _, garnish in garnishes],
        ]
        _, rows = await get_connection("default").execute_query(INSERT_ORDER_SQL, values)
        if not rows:
            raise IdempotencyKeyTaken(order.idempotency_key)
