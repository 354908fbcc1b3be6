"""Public menu routes: parse, call one service method, return a schema."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from usersnack.common.dependencies import PageQuery
from usersnack.common.schemas import MAX_LIMIT, Page, PageOut
from usersnack.common.validation import text
from usersnack.errors import error_responses
from usersnack.menu.schemas import IngredientOut, PizzaExtraOut, PizzaFilter, PizzaOut
from usersnack.menu.service import MenuService
from usersnack.menu.http_cache import menu_response

router = APIRouter(prefix="/v1", tags=["menu"])


async def get_menu_service(request: Request) -> MenuService:
    return MenuService(request.app.state.menu_cache)


MenuServiceDep = Annotated[MenuService, Depends(get_menu_service)]
SearchText = text(100, required=False)
EXAMPLE_PIZZA_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
PizzaId = Annotated[UUID, Path(description="The pizza's id.", examples=[EXAMPLE_PIZZA_ID])]
MAX_INGREDIENTS = 10 * MAX_LIMIT


@router.get(
    "/pizzas",
    summary="List and search pizzas",
    description=(
        "Pizzas ordered by name (then id), so paging never repeats or skips one. "
        "`name` matches a case-insensitive part of the name; `ingredient` keeps pizzas "
        "that contain that ingredient. `size` is the number of matches over all pages."
    ),
    response_model=PageOut[PizzaOut],
    responses=error_responses(422, 503),
)
async def list_pizzas(
    service: MenuServiceDep,
    page: PageQuery,
    name: Annotated[
        SearchText | None,
        Query(description="Part of the pizza's name, any case.", examples=["meat"]),
    ] = None,
    ingredient: Annotated[
        UUID | None,
        Query(
            description="Only pizzas with this ingredient (its id, from GET /v1/ingredients).",
            examples=["7c9e6679-7425-40de-944b-e07fc1f90ae7"],
        ),
    ] = None,
) -> Response:
    pizza_filter = PizzaFilter(name=name or None, ingredient_id=ingredient)
    return menu_response(await service.list_pizzas(pizza_filter, page))


@router.get(
    "/pizzas/{pizza_id}",
    summary="Get one pizza",
    description=(
        "The pizza with its price, ingredients and image paths (served under `/media/`). "
        "404 when no pizza has that id, 422 when the id is not a UUID."
    ),
    response_model=PizzaOut,
    responses=error_responses(404, 422, 503),
)
async def get_pizza(pizza_id: PizzaId, service: MenuServiceDep) -> Response:
    return menu_response(await service.get_pizza(pizza_id))


@router.get(
    "/pizzas/{pizza_id}/extras",
    summary="List the extras a pizza offers",
    description="Only the extras offered with this pizza; `is_free` where it comes free with it.",
    response_model=PageOut[PizzaExtraOut],
    responses=error_responses(404, 422, 503),
)
async def list_pizza_extras(
    pizza_id: PizzaId, service: MenuServiceDep, page: PageQuery
) -> Response:
    return menu_response(await service.list_pizza_extras(pizza_id, page))


@router.get(
    "/ingredients",
    summary="List every ingredient",
    description="For the front end's ingredient filter. Returns every ingredient by default.",
    response_model=PageOut[IngredientOut],
    responses=error_responses(422, 503),
)
async def list_ingredients(
    service: MenuServiceDep,
    offset: Annotated[
        int, Query(ge=0, le=1_000_000, description="How many ingredients to skip.", examples=[0])
    ] = 0,
    limit: Annotated[
        int,
        Query(
            ge=1, le=MAX_INGREDIENTS, description="How many ingredients to return.", examples=[100]
        ),
    ] = MAX_INGREDIENTS,
) -> Response:
    return menu_response(await service.list_ingredients(Page(offset=offset, limit=limit)))
