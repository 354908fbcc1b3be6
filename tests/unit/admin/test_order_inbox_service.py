"""OrderInboxService with a fake repository: order, filters, the date range, marking."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from tests.unit.admin.fakes import (
    T0,
    Clock,
    FakeGarnish,
    FakeOrderInbox,
    FakePackage,
    FakeStoredOrder,
)
from usersnack.admin.schemas import InboxFilter
from usersnack.admin.service import OrderInboxService
from usersnack.common.schemas import Page
from usersnack.errors import NotFoundError, ValidationFailed


@pytest.fixture
def inbox() -> FakeOrderInbox:
    return FakeOrderInbox()


@pytest.fixture
def service(inbox) -> OrderInboxService:
    return OrderInboxService(inbox, clock=Clock())


def order(*, minutes: int, **values) -> FakeStoredOrder:
    packages = values.pop(
        "packages", [FakePackage(pizza_name="Margherita", quantity=1, subtotal=Decimal("9.50"))]
    )
    return FakeStoredOrder(created_at=T0 + timedelta(minutes=minutes), packages=packages, **values)


async def test_the_kitchen_sees_what_to_make_and_whom_to_call(service, inbox):
    placed = inbox.add(
        order(
            minutes=0,
            total_cost=Decimal("23.40"),
            packages=[
                FakePackage(
                    pizza_name="Hawaii",
                    quantity=2,
                    subtotal=Decimal("23.40"),
                    position=0,
                    garnishes=[
                        FakeGarnish(name="olives", quantity=2, is_free=False, position=1),
                        FakeGarnish(name="basil", quantity=1, is_free=True, position=0),
                    ],
                )
            ],
        )
    )

    shown = await service.get_order(placed.id)

    assert shown.model_dump(mode="json") == {
        "id": str(placed.id),
        "created_at": "2026-01-01T12:00:00Z",
        "name": "Ada Lovelace",
        "contact_phones": ["+436641234567"],
        "delivery_address": {
            "street": "Ring",
            "house_number": None,
            "apt": None,
            "city": "Wien",
            "country": "Austria",
        },
        "total_cost": "23.40",
        "processed": False,
        "processed_at": None,
        "packages": [
            {
                "pizza_id": str(placed.packages[0].pizza_id_at_order),
                "pizza_name": "Hawaii",
                "quantity": 2,
                "extras": [
                    {"name": "basil", "quantity": 1, "is_free": True},
                    {"name": "olives", "quantity": 2, "is_free": False},
                ],
                "subtotal": "23.40",
            }
        ],
    }


async def test_newest_first_and_paged(service, inbox):
    for minutes in (5, 1, 3):
        inbox.add(order(minutes=minutes))

    page = await service.list_orders(InboxFilter(), Page(offset=1, limit=1))

    assert page.size == 3
    assert [o.created_at for o in page.results] == [T0 + timedelta(minutes=3)]


async def test_naive_times_are_utc_and_a_reversed_range_is_refused(service, inbox):
    naive = datetime(2026, 1, 1, 12, 0)
    await service.list_orders(InboxFilter(created_from=naive), Page())
    assert inbox.last_filter.created_from == naive.replace(tzinfo=timezone.utc)

    with pytest.raises(ValidationFailed) as reversed_range:
        await service.list_orders(
            InboxFilter(created_from=T0, created_to=T0 - timedelta(seconds=1)), Page()
        )
    assert reversed_range.value.details[0]["field"] == "query.created_to"
    # One instant is a valid range.
    await service.list_orders(InboxFilter(created_from=T0, created_to=T0), Page())


async def test_marking_processed_is_idempotent(service, inbox):
    placed = inbox.add(order(minutes=0))

    first = await service.set_processed(placed.id, True)
    again = await service.set_processed(placed.id, True)

    assert first.processed and first.processed_at is not None
    assert again == first
    undone = await service.set_processed(placed.id, False)
    assert not undone.processed and undone.processed_at is None
    assert (await service.list_orders(InboxFilter(processed=False), Page())).size == 1


async def test_unknown_order_is_not_found(service):
    with pytest.raises(NotFoundError):
        await service.set_processed(uuid.uuid4(), True)
    with pytest.raises(NotFoundError):
        await service.get_order(uuid.uuid4())
