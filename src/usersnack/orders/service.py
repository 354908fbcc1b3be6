"""Placing and reading orders: validation across the menu, pricing, idempotency, the transaction."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from functools import lru_cache
from typing import Any, Protocol
from uuid import UUID

import orjson
import phonenumbers
import structlog

from usersnack import metrics
from usersnack.common.schemas import to_money
from usersnack.errors import ConflictError, NotFoundError, ValidationFailed
from usersnack.menu.snapshot import MenuSnapshot
from usersnack.orders.pricing import PricedGarnish, PricedOrder, PricedPackage
from usersnack.orders.repository import IdempotencyKeyTaken
from usersnack.orders.schemas import (
    DeliveryAddressOut,
    GarnishOut,
    OrderedExtraOut,
    OrderIn,
    OrderOut,
    PackageOut,
)
from usersnack.menu.schemas import PizzaOut


class MenuSource(Protocol):
    async def snapshot(self) -> MenuSnapshot: ...


class OrderStore(Protocol):
    async def get_order(self, order_id: UUID) -> Any | None: ...

    async def get_order_by_idempotency_key(self, key: str) -> Any | None: ...

    async def add_order(self, order: PricedOrder) -> None: ...


# Ids, counts and money only: names, phone numbers and addresses never go into the log.
logger = structlog.get_logger("usersnack.orders")


class OrderNotFound(NotFoundError):
    message = "No order with that id."


class IdempotencyKeyReused(ConflictError):
    message = "This Idempotency-Key was already used with a different request body."


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    """An order just placed (a PricedOrder) or replayed (the stored one), and which it was."""

    placed: Any
    created: bool  # False when an Idempotency-Key replay returned an earlier order

    @property
    def id(self) -> UUID:
        return self.placed.id

    @property
    def order(self) -> OrderOut:
        """The order as the API shows it."""
        return order_out(self.placed)

    def json(self) -> bytes:
        """`order` as JSON: the response body."""
        if isinstance(self.placed, PricedOrder):
            return order_json(self.placed)
        return self.order.model_dump_json().encode()


_PARSE_PROBLEMS = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "unknown country code",
    phonenumbers.NumberParseException.NOT_A_NUMBER: "it has no digits to dial",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: "too short",
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "too short",
    phonenumbers.NumberParseException.TOO_LONG: "too long",
}


@lru_cache(maxsize=4096)
def normalize_phone(raw: str, default_region: str) -> str:
    """E.164 form of a phone number given internationally or nationally in the default region.

    Cached: parsing is the costliest step of placing an order, and customers reorder with the
    same numbers. (A ValueError is not cached; a bad number is parsed again each time.)
    """
    try:
        number = phonenumbers.parse(raw, default_region)
    except phonenumbers.NumberParseException as error:
        reason = _PARSE_PROBLEMS.get(error.error_type, "it cannot be read")
        raise ValueError(f"not a phone number: {reason}") from error
    if not phonenumbers.is_valid_number(number):
        raise ValueError("not a valid phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def request_digest(order_in: OrderIn, phones: list[str]) -> str:
    """A digest of what the client asked for, to tell a true retry from a reused key."""
    # Field order is the schema's, so the same request always gives the same bytes.
    canonical = order_in.model_copy(update={"contact_phones": phones}).model_dump_json()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def order_out(order: Any) -> OrderOut:
    """The API view of an order: a stored model with its lines loaded, or a fresh PricedOrder."""
    packages = sorted(order.packages, key=lambda package: package.position)
    return OrderOut(
        id=order.id,
        name=order.name,
        contact_phones=list(order.contact_phones),
        delivery_address=DeliveryAddressOut(**order.delivery_address),
        packages=[
            PackageOut(
                pizza=(
                    package.pizza
                    if isinstance(package, PricedPackage)
                    else PizzaOut(**package.pizza_snapshot)
                ),
                quantity=package.quantity,
                garnishes=[
                    GarnishOut(
                        extra=OrderedExtraOut(
                            id=garnish.extra_id_at_order,
                            name=garnish.name,
                            price=garnish.list_price,
                            is_free=garnish.is_free,
                        ),
                        quantity=garnish.quantity,
                        unit_price=garnish.unit_price,
                        subtotal=garnish.unit_price * garnish.quantity,
                    )
                    for garnish in sorted(package.garnishes, key=lambda garnish: garnish.position)
                ],
                unit_price=package.unit_price,
                subtotal=package.subtotal,
            )
            for package in packages
        ],
        total_cost=order.total_cost,
        created_at=order.created_at,
        processed=order.processed,
    )


def _money(value: Decimal) -> str:
    return f"{to_money(value):.2f}"  # as the Money type serializes it


def order_json(order: PricedOrder) -> bytes:
    """OrderOut's JSON for an order just priced, built without the models in between.

    The response of the busiest write, so it skips building a tree of pydantic models only to
    serialize it; the pizza goes in as the menu already rendered it. Byte for byte what
    `order_out(order).model_dump_json()` gives (tests/unit/orders/test_order_json.py holds
    the two equal), so OrderOut stays the one description of the body.
    """
    return orjson.dumps(
        {
            "id": order.id,
            "name": order.name,
            "contact_phones": order.contact_phones,
            "delivery_address": {
                key: order.delivery_address.get(key) for key in DeliveryAddressOut.model_fields
            },
            "packages": [
                {
                    "pizza": orjson.Fragment(package.pizza_json),
                    "quantity": package.quantity,
                    "garnishes": [
                        {
                            "extra": {
                                "id": garnish.extra_id_at_order,
                                "name": garnish.name,
                                "price": _money(garnish.list_price),
                                "is_free": garnish.is_free,
                            },
                            "quantity": garnish.quantity,
                            "unit_price": _money(garnish.unit_price),
                            "subtotal": _money(garnish.subtotal),
                        }
                        for garnish in package.garnishes
                    ],
                    "unit_price": _money(package.unit_price),
                    "subtotal": _money(package.subtotal),
                }
                for package in order.packages
            ],
            "total_cost": _money(order.total_cost),
            "created_at": order.created_at,
            "processed": order.processed,
        },
        option=orjson.OPT_UTC_Z,
    )


class OrderService:
    def __init__(
        self,
        orders: OrderStore,
        menu: MenuSource,
        *,
        phone_region: str = "AT",
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
    ) -> None:
        self._orders = orders
        self._menu = menu
        self._phone_region = phone_region
        self._clock = clock

    async def get_order(self, order_id: UUID) -> OrderOut:
        order = await self._orders.get_order(order_id)
        if order is None:
            raise OrderNotFound(details={"id": str(order_id)})
        return order_out(order)

    async def place_order(
        self, order_in: OrderIn, idempotency_key: str | None = None
    ) -> PlacedOrder:
        phones = self._normalize_phones(order_in.contact_phones)
        digest = request_digest(order_in, phones)
        order = await self._price(order_in, phones, digest, idempotency_key)
        try:
            # One atomic statement stores the order and every line (see the repository), so
            # no explicit transaction is needed: a crash leaves all of it or none.
            await self._orders.add_order(order)
        except IdempotencyKeyTaken:
            earlier = await self._orders.get_order_by_idempotency_key(idempotency_key or "")
            if earlier is None:  # pragma: no cover - the key cannot vanish: orders are kept
                raise
            return self._replay(earlier, digest)
        metrics.ORDERS_PLACED.inc()
        logger.info(
            "order placed",
            order_id=str(order.id),
            total_cost=f"{order.total_cost:.2f}",
            packages=len(order.packages),
            pizzas=sum(package.quantity for package in order.packages),
            idempotency_key_sent=idempotency_key is not None,
        )
        return PlacedOrder(order, created=True)

    @staticmethod
    def _replay(earlier: Any, digest: str) -> PlacedOrder:
        if earlier.request_digest != digest:
            logger.info("idempotency key reused with another body", order_id=str(earlier.id))
            raise IdempotencyKeyReused(details={"id": str(earlier.id)})
        metrics.IDEMPOTENT_REPLAYS.inc()
        logger.info("order replayed for a repeated idempotency key", order_id=str(earlier.id))
        return PlacedOrder(earlier, created=False)

    def _normalize_phones(self, raw_phones: list[str]) -> list[str]:
        phones: list[str] = []
        problems = []
        for index, raw in enumerate(raw_phones):
            try:
                phone = normalize_phone(raw, self._phone_region)
            except ValueError as error:
                problems.append({"field": f"body.contact_phones.{index}", "message": str(error)})
                continue
            if phone not in phones:
                phones.append(phone)
        if problems:
            raise ValidationFailed(details=problems)
        return phones

    async def _price(
        self, order_in: OrderIn, phones: list[str], digest: str, idempotency_key: str | None
    ) -> PricedOrder:
        # The menu as this process knows it; see menu/cache.py for how fresh that is.
        snapshot = await self._menu.snapshot()
        problems: list[dict[str, str]] = []
        packages: list[PricedPackage] = []
        for index, package_in in enumerate(order_in.packages):
            pizza = snapshot.pizzas_by_id.get(package_in.pizza_id)
            if pizza is None:
                problems.append(
                    {"field": f"body.packages.{index}.pizza_id", "message": "no such pizza"}
                )
                continue
            offers = pizza.offers_by_extra_id
            garnishes: list[PricedGarnish] = []
            for position, garnish_in in enumerate(package_in.garnishes):
                offer = offers.get(garnish_in.extra_id)
                if offer is None:
                    problems.append(
                        {
                            "field": f"body.packages.{index}.garnishes.{position}.extra_id",
                            "message": f"this extra is not offered with {pizza.name}",
                        }
                    )
                    continue
                garnishes.append(
                    PricedGarnish(
                        position=position,
                        extra_id_at_order=offer.extra.id,
                        name=offer.extra.name,
                        list_price=offer.extra.price,
                        is_free=offer.is_free,
                        quantity=garnish_in.quantity,
                    )
                )
            packages.append(
                PricedPackage(
                    position=index,
                    pizza_id_at_order=pizza.id,
                    pizza=pizza.view,
                    pizza_json=pizza.rendered,
                    pizza_price=pizza.price,
                    quantity=package_in.quantity,
                    garnishes=garnishes,
                )
            )
        if problems:
            raise ValidationFailed(details=problems)

        address = order_in.delivery_address.model_dump()
        return PricedOrder(
            id=uuid.uuid4(),
            name=order_in.name,
            contact_phones=phones,
            delivery_address=address,
            created_at=self._clock(),
            idempotency_key=idempotency_key,
            request_digest=digest,
            packages=packages,
        )
