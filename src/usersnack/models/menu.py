"""The menu: pizzas, their ingredients, and the extras each pizza offers."""

from __future__ import annotations

import uuid

from tortoise import fields
from tortoise.models import Model

PRICE_DIGITS = 10


class TimestampedModel(Model):
    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        abstract = True


class RetirableModel(TimestampedModel):
    """A menu item staff can retire: it leaves the public menu but stays for the record.

    Names are unique among live items only, case-insensitively. Tortoise cannot declare a
    partial index, so migration 3 creates them (`uniq_live_name_<table>`).
    """

    name = fields.CharField(max_length=100)
    retired_at = fields.DatetimeField(null=True)

    class Meta:
        abstract = True


class Ingredient(RetirableModel):

    class Meta:
        table = "ingredient"
        ordering = ["name", "id"]


class Extra(RetirableModel):
    price = fields.DecimalField(max_digits=PRICE_DIGITS, decimal_places=2)

    class Meta:
        table = "extra"


class Pizza(RetirableModel):
    price = fields.DecimalField(max_digits=PRICE_DIGITS, decimal_places=2)
    # Media keys relative to the media root ("pizzas/margherita.jpg"), in display order.
    images: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    ingredients: fields.ManyToManyRelation[Ingredient] = fields.ManyToManyField(
        "models.Ingredient", related_name="pizzas", through="pizza_ingredient"
    )

    class Meta:
        table = "pizza"


class PizzaExtra(Model):
    """An extra offered with a pizza; `is_free` when it comes with that pizza at no charge."""

    id = fields.UUIDField(primary_key=True, default=uuid.uuid4)
    pizza: fields.ForeignKeyRelation[Pizza] = fields.ForeignKeyField(
        "models.Pizza", related_name="offered_extras", on_delete=fields.CASCADE
    )
    extra: fields.ForeignKeyRelation[Extra] = fields.ForeignKeyField(
        "models.Extra", related_name="offered_with", on_delete=fields.CASCADE
    )
    is_free = fields.BooleanField(default=False)

    class Meta:
        table = "pizza_extra"
        unique_together = (("pizza", "extra"),)
