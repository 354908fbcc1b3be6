"""Public order routes: parse, call one service method, return a schema."""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Depends, Path, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Receive, Scope, Send

from usersnack.common.schemas import schema_response
from usersnack.errors import error_responses
from usersnack.orders.repository import OrderRepository
from usersnack.orders.schemas import OrderIn, OrderOut
from usersnack.orders.service import OrderService
from usersnack.ratelimit import limit_order_rate

router = APIRouter(prefix="/v1", tags=["orders"])
_JSON_TYPES = re.compile(r"^application/(?:[\w.+-]+\+)?json\s*(?:;|$)", re.IGNORECASE)


async def _read_body(receive: Receive) -> bytes:
    # What Request.body() does, without its async generator: this runs for every order.
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise StarletteHTTPException(400, "The client went away.")
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks)


async def read_order_body(request: Request) -> OrderIn:
    """The request body as an OrderIn, or the same 422 FastAPI would give for it."""
    content_type = request.headers.get("content-type")
    body = await _read_body(request.receive)
    if content_type is not None and not _JSON_TYPES.match(content_type):
        raise RequestValidationError(
            [
                {
                    "type": "content_type",
                    "loc": ("body",),
                    "msg": "expected a JSON body",
                    "input": None,
                }
            ]
        )
    try:
        return OrderIn.model_validate_json(body)
    except ValidationError as error:
        raise RequestValidationError(
            [{**detail, "loc": ("body", *detail["loc"])} for detail in error.errors()]
        ) from None


class PlaceOrderRoute(APIRoute):
    """The route class of POST /v1/orders, the busiest write: it resolves the endpoint's
    arguments itself (rate limit, body, service) instead of through FastAPI's per-request
    dependency machinery, a sixth of an order's CPU time. The endpoint still declares them, so
    the OpenAPI schema describes this route exactly as for any other."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        return handle_place_order


async def handle_place_order(request: Request) -> Response:
    await limit_order_rate(request)
    order_in = await read_order_body(request)
    service = await get_order_service(request)
    return await place_order(order_in=order_in, request=request, service=service)


async def place_order_app(scope: Scope, receive: Receive, send: Send) -> None:
    """POST /v1/orders as a bare ASGI app, for main.py's hot route (middleware.HotRoutes).

    Errors propagate to the per-request middleware around it, which answers them with the
    same handler FastAPI's exception middleware uses on the routed path.
    """
    response = await handle_place_order(Request(scope, receive))
    await response(scope, receive, send)


# Visible ASCII only: the key is echoed in logs and compared byte for byte.
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"
_IDEMPOTENCY_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)
IDEMPOTENCY_KEY_PARAMETER = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Any unique string of up to 255 visible characters, e.g. a UUID.",
    "schema": {"type": "string", "pattern": IDEMPOTENCY_KEY_PATTERN, "maxLength": 255},
    "example": "0b7f5d0e-8a51-4c55-9d3a-2f6c1e7a9b10",
}


def idempotency_key(request: Request) -> str | None:
    """The optional Idempotency-Key header, checked here rather than as a FastAPI `Header`
    parameter: declared parameters cost a noticeable share of an order's CPU time, and this is
    the hottest write path. The OpenAPI schema documents it all the same (see the route)."""
    key = request.headers.get("idempotency-key")
    if key is None or _IDEMPOTENCY_KEY.fullmatch(key):
        return key
    raise RequestValidationError(
        [
            {
                "type": "string_pattern_mismatch",
                "loc": ("header", "Idempotency-Key"),
                "msg": "must be 1 to 255 visible ASCII characters",
                "input": key,
            }
        ]
    )


async def get_order_service(request: Request) -> OrderService:
    state = request.app.state
    return OrderService(
        OrderRepository(state.order_writer),
        state.menu_cache,
        phone_region=state.settings.phone_default_region,
    )


OrderServiceDep = Annotated[OrderService, Depends(get_order_service)]


async def place_order(
    order_in: Annotated[OrderIn, Body()], request: Request, service: OrderServiceDep
) -> Response:
    placed = await service.place_order(order_in, idempotency_key(request))
    headers = {"Location": f"/v1/orders/{placed.id}"}
    if not placed.created:
        headers["Idempotent-Replayed"] = "true"
    return Response(
        content=placed.json(), status_code=201, headers=headers, media_type="application/json"
    )


router.add_api_route(
    "/orders",
    place_order,
    methods=["POST"],
    summary="Place an order",
    description=(
        "Prices are computed by the server from the menu: a package costs quantity × (pizza "
        "price + Σ extra price × extra quantity), an extra that comes free with the pizza "
        "costing 0. Send an `Idempotency-Key` to retry safely: the same key with the same body "
        "returns the first order and creates nothing; with a different body it is a 409. "
        "Orders are rate limited per client address (429 with `Retry-After` when over)."
    ),
    status_code=201,
    response_model=OrderOut,
    openapi_extra={"parameters": [IDEMPOTENCY_KEY_PARAMETER]},
    responses={
        201: {"description": "Order placed (or replayed for a repeated Idempotency-Key)"},
        **error_responses(409, 413, 422, 429, 503),
    },
    dependencies=[Depends(limit_order_rate)],
    route_class_override=PlaceOrderRoute,
)


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
) -> Response:
    return schema_response(await service.get_order(order_id))
