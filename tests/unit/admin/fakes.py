"""In-memory stand-ins for the admin repositories and the media store (no database, no disk)."""

from __future__ import annotations

import copy
import uuid
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from usersnack.admin.images import CleanImage, MediaStore, StagedRemoval, clean_image
from usersnack.admin.records import (
    ExtraRecord,
    IngredientRecord,
    Kind,
    OfferRecord,
    PizzaRecord,
)
from usersnack.admin.repository import NameTaken
from usersnack.admin.schemas import InboxFilter, ItemFilter
from usersnack.common.schemas import Page

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)


class Clock:
    """A clock that moves one minute each time it is read."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        self.now += timedelta(minutes=1)
        return self.now


class FakeMenuStore:
    """The admin menu repository over dictionaries; `atomic()` rolls back on an exception."""

    def __init__(self) -> None:
        self.rows: dict[Kind, dict[UUID, dict[str, Any]]] = {kind: {} for kind in Kind}
        self.pizza_ingredients: dict[UUID, list[UUID]] = {}
        self.pizza_offers: dict[UUID, list[tuple[UUID, bool]]] = {}
        self.events: list[str] = []  # "commit", "rollback", "lock pizzas/..." in order
        # Simulates losing a race to the unique index on the next add or update.
        self.lose_next_name_race = False

    # -- test set-up ------------------------------------------------------------------------

    def seed(self, kind: Kind, **values: Any) -> UUID:
        item_id = uuid.uuid4()
        row = {"id": item_id, "created_at": T0, "updated_at": T0, "retired_at": None, **values}
        if kind is Kind.PIZZA:
            row.setdefault("images", [])
            self.pizza_ingredients[item_id] = list(row.pop("ingredient_ids", []))
            self.pizza_offers[item_id] = list(row.pop("offers", []))
        self.rows[kind][item_id] = row
        return item_id

    # -- the repository ---------------------------------------------------------------------

    @asynccontextmanager
    async def _transaction(self) -> AsyncIterator[None]:
        saved = copy.deepcopy((self.rows, self.pizza_ingredients, self.pizza_offers))
        try:
            yield
        except BaseException:
            self.rows, self.pizza_ingredients, self.pizza_offers = saved
            self.events.append("rollback")
            raise
        self.events.append("commit")

    def atomic(self) -> Any:
        return self._transaction()

    def _record(self, kind: Kind, row: dict[str, Any]) -> Any:
        if kind is Kind.INGREDIENT:
            return IngredientRecord(**row)
        if kind is Kind.EXTRA:
            return ExtraRecord(**row)
        ingredients = sorted(
            (
                self._record(Kind.INGREDIENT, self.rows[Kind.INGREDIENT][i])
                for i in self.pizza_ingredients[row["id"]]
            ),
            key=lambda item: item.name,
        )
        offers = sorted(
            (
                OfferRecord(extra=self._record(Kind.EXTRA, self.rows[Kind.EXTRA][e]), is_free=free)
                for e, free in self.pizza_offers[row["id"]]
            ),
            key=lambda offer: offer.extra.name,
        )
        values = {**row, "images": tuple(row["images"])}
        return PizzaRecord(**values, ingredients=tuple(ingredients), offers=tuple(offers))

    async def list_items(self, kind: Kind, item_filter: ItemFilter, page: Page) -> tuple[list, int]:
        rows = sorted(self.rows[kind].values(), key=lambda row: (row["name"], str(row["id"])))
        if item_filter.retired is not None:
            rows = [r for r in rows if (r["retired_at"] is not None) == item_filter.retired]
        if item_filter.name:
            rows = [r for r in rows if item_filter.name.casefold() in r["name"].casefold()]
        window = rows[page.offset : page.offset + page.limit]
        return [self._record(kind, row) for row in window], len(rows)

    async def get_item(self, kind: Kind, item_id: UUID, *, lock: bool = False) -> Any:
        row = self.rows[kind].get(item_id)
        return None if row is None else self._record(kind, row)

    async def name_taken(self, kind: Kind, name: str, *, other_than: UUID | None = None) -> bool:
        return any(
            row["name"].lower() == name.lower() and row["retired_at"] is None
            for row in self.rows[kind].values()
            if row["id"] != other_than
        )

    def _race(self, kind: Kind) -> None:
        if self.lose_next_name_race:
            self.lose_next_name_race = False
            raise NameTaken(kind.value)

    async def add_item(self, kind: Kind, **values: Any) -> UUID:
        self._race(kind)
        return self.seed(kind, **values)

    async def update_item(self, kind: Kind, item_id: UUID, **changes: Any) -> None:
        if "name" in changes:
            self._race(kind)
        self.rows[kind][item_id].update(changes, updated_at=T0 + timedelta(days=1))

    async def retire_item(self, kind: Kind, item_id: UUID, at: datetime) -> None:
        self.rows[kind][item_id].update(retired_at=at, updated_at=at)

    def _live(self, kind: Kind, ids: Iterable[UUID]) -> set[UUID]:
        rows = self.rows[kind]
        return {i for i in ids if i in rows and rows[i]["retired_at"] is None}

    async def live_ingredient_ids(self, ids: Iterable[UUID]) -> set[UUID]:
        return self._live(Kind.INGREDIENT, ids)

    async def live_extra_ids(self, ids: Iterable[UUID]) -> set[UUID]:
        return self._live(Kind.EXTRA, ids)

    async def live_pizzas_with_ingredient(self, ingredient_id: UUID) -> list[tuple[UUID, str]]:
        pizzas = self.rows[Kind.PIZZA]
        return sorted(
            (pizza_id, pizzas[pizza_id]["name"])
            for pizza_id, ingredient_ids in self.pizza_ingredients.items()
            if ingredient_id in ingredient_ids and pizzas[pizza_id]["retired_at"] is None
        )

    async def withdraw_extra(self, extra_id: UUID) -> list[UUID]:
        touched = []
        for pizza_id, offers in self.pizza_offers.items():
            kept = [offer for offer in offers if offer[0] != extra_id]
            if kept != offers:
                touched.append(pizza_id)
                self.pizza_offers[pizza_id] = kept
        return touched

    async def set_pizza_ingredients(self, pizza_id: UUID, ingredient_ids: list[UUID]) -> None:
        self.pizza_ingredients[pizza_id] = list(ingredient_ids)

    async def set_pizza_offers(self, pizza_id: UUID, offers: list[tuple[UUID, bool]]) -> None:
        self.pizza_offers[pizza_id] = list(offers)

    async def lock_media_key(self, key: str) -> None:
        self.events.append(f"lock {key}")

    async def media_key_in_use(self, key: str) -> bool:
        return any(key in row["images"] for row in self.rows[Kind.PIZZA].values())


class FakeImageStore:
    """Files in a dictionary; decoding is the real `clean_image`."""

    def __init__(self, events: list[str] | None = None) -> None:
        self.files: dict[str, bytes] = {}
        self.events = events if events is not None else []

    is_stored_by_us = staticmethod(MediaStore.is_stored_by_us)

    async def prepare(self, data: bytes) -> CleanImage:
        return clean_image(data)

    async def save(self, image: CleanImage) -> None:
        self.files.setdefault(image.key, image.data)
        self.events.append(f"save {image.key}")

    async def stage_removal(self, key: str) -> StagedRemoval | None:
        if key not in self.files:
            return None
        staged = StagedRemoval(path=Path(key), aside=Path("aside") / key)
        self.files[str(staged.aside)] = self.files.pop(key)
        return staged

    async def finish_removal(self, staged: StagedRemoval | None) -> None:
        if staged is not None:
            del self.files[str(staged.aside)]

    async def undo_removal(self, staged: StagedRemoval | None) -> None:
        if staged is not None:
            self.files[str(staged.path)] = self.files.pop(str(staged.aside))


@dataclass
class FakeGarnish:
    name: str
    quantity: int
    is_free: bool
    position: int = 0


@dataclass
class FakePackage:
    pizza_name: str
    quantity: int
    subtotal: Decimal
    garnishes: list[FakeGarnish] = field(default_factory=list)
    position: int = 0
    pizza_id_at_order: UUID = field(default_factory=uuid.uuid4)

    @property
    def pizza_snapshot(self) -> dict[str, Any]:
        return {"name": self.pizza_name}


@dataclass
class FakeStoredOrder:
    created_at: datetime
    packages: list[FakePackage]
    total_cost: Decimal = Decimal("10.00")
    name: str = "Ada Lovelace"
    contact_phones: list[str] = field(default_factory=lambda: ["+436641234567"])
    delivery_address: dict[str, Any] = field(
        default_factory=lambda: {"street": "Ring", "city": "Wien", "country": "Austria"}
    )
    processed: bool = False
    processed_at: datetime | None = None
    id: UUID = field(default_factory=uuid.uuid4)


class FakeOrderInbox:
    def __init__(self) -> None:
        self.orders: dict[UUID, FakeStoredOrder] = {}
        self.last_filter: InboxFilter | None = None

    def add(self, order: FakeStoredOrder) -> FakeStoredOrder:
        self.orders[order.id] = order
        return order

    async def list_orders(self, inbox_filter: InboxFilter, page: Page) -> tuple[list, int]:
        self.last_filter = inbox_filter
        found = sorted(self.orders.values(), key=lambda o: (o.created_at, o.id), reverse=True)
        if inbox_filter.processed is not None:
            found = [o for o in found if o.processed == inbox_filter.processed]
        if inbox_filter.created_from is not None:
            found = [o for o in found if o.created_at >= inbox_filter.created_from]
        if inbox_filter.created_to is not None:
            found = [o for o in found if o.created_at <= inbox_filter.created_to]
        return found[page.offset : page.offset + page.limit], len(found)

    async def get_order(self, order_id: UUID) -> FakeStoredOrder | None:
        return self.orders.get(order_id)

    async def set_processed(self, order_id: UUID, processed: bool, at: datetime) -> None:
        order = self.orders.get(order_id)
        if order is not None and order.processed != processed:
            self.orders[order_id] = replace(
                order, processed=processed, processed_at=at if processed else None
            )
