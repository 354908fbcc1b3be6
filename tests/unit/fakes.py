"""In-memory stand-ins for the repositories, for service unit tests (no database)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

from usersnack.menu.cache import MenuCache
from usersnack.orders.repository import IdempotencyKeyTaken

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)


@dataclass
class FakeIngredient:
    name: str
    id: UUID = field(default_factory=uuid.uuid4)


@dataclass
class FakeExtra:
    name: str
    price: Decimal
    id: UUID = field(default_factory=uuid.uuid4)


@dataclass
class FakePizza:
    name: str
    price: Decimal
    ingredients: list[FakeIngredient] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    id: UUID = field(default_factory=uuid.uuid4)
    created_at: datetime = T0
    updated_at: datetime = T0


@dataclass
class FakeOffer:
    pizza_id: UUID
    extra: FakeExtra
    is_free: bool = False

    @property
    def extra_id(self) -> UUID:
        return self.extra.id


def pizza(*, name: str = "Margherita", price: str = "9.50", **kwargs: Any) -> FakePizza:
    ingredients = kwargs.pop("ingredients", [FakeIngredient("tomato"), FakeIngredient("cheese")])
    return FakePizza(name=name, price=Decimal(price), ingredients=ingredients, **kwargs)


def extra(*, name: str = "olives", price: str = "1.20") -> FakeExtra:
    return FakeExtra(name=name, price=Decimal(price))


class FakeMenu:
    """Menu data as MenuRepository.load_menu_snapshot returns it, without a database."""

    def __init__(self) -> None:
        self.pizzas: dict[UUID, FakePizza] = {}
        self.offers: list[FakeOffer] = []
        self.ingredients: list[FakeIngredient] = []
        self.loads = 0

    def add(self, *pizzas: FakePizza) -> None:
        for item in pizzas:
            self.pizzas[item.id] = item

    def offer(self, pizza_: FakePizza, extra_: FakeExtra, *, is_free: bool = False) -> None:
        self.offers.append(FakeOffer(pizza_.id, extra_, is_free))

    async def load_menu_snapshot(self) -> dict[str, Any]:
        self.loads += 1
        ingredients = {i.id: i for i in self.ingredients}
        extras = {offer.extra.id: offer.extra for offer in self.offers}
        pizzas = sorted(self.pizzas.values(), key=lambda p: (p.name, str(p.id)))
        for pizza_ in pizzas:
            ingredients.update({i.id: i for i in pizza_.ingredients})
        return {
            "ingredients": [
                {"id": str(i.id), "name": i.name}
                for i in sorted(ingredients.values(), key=lambda i: (i.name, str(i.id)))
            ],
            "extras": [
                {"id": str(e.id), "name": e.name, "price": str(e.price)} for e in extras.values()
            ],
            "pizzas": [
                {
                    "id": str(p.id),
                    "name": p.name,
                    "price": str(p.price),
                    "images": list(p.images),
                    "created_at": p.created_at.isoformat(),
                    "updated_at": p.updated_at.isoformat(),
                    "ingredient_ids": [
                        str(i.id) for i in sorted(p.ingredients, key=lambda i: (i.name, str(i.id)))
                    ],
                    "offers": [
                        {"extra_id": str(o.extra.id), "is_free": o.is_free}
                        for o in sorted(
                            (o for o in self.offers if o.pizza_id == p.id),
                            key=lambda o: (o.extra.name, str(o.extra.id)),
                        )
                    ],
                }
                for p in pizzas
            ],
        }

    def cache(self) -> MenuCache:
        """A MenuCache over this data that never expires on its own (as if watched)."""
        cache = MenuCache(self.load_menu_snapshot, media_url="/media/")
        cache.watched = True
        return cache


class FakeOrders:
    def __init__(self) -> None:
        self.orders: dict[UUID, Any] = {}
        self.by_key: dict[str, Any] = {}
        # A concurrent request that stores its order under the same key first.
        self.racing_order: Any | None = None

    async def get_order(self, order_id: UUID) -> Any | None:
        return self.orders.get(order_id)

    async def get_order_by_idempotency_key(self, key: str) -> Any | None:
        return self.by_key.get(key)

    async def add_order(self, order: Any) -> None:
        if self.racing_order is not None:
            winner, self.racing_order = self.racing_order, None
            self._store(winner)
        if order.idempotency_key is not None and order.idempotency_key in self.by_key:
            raise IdempotencyKeyTaken(order.idempotency_key)
        self._store(order)

    def _store(self, order: Any) -> None:
        self.orders[order.id] = order
        if order.idempotency_key is not None:
            self.by_key[order.idempotency_key] = order
