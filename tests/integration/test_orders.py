from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest

from tests.factories import make_extra, make_pizza, order_body
from usersnack.menu.repository import MenuRepository


@pytest.fixture
async def margherita(client):
    cheese = await make_extra(name="extra mozzarella", price="1.50")
    basil = await make_extra(name="fresh basil", price="0.70")
    olives = await make_extra(name="olives", price="1.20")
    pizza = await make_pizza(
        name="Margherita",
        price="9.50",
        images=["pizzas/margherita.jpg"],
        extras=[cheese, olives],
        free_extras=[basil],
    )
    return {"pizza": pizza, "cheese": cheese, "basil": basil, "olives": olives}


async def test_place_order_prices_on_the_server_and_reads_back(client, margherita):
    other = await make_pizza(name="Meateor", price="16.90")
    body = order_body(
        pizza_id=None,
        packages=[
            {
                "pizza_id": str(margherita["pizza"].id),
                "quantity": 2,
                "garnishes": [
                    {"extra_id": str(margherita["cheese"].id), "quantity": 2},
                    {"extra_id": str(margherita["basil"].id), "quantity": 1},
                ],
            },
            {"pizza_id": str(other.id), "quantity": 1},
        ],
    )

    response = await client.post("/v1/orders", json=body)

    assert response.status_code == 201, response.text
    order = response.json()
    # 2 × (9.50 + 2 × 1.50 + 1 × 0 free basil) + 1 × 16.90
    assert order["total_cost"] == "41.90"
    assert response.headers["location"] == f"/v1/orders/{order['id']}"
    assert order["name"] == "Ada Lovelace"
    assert order["contact_phones"] == ["+436641234567"]
    assert order["delivery_address"]["house_number"] == "12A"
    assert order["processed"] is False
    first, second = order["packages"]
    assert first["pizza"]["name"] == "Margherita" and first["pizza"]["price"] == "9.50"
    assert first["pizza"]["images"] == ["/media/pizzas/margherita.jpg"]
    assert first["quantity"] == 2
    assert first["unit_price"] == "12.50" and first["subtotal"] == "25.00"
    assert [(g["extra"]["name"], g["quantity"], g["unit_price"]) for g in first["garnishes"]] == [
        ("extra mozzarella", 2, "1.50"),
        ("fresh basil", 1, "0.00"),
    ]
    assert first["garnishes"][1]["extra"] == {
        "id": str(margherita["basil"].id),
        "name": "fresh basil",
        "price": "0.70",
        "is_free": True,
    }
    assert second["pizza"]["name"] == "Meateor" and second["garnishes"] == []

    read_back = await client.get(response.headers["location"])
    assert read_back.status_code == 200
    assert read_back.json() == order


async def test_client_sent_prices_are_ignored(client, margherita):
    body = order_body(pizza_id=margherita["pizza"].id)
    body["total_cost"] = "0.01"
    body["packages"][0]["price"] = "0.01"

    response = await client.post("/v1/orders", json=body)

    assert response.status_code == 201
    assert response.json()["total_cost"] == "9.50"


async def test_menu_changes_never_alter_a_placed_order(client, margherita):
    placed = (
        await client.post(
            "/v1/orders",
            json=order_body(
                pizza_id=margherita["pizza"].id,
                garnishes=[{"extra_id": str(margherita["cheese"].id), "quantity": 1}],
            ),
        )
    ).json()
    repository = MenuRepository()
    await repository.update_pizza(
        margherita["pizza"], name="Margherita Deluxe", price=Decimal("99")
    )
    await repository.update_extra(margherita["cheese"], price=Decimal("5.00"))

    again = (await client.get(f"/v1/orders/{placed['id']}")).json()

    assert again == placed
    assert again["total_cost"] == "11.00"
    assert again["packages"][0]["pizza"]["name"] == "Margherita"


async def test_get_unknown_or_malformed_order(client):
    missing = await client.get(f"/v1/orders/{uuid.uuid4()}")
    assert missing.status_code == 404 and missing.json()["code"] == "NOT_FOUND"
    malformed = await client.get("/v1/orders/123")
    assert malformed.status_code == 422 and malformed.json()["code"] == "VALIDATION_ERROR"


def _with(body: dict, path: str, value: object) -> dict:
    """Set (or with value=DELETE, remove) one field of a body addressed as 'a.0.b'."""
    target = body
    keys = [int(key) if key.isdigit() else key for key in path.split(".")]
    for key in keys[:-1]:
        target = target[key]
    if value is DELETE:
        del target[keys[-1]]
    else:
        target[keys[-1]] = value
    return body


DELETE = object()

BAD_FIELDS = [
    ("name", "", "body.name"),
    ("name", "   ", "body.name"),
    ("name", "x" * 101, "body.name"),
    ("name", "Ada\u0000", "body.name"),
    ("name", 42, "body.name"),
    ("name", DELETE, "body.name"),
    ("contact_phones", [], "body.contact_phones"),
    ("contact_phones", ["+43 664 1234567"] * 4, "body.contact_phones"),
    ("contact_phones", ["not a phone"], "body.contact_phones.0"),
    ("contact_phones", ["+43 664 1234567", "12"], "body.contact_phones.1"),
    ("contact_phones", ["+999 1234567"], "body.contact_phones.0"),
    ("contact_phones", "+43 664 1234567", "body.contact_phones"),
    ("delivery_address.street", "", "body.delivery_address.street"),
    ("delivery_address.street", "s" * 201, "body.delivery_address.street"),
    ("delivery_address.city", " ", "body.delivery_address.city"),
    ("delivery_address.city", DELETE, "body.delivery_address.city"),
    ("delivery_address.country", "", "body.delivery_address.country"),
    ("delivery_address", None, "body.delivery_address"),
    ("packages", [], "body.packages"),
    ("packages.0.quantity", 0, "body.packages.0.quantity"),
    ("packages.0.quantity", 51, "body.packages.0.quantity"),
    ("packages.0.quantity", 1.5, "body.packages.0.quantity"),
    ("packages.0.quantity", "2", "body.packages.0.quantity"),
    ("packages.0.quantity", True, "body.packages.0.quantity"),
    ("packages.0.pizza_id", "nope", "body.packages.0.pizza_id"),
    ("packages.0.pizza_id", str(uuid.uuid4()), "body.packages.0.pizza_id"),
]


@pytest.mark.parametrize("path, value, field", BAD_FIELDS)
async def test_each_broken_rule_is_422_naming_the_field(client, margherita, path, value, field):
    body = _with(order_body(pizza_id=margherita["pizza"].id), path, value)

    response = await client.post("/v1/orders", json=body)

    assert response.status_code == 422, response.text
    error = response.json()
    assert error["code"] == "VALIDATION_ERROR"
    assert error["message"]
    assert field in [detail["field"] for detail in error["details"]], error
    assert (await client.get("/v1/orders/" + str(uuid.uuid4()))).status_code == 404


async def test_too_many_packages(client, margherita):
    package = {"pizza_id": str(margherita["pizza"].id), "quantity": 1}
    body = order_body(pizza_id=None, packages=[package] * 21)
    response = await client.post("/v1/orders", json=body)
    assert response.status_code == 422
    assert "body.packages" in [d["field"] for d in response.json()["details"]]
    body = order_body(pizza_id=None, packages=[package] * 20)
    assert (await client.post("/v1/orders", json=body)).status_code == 201


@pytest.mark.parametrize(
    "garnishes, field",
    [
        ([{"extra_id": "CHEESE", "quantity": 0}], "body.packages.0.garnishes.0.quantity"),
        ([{"extra_id": "CHEESE", "quantity": 11}], "body.packages.0.garnishes.0.quantity"),
        (
            [{"extra_id": "CHEESE", "quantity": 1}, {"extra_id": "CHEESE", "quantity": 2}],
            "body.packages.0.garnishes",
        ),
        ([{"extra_id": "UNKNOWN", "quantity": 1}], "body.packages.0.garnishes.0.extra_id"),
        (
            [{"extra_id": "CHEESE", "quantity": 1}, {"extra_id": "NOT_OFFERED", "quantity": 1}],
            "body.packages.0.garnishes.1.extra_id",
        ),
        ([{"extra_id": "bad", "quantity": 1}], "body.packages.0.garnishes.0.extra_id"),
    ],
)
async def test_bad_garnishes_are_422(client, margherita, garnishes, field):
    not_offered = await make_extra(name="anchovies", price="2.00")
    ids = {
        "CHEESE": str(margherita["cheese"].id),
        "UNKNOWN": str(uuid.uuid4()),
        "NOT_OFFERED": str(not_offered.id),
        "bad": "bad",
    }
    resolved = [{**g, "extra_id": ids[g["extra_id"]]} for g in garnishes]
    body = order_body(pizza_id=margherita["pizza"].id, garnishes=resolved)

    response = await client.post("/v1/orders", json=body)

    assert response.status_code == 422, response.text
    assert field in [detail["field"] for detail in response.json()["details"]]


async def test_national_phone_in_default_region_and_optional_address_parts(client, margherita):
    body = order_body(pizza_id=margherita["pizza"].id, phones=["0664 1234567", "+49 30 1234567"])
    del body["delivery_address"]["apt"]
    body["delivery_address"]["house_number"] = None

    response = await client.post("/v1/orders", json=body)

    assert response.status_code == 201, response.text
    assert response.json()["contact_phones"] == ["+436641234567", "+49301234567"]
    assert response.json()["delivery_address"]["apt"] is None


@pytest.mark.parametrize(
    "raw, content_type",
    [
        (b"{not json", "application/json"),
        (b"", "application/json"),
        (b"[]", "application/json"),
        (b'"text"', "application/json"),
        (b"name=Ada", "application/x-www-form-urlencoded"),
        (b"\xff\xfe\x00garbage", "application/json"),
        (b"\x8e\x0eR\xd8\xa9s", "application/json"),
        (b"[" * 20000 + b"]" * 20000, "application/json"),
        (b'{"name": "\\ud800"}', "application/json"),
    ],
)
async def test_malformed_bodies_are_422(client, raw, content_type):
    response = await client.post("/v1/orders", content=raw, headers={"content-type": content_type})
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"


async def test_idempotent_retry_returns_the_first_order(client, margherita):
    body = order_body(pizza_id=margherita["pizza"].id)
    headers = {"Idempotency-Key": "order-123"}

    first = await client.post("/v1/orders", json=body, headers=headers)
    retry = await client.post("/v1/orders", json=body, headers=headers)

    assert first.status_code == 201 and retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["location"] == first.headers["location"]
    assert retry.headers.get("idempotent-replayed") == "true"
    other = await client.post("/v1/orders", json=body, headers={"Idempotency-Key": "order-124"})
    assert other.json()["id"] != first.json()["id"]


async def test_same_key_with_another_body_is_409(client, margherita):
    body = order_body(pizza_id=margherita["pizza"].id)
    await client.post("/v1/orders", json=body, headers={"Idempotency-Key": "k-1"})

    body["packages"][0]["quantity"] = 3
    response = await client.post("/v1/orders", json=body, headers={"Idempotency-Key": "k-1"})

    assert response.status_code == 409
    assert response.json()["code"] == "CONFLICT"


@pytest.mark.parametrize("key", ["", "x" * 256, "with space", "é"])
async def test_malformed_idempotency_key_is_422(client, margherita, key):
    response = await client.post(
        "/v1/orders",
        json=order_body(pizza_id=margherita["pizza"].id),
        headers={"Idempotency-Key": key.encode("utf-8")},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "VALIDATION_ERROR"


async def test_body_over_64_kib_is_413_by_length(client, margherita):
    body = order_body(pizza_id=margherita["pizza"].id)
    body["padding"] = "x" * (64 * 1024)

    response = await client.post("/v1/orders", content=json.dumps(body))

    assert response.status_code == 413
    assert response.json()["code"] == "PAYLOAD_TOO_LARGE"


async def test_body_over_64_kib_is_413_when_streamed(client, margherita):
    async def chunks():
        yield b'{"name": "'
        for _ in range(100):
            yield b"x" * 1024
        yield b'"}'

    response = await client.post(
        "/v1/orders", content=chunks(), headers={"content-type": "application/json"}
    )

    assert response.status_code == 413
    assert response.json()["code"] == "PAYLOAD_TOO_LARGE"


async def test_body_just_under_the_cap_is_parsed(client, margherita):
    body = order_body(pizza_id=margherita["pizza"].id)
    body["ignored"] = "x" * (60 * 1024)
    response = await client.post("/v1/orders", content=json.dumps(body))
    assert response.status_code == 201, response.text
