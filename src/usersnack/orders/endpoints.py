"""Public order routes: parse, call one service method, return a schema."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Header, Request, Response

from usersnack.common.dependencies import AppSettings
from usersnack.errors import error_responses
from usersnack.orders.repository import OrderRepository
from usersnack.orders.schemas import OrderIn, OrderOut
from usersnack.orders.service import OrderService

router = APIRouter(prefix="/v1", tags=["orders"])

# Visible ASCII only: the key is echoed in logs and compared byte for byte.
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"


def get_order_service(request: Request, settings: AppSettings) -> OrderService:
    return OrderService(
        OrderRepository(),
        request.app.state.menu_cache,
        phone_region=settings.phone_default_region,
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
    response_model=OrderOut,
    responses=error_responses(404, 422, 503),
)
async def get_order(order_id: UUID, service: OrderServiceDep) -> OrderOut:
    return await service.get_order(order_id)
