"""Menu rules: what the public sees of pizzas, ingredients and extras."""

from __future__ import annotations

from typing import Any, Protocol
from uuid import UUID

from usersnack.common.schemas import Page, PageOut
from usersnack.errors import NotFoundError
from usersnack.menu.schemas import IngredientOut, PizzaExtraOut, PizzaFilter, PizzaOut


class MenuReader(Protocol):
    async def list_pizzas(self, pizza_filter: PizzaFilter, page: Page) -> tuple[list[Any], int]: ...

    async def get_pizza(self, pizza_id: UUID) -> Any | None: ...

    async def pizza_exists(self, pizza_id: UUID) -> bool: ...

    async def list_pizza_extras(self, pizza_id: UUID, page: Page) -> tuple[list[Any], int]: ...

    async def list_ingredients(self, page: Page) -> tuple[list[Any], int]: ...


class PizzaNotFound(NotFoundError):
    message = "No pizza with that id."


def pizza_out(pizza: Any, media_url: str) -> PizzaOut:
    """A pizza as the API shows it; `pizza` is a model with its ingredients loaded."""
    ingredients = sorted(pizza.ingredients, key=lambda item: (item.name, str(item.id)))
    return PizzaOut(
        id=pizza.id,
        name=pizza.name,
        price=pizza.price,
        ingredients=[IngredientOut(id=item.id, name=item.name) for item in ingredients],
        images=[media_url + key for key in pizza.images],
        created_at=pizza.created_at,
        updated_at=pizza.updated_at,
    )


class MenuService:
    def __init__(self, repository: MenuReader, *, media_url: str = "/media/") -> None:
        self._repository = repository
        self._media_url = media_url

    async def list_pizzas(self, pizza_filter: PizzaFilter, page: Page) -> PageOut[PizzaOut]:
        pizzas, total = await self._repository.list_pizzas(pizza_filter, page)
        return PageOut[PizzaOut](
            results=[pizza_out(pizza, self._media_url) for pizza in pizzas],
            offset=page.offset,
            limit=page.limit,
            size=total,
        )

    async def get_pizza(self, pizza_id: UUID) -> PizzaOut:
        pizza = await self._repository.get_pizza(pizza_id)
        if pizza is None:
            raise PizzaNotFound(details={"id": str(pizza_id)})
        return pizza_out(pizza, self._media_url)

    async def list_pizza_extras(self, pizza_id: UUID, page: Page) -> PageOut[PizzaExtraOut]:
        offers, total = await self._repository.list_pizza_extras(pizza_id, page)
        if total == 0 and not await self._repository.pizza_exists(pizza_id):
            raise PizzaNotFound(details={"id": str(pizza_id)})
        return PageOut[PizzaExtraOut](
            results=[
                PizzaExtraOut(
                    id=offer.extra.id,
                    name=offer.extra.name,
                    price=offer.extra.price,
                    is_free=offer.is_free,
                )
                for offer in offers
            ],
            offset=page.offset,
            limit=page.limit,
            size=total,
        )

    async def list_ingredients(self, page: Page) -> PageOut[IngredientOut]:
        ingredients, total = await self._repository.list_ingredients(page)
        return PageOut[IngredientOut](
            results=[IngredientOut(id=item.id, name=item.name) for item in ingredients],
            offset=page.offset,
            limit=page.limit,
            size=total,
        )
