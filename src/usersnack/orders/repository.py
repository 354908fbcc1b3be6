"""Storage of orders. The only order code that touches Tortoise models."""

from __future__ import annotations

from uuid import UUID

from tortoise.exceptions import IntegrityError

from usersnack.models import Order, OrderGarnish, OrderPackage
from usersnack.orders.pricing import PricedOrder


class IdempotencyKeyTaken(Exception):
    """Another order already holds this Idempotency-Key (a concurrent retry won the race)."""


class OrderRepository:
    async def get_order(self, order_id: UUID) -> Order | None:
        return await Order.get_or_none(id=order_id).prefetch_related("packages__garnishes")

    async def get_order_by_idempotency_key(self, key: str) -> Order | None:
        return await Order.get_or_none(idempotency_key=key).prefetch_related("packages__garnishes")

    async def add_order(self, order: PricedOrder) -> None:
        """Insert the order and all its lines: three statements, whatever the order's size."""
        try:
            await Order.create(
                id=order.id,
                name=order.name,
                contact_phones=order.contact_phones,
                delivery_address=order.delivery_address,
                total_cost=order.total_cost,
                processed=order.processed,
                created_at=order.created_at,
                idempotency_key=order.idempotency_key,
                request_digest=order.request_digest,
            )
        except IntegrityError as error:
            if order.idempotency_key is not None and "idempotency_key" in str(error):
                raise IdempotencyKeyTaken(order.idempotency_key) from error
            raise
        await OrderPackage.bulk_create(
            [
                OrderPackage(
                    id=package.id,
                    order_id=order.id,
                    position=package.position,
                    pizza_id_at_order=package.pizza_id_at_order,
                    pizza_snapshot=package.pizza_snapshot,
                    pizza_price=package.pizza_price,
                    quantity=package.quantity,
                    unit_price=package.unit_price,
                    subtotal=package.subtotal,
                )
                for package in order.packages
            ]
        )
        garnishes = [
            OrderGarnish(
                id=garnish.id,
                package_id=package.id,
                position=garnish.position,
                extra_id_at_order=garnish.extra_id_at_order,
                name=garnish.name,
                list_price=garnish.list_price,
                is_free=garnish.is_free,
                unit_price=garnish.unit_price,
                quantity=garnish.quantity,
            )
            for package in order.packages
            for garnish in package.garnishes
        ]
        if garnishes:
            await OrderGarnish.bulk_create(garnishes)
