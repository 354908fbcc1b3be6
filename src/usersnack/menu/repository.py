"""Reads of the menu. The only menu code that touches Tortoise models."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from decimal import Decimal
from typing import Any
from uuid import UUID


from usersnack.common.schemas import Page
from usersnack.menu.schemas import PizzaFilter
from usersnack.models import Extra, Ingredient, Pizza, PizzaExtra


class MenuRepository:
    async def list_pizzas(self, pizza_filter: PizzaFilter, page: Page) -> tuple[list[Pizza], int]:
        query = Pizza.all()
        if pizza_filter.name:
            query = query.filter(name__icontains=pizza_filter.name)
        if pizza_filter.ingredient_id is not None:
            query = query.filter(ingredients__id=pizza_filter.ingredient_id).distinct()
        total = await query.count()
        pizzas = (
            await query.order_by("name", "id")
            .offset(page.offset)
            .limit(page.limit)
            .prefetch_related("ingredients")
        )
        return list(pizzas), total

    async def get_pizza(self, pizza_id: UUID) -> Pizza | None:
        return await Pizza.get_or_none(id=pizza_id).prefetch_related("ingredients")

    async def get_pizzas(self, pizza_ids: Iterable[UUID]) -> list[Pizza]:
        return list(await Pizza.filter(id__in=list(pizza_ids)).prefetch_related("ingredients"))

    async def pizza_exists(self, pizza_id: UUID) -> bool:
        return await Pizza.filter(id=pizza_id).exists()

    async def list_pizza_extras(self, pizza_id: UUID, page: Page) -> tuple[list[PizzaExtra], int]:
        query = PizzaExtra.filter(pizza_id=pizza_id)
        total = await query.count()
        offers = (
            await query.select_related("extra")
            .order_by("extra__name", "extra__id")
            .offset(page.offset)
            .limit(page.limit)
        )
        return list(offers), total

    async def get_offers(self, pizza_ids: Iterable[UUID]) -> list[PizzaExtra]:
        return list(await PizzaExtra.filter(pizza_id__in=list(pizza_ids)).select_related("extra"))

    async def list_ingredients(self, page: Page) -> tuple[list[Ingredient], int]:
        total = await Ingredient.all().count()
        ingredients = (
            await Ingredient.all().order_by("name", "id").offset(page.offset).limit(page.limit)
        )
        return list(ingredients), total

    # Writes, used by the fixture loader (and the admin API). No commits here: callers own
    # the transaction.

    async def menu_is_empty(self) -> bool:
        return not await Pizza.exists()

    async def get_ingredients_by_name(self, names: Iterable[str]) -> dict[str, Ingredient]:
        found = await Ingredient.filter(name__in=list(names))
        return {ingredient.name: ingredient for ingredient in found}

    async def add_ingredient(self, name: str) -> Ingredient:
        return await Ingredient.create(name=name)

    async def get_extras_by_name(self, names: Iterable[str]) -> dict[str, Extra]:
        found = await Extra.filter(name__in=list(names))
        return {extra.name: extra for extra in found}

    async def add_extra(self, name: str, price: Decimal) -> Extra:
        return await Extra.create(name=name, price=price)

    async def update_extra(self, extra: Extra, **changes: Any) -> Extra:
        await extra.update_from_dict(changes).save()
        return extra

    async def get_pizza_by_name(self, name: str) -> Pizza | None:
        return await Pizza.get_or_none(name=name).prefetch_related(
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
