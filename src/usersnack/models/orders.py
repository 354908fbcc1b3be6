"""Placed orders. Every name and price used is copied in, so menu changes never alter an order."""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model

MONEY_DIGITS = 12


class Order(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    name = fields.CharField(max_length=100)
    contact_phones: list[str] = fields.JSONField()  # type: ignore[assignment]
    delivery_address: dict = fields.JSONField()  # type: ignore[assignment]
    total_cost = fields.DecimalField(max_digits=MONEY_DIGITS, decimal_places=2)
    processed = fields.BooleanField(default=False)
    processed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True, db_index=True)
    # A client's Idempotency-Key and a digest of the request it came with: a retry with the
    # same key finds this order instead of making another.
    idempotency_key = fields.CharField(max_length=255, null=True, unique=True)
    request_digest = fields.CharField(max_length=64, null=True)

    packages: fields.ReverseRelation[OrderPackage]

    class Meta:
        table = "customer_order"
        # The staff inbox: unprocessed orders, newest first.
        indexes = (("processed", "created_at"),)


class OrderPackage(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    order: fields.ForeignKeyRelation[Order] = fields.ForeignKeyField(
        "models.Order", related_name="packages", on_delete=fields.CASCADE
    )
    position = fields.SmallIntField()
    pizza_id_at_order = fields.UUIDField()
    # The pizza exactly as the menu showed it when the order was placed.
    pizza_snapshot: dict = fields.JSONField()  # type: ignore[assignment]
    pizza_price = fields.DecimalField(max_digits=MONEY_DIGITS, decimal_places=2)
    quantity = fields.SmallIntField()
    unit_price = fields.DecimalField(max_digits=MONEY_DIGITS, decimal_places=2)
    subtotal = fields.DecimalField(max_digits=MONEY_DIGITS, decimal_places=2)

    garnishes: fields.ReverseRelation[OrderGarnish]

    class Meta:
        table = "order_package"
        unique_together = (("order", "position"),)


class OrderGarnish(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    package: fields.ForeignKeyRelation[OrderPackage] = fields.ForeignKeyField(
        "models.OrderPackage", related_name="garnishes", on_delete=fields.CASCADE
    )
    position = fields.SmallIntField()
    extra_id_at_order = fields.UUIDField()
    name = fields.CharField(max_length=100)
    list_price = fields.DecimalField(max_digits=MONEY_DIGITS, decimal_places=2)
    is_free = fields.BooleanField()
    unit_price = fields.DecimalField(max_digits=MONEY_DIGITS, decimal_places=2)
    quantity = fields.SmallIntField()

    class Meta:
        table = "order_garnish"
        unique_together = (("package", "position"),)
