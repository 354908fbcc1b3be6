"""Menu rules: what the public sees of pizzas, ingredients and extras.

Answers come from this process's menu snapshot (see cache.py), already rendered as JSON, so a
warm request costs no SQL and no serialization.
"""

from __future__ import annotations

from uuid import UUID

from usersnack.common.schemas import Page
from usersnack.errors import NotFoundError
from usersnack.menu.cache import MenuCache
from usersnack.menu.schemas import PizzaFilter
from usersnack.menu.snapshot import RenderedBody, SnapshotPizza


class PizzaNotFound(NotFoundError):
    message = "No pizza with that id."


class MenuService:
    def __init__(self, cache: MenuCache) -> None:
        self._cache = cache

    async def list_pizzas(self, pizza_filter: PizzaFilter, page: Page) -> RenderedBody:
        snapshot = await self._cache.snapshot()
        return snapshot.render_pizza_page(pizza_filter, page)

    async def get_pizza(self, pizza_id: UUID) -> RenderedBody:
        snapshot = await self._cache.snapshot()
        return snapshot.render_pizza(self._pizza(snapshot.pizzas_by_id, pizza_id))

    async def list_pizza_extras(self, pizza_id: UUID, page: Page) -> RenderedBody:
        snapshot = await self._cache.snapshot()
        return snapshot.render_offers(self._pizza(snapshot.pizzas_by_id, pizza_id), page)

    async def list_ingredients(self, page: Page) -> RenderedBody:
        snapshot = await self._cache.snapshot()
        return snapshot.render_ingredients(page)

    @staticmethod
    def _pizza(pizzas: dict[UUID, SnapshotPizza], pizza_id: UUID) -> SnapshotPizza:
        pizza = pizzas.get(pizza_id)
        if pizza is None:
            raise PizzaNotFound(details={"id": str(pizza_id)})
        return pizza
