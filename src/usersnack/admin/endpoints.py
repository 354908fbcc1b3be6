"""Staff routes under /v1/admin: parse, call one service method, return a schema.

Every route hangs off `router`, whose dependency demands the admin key. Pizzas, extras and
ingredients get the same five routes from `_item_routes` (list, create, get, update, retire);
the pizza-only routes (offers, pictures) and the orders inbox are written out below them.

(No `from __future__ import annotations` here: FastAPI reads the annotations of the routes made
in `_item_routes`, which name its arguments.)
"""

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response
from pydantic import BaseModel, BeforeValidator

from usersnack.admin.auth import require_admin_key
from usersnack.admin.images import MediaStore
from usersnack.admin.records import Kind
from usersnack.admin.repository import MenuAdminRepository, OrderInboxRepository
from usersnack.admin.schemas import (
    AdminExtraOut,
    AdminIngredientOut,
    AdminPizzaOut,
    ExtraIn,
    ExtraPatch,
    InboxFilter,
    InboxOrderOut,
    IngredientIn,
    IngredientPatch,
    ItemFilter,
    PizzaImageOut,
    PizzaIn,
    PizzaOffersIn,
    PizzaPatch,
)
from usersnack.admin.service import MenuAdminService, OrderInboxService
from usersnack.admin.uploads import UPLOAD_BODY_LIMIT, UPLOAD_REQUEST_BODY, read_image_upload
from usersnack.common.dependencies import PageQuery
from usersnack.common.schemas import PageOut, schema_response
from usersnack.common.validation import text
from usersnack.errors import error_responses

PREFIX = "/v1/admin"

router = APIRouter(
    prefix=PREFIX,
    tags=["admin"],
    dependencies=[Depends(require_admin_key)],
    responses=error_responses(401),
)

# Request bodies larger than the global cap that BodySizeLimitMiddleware lets through:
# (method, path pattern, limit in bytes).
BODY_LIMITS = (("POST", rf"^{PREFIX}/pizzas/[^/]+/images$", UPLOAD_BODY_LIMIT),)


async def get_menu_admin_service(request: Request) -> MenuAdminService:
    state = request.app.state
    return MenuAdminService(
        MenuAdminRepository(),
        MediaStore(state.settings.media_root),
        on_menu_change=state.menu_cache.invalidate,
        media_url=state.settings.media_url,
    )


async def get_order_inbox_service(request: Request) -> OrderInboxService:
    return OrderInboxService(OrderInboxRepository())


MenuAdmin = Annotated[MenuAdminService, Depends(get_menu_admin_service)]
OrderInbox = Annotated[OrderInboxService, Depends(get_order_inbox_service)]
SearchText = text(100, required=False)


async def get_item_filter(
    retired: Annotated[
        bool | None,
        Query(
            description="true: only retired items; false: only live ones; absent: both.",
            examples=[False],
        ),
    ] = None,
    name: Annotated[
        SearchText | None, Query(description="Part of the name, any case.", examples=["marg"])
    ] = None,
) -> ItemFilter:
    return ItemFilter(retired=retired, name=name or None)


ItemFilterQuery = Annotated[ItemFilter, Depends(get_item_filter)]


def _id_in_path(kind: Kind) -> Any:
    return Annotated[
        UUID,
        Path(
            alias=f"{kind.value}_id",
            description=f"The {kind.value}'s id.",
            examples=["3fa85f64-5717-4562-b3fc-2c963f66afa6"],
        ),
    ]


PizzaId = _id_in_path(Kind.PIZZA)


@dataclass(frozen=True)
class ItemRoutes:
    """What differs between the pizza, extra and ingredient routes."""

    kind: Kind
    collection: str
    out: type[BaseModel]
    create_in: type[BaseModel]
    patch_in: type[BaseModel]
    create: Callable[[MenuAdminService, Any], Awaitable[BaseModel]]
    update: Callable[[MenuAdminService, UUID, Any], Awaitable[BaseModel]]
    create_description: str
    update_summary: str
    update_description: str
    retire_description: str


def _item_routes(spec: ItemRoutes) -> None:
    """List, read, create, update and retire for one kind of menu item."""
    kind, collection = spec.kind, spec.collection
    item_path = f"/{collection}/{{{kind.value}_id}}"
    ItemId = _id_in_path(kind)
    article = "an" if kind.value[0] in "aeiou" else "a"

    @router.get(
        f"/{collection}",
        name=f"list_{collection}",
        summary=f"List {collection}, retired ones included",
        description="By name, then id. Filter with `retired` and `name`.",
        response_model=PageOut[spec.out],
        responses=error_responses(422, 503),
    )
    async def list_items(service: MenuAdmin, page: PageQuery, filters: ItemFilterQuery) -> Response:
        return schema_response(await service.list_items(kind, filters, page))

    @router.post(
        f"/{collection}",
        name=f"create_{kind.value}",
        summary=f"Create {article} {kind.value}",
        description=spec.create_description,
        status_code=201,
        response_model=spec.out,
        responses=error_responses(409, 422, 503),
    )
    async def create_item(body: Annotated[spec.create_in, Body()], service: MenuAdmin) -> Response:
        item = await spec.create(service, body)
        location = f"{PREFIX}/{collection}/{item.id}"
        return schema_response(item, status_code=201, headers={"Location": location})

    @router.get(
        item_path,
        name=f"get_{kind.value}",
        summary=f"Get one {kind.value}, even a retired one",
        description=f"The {kind.value} as staff see it, with `retired_at` (null while live).",
        response_model=spec.out,
        responses=error_responses(404, 422, 503),
    )
    async def get_item(item_id: ItemId, service: MenuAdmin) -> Response:
        return schema_response(await service.get_item(kind, item_id))

    @router.patch(
        item_path,
        name=f"update_{kind.value}",
        summary=spec.update_summary,
        description=spec.update_description
        + " Fields left out keep their value; `null` is refused. A retired item is 409.",
        response_model=spec.out,
        responses=error_responses(404, 409, 422, 503),
    )
    async def update_item(
        item_id: ItemId, body: Annotated[spec.patch_in, Body()], service: MenuAdmin
    ) -> Response:
        return schema_response(await spec.update(service, item_id, body))

    @router.delete(
        item_path,
        name=f"retire_{kind.value}",
        summary=f"Retire {article} {kind.value}",
        description=spec.retire_description
        + " Idempotent: retiring a retired item returns it unchanged. Answers with the item.",
        response_model=spec.out,
        responses=error_responses(404, 409, 422, 503),
    )
    async def retire_item(item_id: ItemId, service: MenuAdmin) -> Response:
        return schema_response(await service.retire_item(kind, item_id))


_item_routes(
    ItemRoutes(
        kind=Kind.INGREDIENT,
        collection="ingredients",
        out=AdminIngredientOut,
        create_in=IngredientIn,
        patch_in=IngredientPatch,
        create=MenuAdminService.create_ingredient,
        update=MenuAdminService.update_ingredient,
        create_description="Names are unique among live ingredients, ignoring case.",
        update_summary="Rename an ingredient",
        update_description="Every live pizza listing it shows the new name.",
        retire_description=(
            "It leaves the public ingredient list. Refused with 409 while a live pizza lists "
            "it (`details.pizzas` names them): change or retire those pizzas first."
        ),
    )
)
_item_routes(
    ItemRoutes(
        kind=Kind.EXTRA,
        collection="extras",
        out=AdminExtraOut,
        create_in=ExtraIn,
        patch_in=ExtraPatch,
        create=MenuAdminService.create_extra,
        update=MenuAdminService.update_extra,
        create_description=(
            "Names are unique among live extras, ignoring case. Offer it with a pizza through "
            "`PUT /v1/admin/pizzas/{pizza_id}/extras`."
        ),
        update_summary="Change an extra's name or price",
        update_description="Placed orders keep the price they were placed with.",
        retire_description=(
            "It leaves the public menu and every pizza's offers; placed orders keep it as it was."
        ),
    )
)
_item_routes(
    ItemRoutes(
        kind=Kind.PIZZA,
        collection="pizzas",
        out=AdminPizzaOut,
        create_in=PizzaIn,
        patch_in=PizzaPatch,
        create=MenuAdminService.create_pizza,
        update=MenuAdminService.update_pizza,
        create_description=(
            "Names are unique among live pizzas, ignoring case. Add pictures afterwards with "
            "`POST /v1/admin/pizzas/{pizza_id}/images`."
        ),
        update_summary="Change a pizza's name, price or ingredients",
        update_description=(
            "`ingredient_ids` replaces the whole list. Placed orders keep the pizza and price "
            "they were placed with."
        ),
        retire_description=(
            "It leaves the public menu and can no longer be ordered (an order naming it gets "
            "422); placed orders still show it as it was, and its pictures stay."
        ),
    )
)


@router.put(
    "/pizzas/{pizza_id}/extras",
    summary="Set the extras a pizza offers",
    description="The full list: extras not in it are no longer offered with this pizza.",
    response_model=AdminPizzaOut,
    responses=error_responses(404, 409, 422, 503),
)
async def set_pizza_extras(
    pizza_id: PizzaId, body: Annotated[PizzaOffersIn, Body()], service: MenuAdmin
) -> Response:
    return schema_response(await service.set_pizza_extras(pizza_id, body))


@router.post(
    "/pizzas/{pizza_id}/images",
    summary="Upload a picture of a pizza",
    description=(
        "`multipart/form-data` with the picture in the field `file`. Only real JPEG, PNG or "
        "WebP pictures (judged by decoding them) of at most 5 MB and 4096 x 4096 pixels. The "
        "picture is re-encoded without metadata and stored by content: the answer's `url` is "
        "its new address, also added to the pizza's `images`. 201 when added; 200 when the "
        "pizza already had this very picture."
    ),
    status_code=201,
    response_model=PizzaImageOut,
    openapi_extra={"requestBody": UPLOAD_REQUEST_BODY},
    responses={
        200: {"model": PizzaImageOut, "description": "The pizza already had this picture"},
        **error_responses(404, 409, 413, 415, 422, 503),
    },
)
async def upload_pizza_image(pizza_id: PizzaId, request: Request, service: MenuAdmin) -> Response:
    stored = await service.add_pizza_image(pizza_id, await read_image_upload(request))
    return schema_response(
        stored.image,
        status_code=201 if stored.created else 200,
        headers={"Location": stored.image.url},
    )


@router.delete(
    "/pizzas/{pizza_id}/images/{image_name}",
    summary="Remove a picture from a pizza",
    description=(
        "`image_name` is the last part of the picture's URL. The file is deleted once no pizza "
        "uses it (pictures not uploaded through this API, like the fixture menu's, are kept)."
    ),
    response_model=AdminPizzaOut,
    responses=error_responses(404, 409, 422, 503),
)
async def remove_pizza_image(
    pizza_id: PizzaId,
    image_name: Annotated[
        str,
        Path(
            max_length=200,
            description="The last part of the picture's URL.",
            examples=["3b1f0c9e5d7a4f21b8e6c2d9a0f4e7b1.jpg"],
        ),
    ],
    service: MenuAdmin,
) -> Response:
    return schema_response(await service.remove_pizza_image(pizza_id, image_name))


# ---- orders inbox -------------------------------------------------------------------------


def _iso_8601_only(value: object) -> object:
    # pydantic also reads a bare number as a Unix time ("0.5" would be 1970); the documented
    # format is an ISO 8601 date-time, so a number is refused rather than misread.
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+(\.\d*)?\s*", value):
        raise ValueError("expected an ISO 8601 date-time, like 2026-11-22T18:00:00Z")
    return value


IsoDateTime = Annotated[datetime, BeforeValidator(_iso_8601_only)]


async def get_inbox_filter(
    processed: Annotated[
        bool | None,
        Query(
            description="false: only orders still to make; true: only done ones.",
            examples=[False],
        ),
    ] = None,
    created_from: Annotated[
        IsoDateTime | None,
        Query(
            description="Orders placed at or after this time (ISO 8601; no zone means UTC).",
            examples=["2026-11-22T00:00:00Z"],
        ),
    ] = None,
    created_to: Annotated[
        IsoDateTime | None,
        Query(
            description="Orders placed at or before this time (ISO 8601; no zone means UTC).",
            examples=["2026-11-22T23:59:59Z"],
        ),
    ] = None,
) -> InboxFilter:
    return InboxFilter(processed=processed, created_from=created_from, created_to=created_to)


InboxFilterQuery = Annotated[InboxFilter, Depends(get_inbox_filter)]
OrderId = Annotated[
    UUID,
    Path(description="The order's id.", examples=["7c9e6679-7425-40de-944b-e07fc1f90ae7"]),
]


@router.get(
    "/orders",
    summary="The orders inbox",
    description=(
        "Newest first, paged. Each order shows its total, the contact details and what to "
        "make. `processed=false` shows what is still to do."
    ),
    response_model=PageOut[InboxOrderOut],
    responses=error_responses(422, 503),
)
async def list_orders(service: OrderInbox, page: PageQuery, filters: InboxFilterQuery) -> Response:
    return schema_response(await service.list_orders(filters, page))


@router.get(
    "/orders/{order_id}",
    summary="Get one order for the kitchen",
    description="The order as the inbox shows it: contact details, what to make, the total.",
    response_model=InboxOrderOut,
    responses=error_responses(404, 422, 503),
)
async def get_order(order_id: OrderId, service: OrderInbox) -> Response:
    return schema_response(await service.get_order(order_id))


@router.put(
    "/orders/{order_id}/processed",
    summary="Mark an order processed",
    description="Idempotent: marking it again changes nothing (`processed_at` stays).",
    response_model=InboxOrderOut,
    responses=error_responses(404, 422, 503),
)
async def mark_processed(order_id: OrderId, service: OrderInbox) -> Response:
    return schema_response(await service.set_processed(order_id, True))


@router.delete(
    "/orders/{order_id}/processed",
    summary="Mark an order not processed (undo)",
    description="Idempotent, like marking it processed.",
    response_model=InboxOrderOut,
    responses=error_responses(404, 422, 503),
)
async def mark_unprocessed(order_id: OrderId, service: OrderInbox) -> Response:
    return schema_response(await service.set_processed(order_id, False))
