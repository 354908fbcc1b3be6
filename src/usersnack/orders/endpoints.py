"""Public order routes: parse, call one service method, return a schema."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Header, Path, Response

from usersnack.common.dependencies import AppSettings
from usersnack.errors import error_responses
from usersnack.menu.repository import MenuRepository
from usersnack.orders.repository import OrderRepository
from usersnack.orders.schemas import OrderIn, OrderOut
from usersnack.orders.service import OrderService

router = APIRouter(prefix="/v1", tags=["orders"])

# Visible ASCII only: the key is echoed in logs and compared byte for byte.
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"


def get_order_service(settings: AppSettings) -> OrderService:
    return OrderService(
        OrderRepository(),
        MenuRepository(),
        phone_region=settings.phone_default_region,
        media_url=settings.media_url,
    )


OrderServiceDep = Annotated[OrderService, Depends(get_order_service)]


@router.post(
    "/orders",
    summary="Place an order",
    description=(
        "Prices are computed by the server from the menu: a package costs quantity × (pizza "
        "price + Σ extra price × extra quantity), an extra that comes free with the pizza "
        "costing 0. Send an `Idempotency-Key` to retry safely: the same key with the same body "
        "returns the first order and creates nothing; with a different body it is a 409."
    ),
    status_code=201,
    response_model=OrderOut,
    responses={
        201: {"description": "Order placed (or replayed for a repeated Idempotency-Key)"},
        **error_responses(409, 413, 422, 503),
    },
)
async def place_order(
    order_in: Annotated[OrderIn, Body()],
    response: Response,
    service: OrderServiceDep,
    idempotency_key: Annotated[
        str | None,
        Header(
            alias="Idempotency-Key",
            pattern=IDEMPOTENCY_KEY_PATTERN,
            description="Any unique string of up to 255 visible characters, e.g. a UUID.",
            examples=["0b7f5d0e-8a51-4c55-9d3a-2f6c1e7a9b10"],
        ),
    ] = None,
) -> OrderOut:
    placed = await service.place_order(order_in, idempotency_key)
    response.headers["Location"] = f"/v1/orders/{placed.order.id}"
    if not placed.created:
        response.headers["Idempotent-Replayed"] = "true"
    return placed.order


@router.get(
    "/orders/{order_id}",
    summary="Get an order",
    description=(
        "The order as it was placed: the prices, names and pizza details are the ones from "
        "the moment of ordering, whatever the menu says now. The `Location` header of "
        "`POST /v1/orders` points here."
    ),
    response_model=OrderOut,
    responses=error_responses(404, 422, 503),
)
async def get_order(
    order_id: Annotated[
        UUID,
        Path(description="The order's id.", examples=["5a3c2b1d-4e6f-4a8b-9c0d-1e2f3a4b5c6d"]),
    ],
    service: OrderServiceDep,
) -> OrderOut:
    return await service.get_order(order_id)
