"""An immutable, in-memory copy of the public menu, with every item already rendered as JSON.

The whole menu comes from one SQL statement (MenuRepository.load_menu_snapshot). Every public
menu response is then assembled from pre-rendered pieces, so a warm request touches neither
the database nor pydantic.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any
from uuid import UUID

from usersnack.common.schemas import Page
from usersnack.menu.schemas import IngredientOut, PizzaExtraOut, PizzaFilter, PizzaOut


@dataclass(frozen=True, slots=True)
class SnapshotIngredient:
    id: UUID
    name: str


@dataclass(frozen=True, slots=True)
class SnapshotExtra:
    id: UUID
    name: str
    price: Decimal


@dataclass(frozen=True, slots=True)
class SnapshotOffer:
    pizza_id: UUID
    extra: SnapshotExtra
    is_free: bool

    @property
    def extra_id(self) -> UUID:
        return self.extra.id


@dataclass(frozen=True, slots=True)
class SnapshotPizza:
    id: UUID
    name: str
    price: Decimal
    images: tuple[str, ...]
    ingredients: tuple[SnapshotIngredient, ...]
    created_at: datetime
    updated_at: datetime
    offers: tuple[SnapshotOffer, ...]  # ordered by extra name, then id
    offers_by_extra_id: dict[UUID, SnapshotOffer]
    view: PizzaOut
    rendered: bytes  # `view` as JSON
    rendered_offers: tuple[bytes, ...]
    search_name: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class RenderedBody:
    """A JSON body ready to send, with a strong validator derived from its bytes."""

    body: bytes
    etag: str
    generation: int  # the menu generation it was rendered from (see MenuCache)

    @classmethod
    def of(cls, body: bytes, generation: int) -> RenderedBody:
        digest = hashlib.blake2b(body, digest_size=12).hexdigest()
        return cls(body=body, etag=f'"{digest}"', generation=generation)


def _utc(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _envelope(items: list[bytes], page: Page, size: int, generation: int) -> RenderedBody:
    body = b'{"results":[%s],"offset":%d,"limit":%d,"size":%d}' % (
        b",".join(items),
        page.offset,
        page.limit,
        size,
    )
    return RenderedBody.of(body, generation)


class MenuSnapshot:
    """The live menu at one moment. Built once per menu change, then only read."""

    def __init__(self, data: dict[str, Any], *, media_url: str, generation: int = 0) -> None:
        self.generation = generation
        self.ingredients: tuple[SnapshotIngredient, ...] = tuple(
            SnapshotIngredient(id=UUID(item["id"]), name=item["name"])
            for item in data["ingredients"]
        )
        ingredients_by_id = {item.id: item for item in self.ingredients}
        self.extras: dict[UUID, SnapshotExtra] = {
            UUID(item["id"]): SnapshotExtra(
                id=UUID(item["id"]), name=item["name"], price=Decimal(item["price"])
            )
            for item in data["extras"]
        }
        self.rendered_ingredients = tuple(
            IngredientOut(id=item.id, name=item.name).model_dump_json().encode()
            for item in self.ingredients
        )
        pizzas = []
        for item in data["pizzas"]:
            pizza_id = UUID(item["id"])
            ingredients = tuple(
                ingredients_by_id[UUID(ingredient_id)] for ingredient_id in item["ingredient_ids"]
            )
            offers = tuple(
                SnapshotOffer(
                    pizza_id=pizza_id,
                    extra=self.extras[UUID(offer["extra_id"])],
                    is_free=offer["is_free"],
                )
                for offer in item["offers"]
            )
            view = PizzaOut(
                id=pizza_id,
                name=item["name"],
                price=Decimal(item["price"]),
                ingredients=[IngredientOut(id=i.id, name=i.name) for i in ingredients],
                images=[media_url + key for key in item["images"]],
                created_at=_utc(item["created_at"]),
                updated_at=_utc(item["updated_at"]),
            )
            pizzas.append(
                SnapshotPizza(
                    id=pizza_id,
                    name=view.name,
                    price=view.price,
                    images=tuple(item["images"]),
                    ingredients=ingredients,
                    created_at=view.created_at,
                    updated_at=view.updated_at,
                    offers=offers,
                    offers_by_extra_id={offer.extra_id: offer for offer in offers},
                    view=view,
                    rendered=view.model_dump_json().encode(),
                    rendered_offers=tuple(
                        PizzaExtraOut(
                            id=offer.extra.id,
                            name=offer.extra.name,
                            price=offer.extra.price,
                            is_free=offer.is_free,
                        )
                        .model_dump_json()
                        .encode()
                        for offer in offers
                    ),
                    search_name=view.name.casefold(),
                )
            )
        # In the database's order: by name (its collation), then id.
        self.pizzas: tuple[SnapshotPizza, ...] = tuple(pizzas)
        self.pizzas_by_id: dict[UUID, SnapshotPizza] = {pizza.id: pizza for pizza in pizzas}

    def find_pizzas(self, pizza_filter: PizzaFilter) -> list[SnapshotPizza]:
        found: list[SnapshotPizza] | tuple[SnapshotPizza, ...] = self.pizzas
        if pizza_filter.name:
            needle = pizza_filter.name.casefold()
            found = [pizza for pizza in found if needle in pizza.search_name]
        if pizza_filter.ingredient_id is not None:
            wanted = pizza_filter.ingredient_id
            found = [pizza for pizza in found if any(i.id == wanted for i in pizza.ingredients)]
        return list(found)

    def render_pizza_page(self, pizza_filter: PizzaFilter, page: Page) -> RenderedBody:
        found = self.find_pizzas(pizza_filter)
        window = found[page.offset : page.offset + page.limit]
        return _envelope([pizza.rendered for pizza in window], page, len(found), self.generation)

    def render_pizza(self, pizza: SnapshotPizza) -> RenderedBody:
        return RenderedBody.of(pizza.rendered, self.generation)

    def render_offers(self, pizza: SnapshotPizza, page: Page) -> RenderedBody:
        window = pizza.rendered_offers[page.offset : page.offset + page.limit]
        return _envelope(list(window), page, len(pizza.rendered_offers), self.generation)

    def render_ingredients(self, page: Page) -> RenderedBody:
        window = self.rendered_ingredients[page.offset : page.offset + page.limit]
        return _envelope(list(window), page, len(self.rendered_ingredients), self.generation)
