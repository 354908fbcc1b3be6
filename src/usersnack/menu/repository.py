"""Menu storage: the only menu code that touches Tortoise models or SQL."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import asyncpg
from tortoise.connection import get_connection

from usersnack.models import Extra, Ingredient, Pizza, PizzaExtra

MENU_CHANGED_CHANNEL = "usersnack_menu_changed"
FEED_APPLICATION = "usersnack-menu-feed"

# The whole public menu as one JSON document, in one statement: pizzas in list order (name,
# then id) with their ingredients (by name) and offers (by extra name), plus all ingredients
# and extras. Only live items: a retired pizza, extra or ingredient is left out everywhere.
# Timestamps are UTC without zone, prices are exact decimal text.
MENU_SNAPSHOT_SQL = """
SELECT json_build_object(
  'ingredients', (
    SELECT coalesce(json_agg(json_build_object('id', i.id, 'name', i.name)
                             ORDER BY i.name, i.id), '[]'::json)
    FROM ingredient i WHERE i.retired_at IS NULL),
  'extras', (
    SELECT coalesce(json_agg(json_build_object('id', e.id, 'name', e.name,
                                               'price', e.price::text)
                             ORDER BY e.name, e.id), '[]'::json)
    FROM extra e WHERE e.retired_at IS NULL),
  'pizzas', (
    SELECT coalesce(json_agg(json_build_object(
             'id', p.id, 'name', p.name, 'price', p.price::text, 'images', p.images,
             'created_at', to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
             'updated_at', to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'),
             'ingredient_ids', (
               SELECT coalesce(json_agg(i.id ORDER BY i.name, i.id), '[]'::json)
               FROM pizza_ingredient pi JOIN ingredient i ON i.id = pi.ingredient_id
               WHERE pi.pizza_id = p.id AND i.retired_at IS NULL),
             'offers', (
               SELECT coalesce(json_agg(json_build_object('extra_id', e.id,
                                                          'is_free', pe.is_free)
                                        ORDER BY e.name, e.id), '[]'::json)
               FROM pizza_extra pe JOIN extra e ON e.id = pe.extra_id
               WHERE pe.pizza_id = p.id AND e.retired_at IS NULL))
           ORDER BY p.name, p.id), '[]'::json)
    FROM pizza p WHERE p.retired_at IS NULL)
)::text AS menu
"""


class MenuRepository:
    async def load_menu_snapshot(self) -> dict[str, Any]:
        """Everything the public menu shows, read in one statement."""
        _, rows = await get_connection("default").execute_query(MENU_SNAPSHOT_SQL)
        return json.loads(rows[0]["menu"])

    # Used by the fixture loader, which matches live items by name. No commits here: callers
    # own the transaction.

    async def menu_is_empty(self) -> bool:
        return not await Pizza.exists()

    async def get_ingredients_by_name(self, names: Iterable[str]) -> dict[str, Ingredient]:
        found = await Ingredient.filter(name__in=list(names), retired_at=None)
        return {ingredient.name: ingredient for ingredient in found}

    async def add_ingredient(self, name: str) -> Ingredient:
        return await Ingredient.create(name=name)

    async def get_extras_by_name(self, names: Iterable[str]) -> dict[str, Extra]:
        found = await Extra.filter(name__in=list(names), retired_at=None)
        return {extra.name: extra for extra in found}

    async def add_extra(self, name: str, price: Decimal) -> Extra:
        return await Extra.create(name=name, price=price)

    async def update_extra(self, extra: Extra, **changes: Any) -> Extra:
        await extra.update_from_dict(changes).save()
        return extra

    async def get_pizza_by_name(self, name: str) -> Pizza | None:
        return await Pizza.get_or_none(name=name, retired_at=None).prefetch_related(
            "ingredients", "offered_extras__extra"
        )

    async def add_pizza(self, name: str, price: Decimal, images: list[str]) -> Pizza:
        return await Pizza.create(name=name, price=price, images=images)

    async def update_pizza(self, pizza: Pizza, **changes: Any) -> Pizza:
        await pizza.update_from_dict(changes).save()
        return pizza

    async def set_pizza_ingredients(self, pizza: Pizza, ingredients: list[Ingredient]) -> None:
        await pizza.ingredients.clear()
        if ingredients:
            await pizza.ingredients.add(*ingredients)

    async def set_pizza_offers(self, pizza: Pizza, offers: list[tuple[Extra, bool]]) -> None:
        await PizzaExtra.filter(pizza_id=pizza.id).delete()
        await PizzaExtra.bulk_create(
            [
                PizzaExtra(id=uuid.uuid4(), pizza_id=pizza.id, extra_id=extra.id, is_free=is_free)
                for extra, is_free in offers
            ]
        )


class MenuChangeFeed:
    """A dedicated connection LISTENing for menu changes (see the menu_changed triggers)."""

    def __init__(self, credentials: dict[str, Any]) -> None:
        self._credentials = credentials
        self._connection: asyncpg.Connection | None = None
        self._lost = asyncio.Event()

    async def open(self, on_change: Callable[[], None]) -> None:
        connection = await asyncpg.connect(
            **self._credentials, timeout=5, server_settings={"application_name": FEED_APPLICATION}
        )
        self._connection = connection
        connection.add_termination_listener(lambda _connection: self._lost.set())
        await connection.add_listener(MENU_CHANGED_CHANNEL, lambda *_args: on_change())

    async def wait_closed(self, check_interval: float) -> None:
        """Return when the connection is gone; a periodic ping notices a silent network loss."""
        while self._connection is not None and not self._connection.is_closed():
            try:
                await asyncio.wait_for(self._lost.wait(), check_interval)
                return
            except asyncio.TimeoutError:
                pass
            try:
                await self._connection.fetchval("SELECT 1", timeout=check_interval)
            except Exception:  # noqa: BLE001 - any failure means the feed is gone
                return

    async def close(self) -> None:
        if self._connection is not None:
            self._connection.terminate()
            self._connection = None
