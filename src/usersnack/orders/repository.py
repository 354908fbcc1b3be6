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
# partial order can exist), one round trip, and the same cost for 1 package or 20. The lines
# travel as two JSON documents (cheaper to send than a dozen typed arrays). ON CONFLICT makes
# a reused Idempotency-Key insert nothing.
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
         jsonb_to_recordset($9::jsonb) AS line(id uuid, position smallint, pizza_id uuid,
                                              snapshot text, pizza_price numeric,
                                              quantity smallint, unit_price numeric,
                                              subtotal numeric)
), new_garnishes AS (
    INSERT INTO order_garnish (id, package_id, position, extra_id_at_order, name, list_price,
                               is_free, unit_price, quantity)
    SELECT line.id, line.package_id, line.position, line.extra_id, line.name, line.list_price,
           line.is_free, line.unit_price, line.quantity
    FROM new_order,
         jsonb_to_recordset($10::jsonb) AS line(id uuid, package_id uuid, position smallint,
                                               extra_id uuid, name text, list_price numeric,
                                               is_free boolean, unit_price numeric,
                                               quantity smallint)
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
        packages = [
            {
                "id": str(package.id),
                "position": package.position,
                "pizza_id": str(package.pizza_id_at_order),
                "snapshot": package.pizza_json,
                "pizza_price": str(package.pizza_price),
                "quantity": package.quantity,
                "unit_price": str(package.unit_price),
                "subtotal": str(package.subtotal),
            }
            for package in order.packages
        ]
        garnishes = [
            {
                "id": str(garnish.id),
                "package_id": str(package.id),
                "position": garnish.position,
                "extra_id": str(garnish.extra_id_at_order),
                "name": garnish.name,
                "list_price": str(garnish.list_price),
                "is_free": garnish.is_free,
                "unit_price": str(garnish.unit_price),
                "quantity": garnish.quantity,
            }
            for package in order.packages
            for garnish in package.garnishes
        ]
        values = [
            order.id,
            order.name,
            json.dumps(order.contact_phones),
            json.dumps(order.delivery_address),
            order.total_cost,
            order.created_at,
            order.idempotency_key,
            order.request_digest,
            json.dumps(packages),
            json.dumps(garnishes),
        ]
        _, rows = await get_connection("default").execute_query(INSERT_ORDER_SQL, values)
        if not rows:
            raise IdempotencyKeyTaken(order.idempotency_key)
