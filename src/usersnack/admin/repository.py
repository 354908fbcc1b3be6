"""Storage for the staff API: the only admin code that touches Tortoise models or SQL.

Reads include retired items (staff see everything); writes never commit: the services own
the transaction (`atomic()`). Locks taken here are what keep the services' checks true until
commit: `get_item(lock=True)` is FOR UPDATE, the `live_*` look-ups are FOR SHARE.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import fields
from datetime import datetime, timezone
from typing import Any
from uuid import UUID

from tortoise.connection import get_connection
from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from usersnack.admin.records import (
    ExtraRecord,
    IngredientRecord,
    Kind,
    MenuRecord,
    OfferRecord,
    PizzaRecord,
)
from usersnack.admin.schemas import InboxFilter, ItemFilter
from usersnack.common.schemas import Page
from usersnack.models import Extra, Ingredient, Order, Pizza, PizzaExtra

_MODELS: dict[Kind, type[Model]] = {
    Kind.INGREDIENT: Ingredient,
    Kind.EXTRA: Extra,
    Kind.PIZZA: Pizza,
}
_PIZZA_RELATIONS = ("ingredients", "offered_extras__extra")


class NameTaken(Exception):
    """A live item of this kind already has that name (the partial unique index said so)."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _ingredient(row: Any) -> IngredientRecord:
    return IngredientRecord(**{f.name: getattr(row, f.name) for f in fields(IngredientRecord)})


def _extra(row: Any) -> ExtraRecord:
    return ExtraRecord(**{f.name: getattr(row, f.name) for f in fields(ExtraRecord)})


def _pizza(row: Any) -> PizzaRecord:
    ingredients = sorted(row.ingredients, key=lambda item: (item.name, str(item.id)))
    offers = sorted(row.offered_extras, key=lambda offer: (offer.extra.name, str(offer.extra.id)))
    return PizzaRecord(
        id=row.id,
        name=row.name,
        price=row.price,
        images=tuple(row.images),
        ingredients=tuple(_ingredient(item) for item in ingredients),
        offers=tuple(OfferRecord(extra=_extra(o.extra), is_free=o.is_free) for o in offers),
        created_at=row.created_at,
        updated_at=row.updated_at,
        retired_at=row.retired_at,
    )


_RECORDS = {Kind.INGREDIENT: _ingredient, Kind.EXTRA: _extra, Kind.PIZZA: _pizza}


@asynccontextmanager
async def _live_name_guard(kind: Kind) -> AsyncIterator[None]:
    """Turn a violation of the live-name index into NameTaken (a race the service lost)."""
    try:
        yield
    except IntegrityError as error:
        if f"uniq_live_name_{kind.value}" in str(error):
            raise NameTaken(kind.value) from error
        raise


async def _execute(sql: str, values: list[Any]) -> list[Any]:
    _, rows = await get_connection("default").execute_query(sql, values)
    return rows


class MenuAdminRepository:
    def atomic(self) -> Any:
        return in_transaction()

    async def list_items(
        self, kind: Kind, item_filter: ItemFilter, page: Page
    ) -> tuple[list[MenuRecord], int]:
        query = _MODELS[kind].all()
        if item_filter.retired is not None:
            query = query.filter(retired_at__isnull=not item_filter.retired)
        if item_filter.name:
            query = query.filter(name__icontains=item_filter.name)
        size = await query.count()
        query = query.order_by("name", "id").offset(page.offset).limit(page.limit)
        if kind is Kind.PIZZA:
            query = query.prefetch_related(*_PIZZA_RELATIONS)
        return [_RECORDS[kind](row) for row in await query], size

    async def get_item(self, kind: Kind, item_id: UUID, *, lock: bool = False) -> Any:
        query = _MODELS[kind].filter(id=item_id)
        if lock:
            query = query.select_for_update()
        row = await query.first()
        if row is None:
            return None
        if kind is Kind.PIZZA:
            await row.fetch_related(*_PIZZA_RELATIONS)
        return _RECORDS[kind](row)

    async def name_taken(self, kind: Kind, name: str, *, other_than: UUID | None = None) -> bool:
        # The same test as the unique index: lower(name) among live items.
        rows = await _execute(
            f'SELECT EXISTS (SELECT 1 FROM "{kind.value}" WHERE lower(name) = lower($1)'
            " AND retired_at IS NULL AND id IS DISTINCT FROM $2) AS taken",
            [name, other_than],
        )
        return bool(rows[0]["taken"])

    async def add_item(self, kind: Kind, **values: Any) -> UUID:
        async with _live_name_guard(kind):
            row = await _MODELS[kind].create(**values)
        return row.id

    async def update_item(self, kind: Kind, item_id: UUID, **changes: Any) -> None:
        # A queryset update skips auto_now, so the time of change is set here.
        async with _live_name_guard(kind):
            await _MODELS[kind].filter(id=item_id).update(**changes, updated_at=_now())

    async def retire_item(self, kind: Kind, item_id: UUID, at: datetime) -> None:
        await _MODELS[kind].filter(id=item_id).update(retired_at=at, updated_at=at)

    async def live_ingredient_ids(self, ids: Iterable[UUID]) -> set[UUID]:
        """Those of `ids` that are live ingredients, share-locked until commit."""
        return await self._live_ids(Kind.INGREDIENT, ids)

    async def live_extra_ids(self, ids: Iterable[UUID]) -> set[UUID]:
        return await self._live_ids(Kind.EXTRA, ids)

    async def _live_ids(self, kind: Kind, ids: Iterable[UUID]) -> set[UUID]:
        wanted = list(ids)
        if not wanted:
            return set()
        rows = await _execute(
            f'SELECT id FROM "{kind.value}" WHERE id = ANY($1::uuid[]) AND retired_at IS NULL'
            " FOR SHARE",
            [wanted],
        )
        return {row["id"] for row in rows}

    async def live_pizzas_with_ingredient(self, ingredient_id: UUID) -> list[tuple[UUID, str]]:
        rows = await _execute(
            "SELECT p.id, p.name FROM pizza p JOIN pizza_ingredient pi ON pi.pizza_id = p.id"
            " WHERE pi.ingredient_id = $1 AND p.retired_at IS NULL ORDER BY p.name, p.id",
            [ingredient_id],
        )
        return [(row["id"], row["name"]) for row in rows]

    async def withdraw_extra(self, extra_id: UUID) -> list[UUID]:
        """Remove the extra from every pizza's offers; returns those pizzas."""
        rows = await _execute(
            "DELETE FROM pizza_extra WHERE extra_id = $1 RETURNING pizza_id", [extra_id]
        )
        return [row["pizza_id"] for row in rows]

    async def set_pizza_ingredients(self, pizza_id: UUID, ingredient_ids: list[UUID]) -> None:
        await _execute("DELETE FROM pizza_ingredient WHERE pizza_id = $1", [pizza_id])
        await _execute(
            "INSERT INTO pizza_ingredient (pizza_id, ingredient_id)"
            " SELECT $1, unnest($2::uuid[])",
            [pizza_id, ingredient_ids],
        )

    async def set_pizza_offers(self, pizza_id: UUID, offers: list[tuple[UUID, bool]]) -> None:
        await PizzaExtra.filter(pizza_id=pizza_id).delete()
        if offers:
            await PizzaExtra.bulk_create(
                [
                    PizzaExtra(pizza_id=pizza_id, extra_id=extra_id, is_free=is_free)
                    for extra_id, is_free in offers
                ]
            )

    async def lock_media_key(self, key: str) -> None:
        """Serialize, until commit, every change that adds or drops a use of this file."""
        await _execute("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [key])

    async def media_key_in_use(self, key: str) -> bool:
        rows = await _execute(
            "SELECT EXISTS (SELECT 1 FROM pizza WHERE images @> $1::jsonb) AS used",
            [json.dumps([key])],
        )
        return bool(rows[0]["used"])


class OrderInboxRepository:
    async def list_orders(self, inbox_filter: InboxFilter, page: Page) -> tuple[list[Any], int]:
        query = Order.all()
        if inbox_filter.processed is not None:
            query = query.filter(processed=inbox_filter.processed)
        if inbox_filter.created_from is not None:
            query = query.filter(created_at__gte=inbox_filter.created_from)
        if inbox_filter.created_to is not None:
            query = query.filter(created_at__lte=inbox_filter.created_to)
        size = await query.count()
        orders = (
            await query.order_by("-created_at", "-id")
            .offset(page.offset)
            .limit(page.limit)
            .prefetch_related("packages__garnishes")
        )
        return list(orders), size

    async def get_order(self, order_id: UUID) -> Any | None:
        return await Order.get_or_none(id=order_id).prefetch_related("packages__garnishes")

    async def set_processed(self, order_id: UUID, processed: bool, at: datetime) -> None:
        """Mark or unmark; an order already in that state keeps its processed_at."""
        await Order.filter(id=order_id, processed=not processed).update(
            processed=processed, processed_at=at if processed else None
        )
