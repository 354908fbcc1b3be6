"""The orders inbox through HTTP: orders placed on the public API, worked through by staff."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from tests.factories import make_extra, make_pizza, order_body

INBOX = "/v1/admin/orders"


@pytest.fixture
async def menu(client):
    olives = await make_extra(name="olives", price="1.20")
    basil = await make_extra(name="basil", price="0.70")
    pizza = await make_pizza(name="Margherita", price="9.50", extras=[olives], free_extras=[basil])
    return {"pizza": pizza, "olives": olives, "basil": basil}


async def place(client, menu, **kwargs) -> dict:  # noqa: ANN001
    kwargs.setdefault("pizza_id", menu["pizza"].id)
    response = await client.post("/v1/orders", json=order_body(**kwargs))
    assert response.status_code == 201, response.text
    return response.json()


async def test_the_inbox_shows_what_to_make_and_whom_to_call(staff, client, menu):
    placed = await place(
        client,
        menu,
        name="Grace Hopper",
        quantity=2,
        phones=["0664 1234567", "+49 30 901820"],
        garnishes=[
            {"extra_id": str(menu["olives"].id), "quantity": 2},
            {"extra_id": str(menu["basil"].id), "quantity": 1},
        ],
    )

    body = (await staff.get(INBOX)).json()

    assert (body["offset"], body["limit"], body["size"]) == (0, 10, 1)
    [order] = body["results"]
    assert order == {
        "id": placed["id"],
        "created_at": placed["created_at"],
        "name": "Grace Hopper",
        "contact_phones": ["+436641234567", "+4930901820"],
        "delivery_address": placed["delivery_address"],
        "total_cost": "23.80",
        "processed": False,
        "processed_at": None,
        "packages": [
            {
                "pizza_id": str(menu["pizza"].id),
                "pizza_name": "Margherita",
                "quantity": 2,
                "extras": [
                    {"name": "olives", "quantity": 2, "is_free": False},
                    {"name": "basil", "quantity": 1, "is_free": True},
                ],
                "subtotal": "23.80",
            }
        ],
    }
    assert (await staff.get(f"{INBOX}/{placed['id']}")).json() == order


async def test_newest_first_paged_and_filtered_by_processed(staff, client, menu):
    placed = [await place(client, menu, name=f"Customer {index}") for index in range(5)]
    await staff.put(f"{INBOX}/{placed[1]['id']}/processed")

    page = (await staff.get(f"{INBOX}?limit=2&offset=1")).json()
    assert [o["name"] for o in page["results"]] == ["Customer 3", "Customer 2"]
    assert page["size"] == 5
    todo = (await staff.get(f"{INBOX}?processed=false")).json()
    assert [o["name"] for o in todo["results"]] == [
        "Customer 4",
        "Customer 3",
        "Customer 2",
        "Customer 0",
    ]
    done = (await staff.get(f"{INBOX}?processed=true")).json()
    assert [o["name"] for o in done["results"]] == ["Customer 1"]


async def test_a_date_range(staff, client, menu):
    placed = [await place(client, menu, name=f"Customer {index}") for index in range(3)]
    times = [datetime.fromisoformat(order["created_at"]) for order in placed]

    def names(body: dict) -> list[str]:
        return [o["name"] for o in body["results"]]

    inside = (
        await staff.get(
            INBOX,
            params={
                "created_from": times[1].isoformat(),
                "created_to": times[2].isoformat(),
            },
        )
    ).json()
    assert names(inside) == ["Customer 2", "Customer 1"]
    # No zone means UTC.
    naive = times[1].astimezone(timezone.utc).replace(tzinfo=None).isoformat()
    after = (await staff.get(INBOX, params={"created_from": naive})).json()
    assert names(after) == ["Customer 2", "Customer 1"]
    # Another zone, the same instant.
    vienna = times[0].astimezone(timezone(timedelta(hours=1))).isoformat()
    upto = (await staff.get(INBOX, params={"created_to": vienna})).json()
    assert names(upto) == ["Customer 0"]
    future = (datetime.now(timezone.utc) + timedelta(days=1)).isoformat()
    assert (await staff.get(INBOX, params={"created_from": future})).json()["size"] == 0


@pytest.mark.parametrize(
    "params, field",
    [
        (
            {"created_from": "2026-01-02T00:00:00Z", "created_to": "2026-01-01T00:00:00Z"},
            "query.created_to",
        ),
        ({"created_from": "yesterday"}, "query.created_from"),
        ({"created_to": "0.5"}, "query.created_to"),
        ({"created_from": "1700000000"}, "query.created_from"),
        ({"processed": "maybe"}, "query.processed"),
        ({"limit": "0"}, "query.limit"),
    ],
)
async def test_bad_inbox_queries_are_422(staff, params, field):
    response = await staff.get(INBOX, params=params)
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == field


async def test_marking_processed_is_idempotent_and_can_be_undone(staff, client, menu):
    placed = await place(client, menu)
    path = f"{INBOX}/{placed['id']}/processed"

    first = await staff.put(path)
    again = await staff.put(path)

    assert first.status_code == again.status_code == 200
    assert first.json()["processed"] is True and first.json()["processed_at"]
    assert again.json() == first.json()
    public = (await client.get(f"/v1/orders/{placed['id']}")).json()
    assert public["processed"] is True

    undone = await staff.delete(path)
    assert undone.json()["processed"] is False and undone.json()["processed_at"] is None
    assert (await staff.delete(path)).json() == undone.json()


async def test_unknown_orders_are_404(staff):
    for method, path in [
        ("GET", f"{INBOX}/{uuid.uuid4()}"),
        ("PUT", f"{INBOX}/{uuid.uuid4()}/processed"),
        ("DELETE", f"{INBOX}/{uuid.uuid4()}/processed"),
    ]:
        response = await staff.request(method, path)
        assert response.status_code == 404 and response.json()["code"] == "NOT_FOUND"
    assert (await staff.put(f"{INBOX}/42/processed")).status_code == 422
