"""OrderIn's own rules, checked without a server."""

from __future__ import annotations

import json
import uuid

import pytest
from pydantic import ValidationError

from tests.factories import order_body
from usersnack.orders.schemas import OrderIn


def errors_for(body: dict) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        OrderIn.model_validate(body)
    return [".".join(str(part) for part in error["loc"]) for error in caught.value.errors()]


def test_valid_body_is_trimmed():
    body = order_body(pizza_id=uuid.uuid4(), name="  Ada  ")
    assert OrderIn.model_validate(body).name == "Ada"


def test_extra_may_appear_once_per_package():
    extra_id = str(uuid.uuid4())
    body = order_body(
        pizza_id=uuid.uuid4(),
        garnishes=[{"extra_id": extra_id, "quantity": 1}, {"extra_id": extra_id, "quantity": 1}],
    )
    assert errors_for(body) == ["packages.0.garnishes"]


@pytest.mark.parametrize("quantity, ok", [(0, False), (1, True), (50, True), (51, False)])
def test_pizza_quantity_bounds(quantity, ok):
    body = order_body(pizza_id=uuid.uuid4(), quantity=quantity)
    if ok:
        OrderIn.model_validate(body)
    else:
        assert errors_for(body) == ["packages.0.quantity"]


@pytest.mark.parametrize("quantity, ok", [(0, False), (1, True), (10, True), (11, False)])
def test_extra_quantity_bounds(quantity, ok):
    body = order_body(
        pizza_id=uuid.uuid4(), garnishes=[{"extra_id": str(uuid.uuid4()), "quantity": quantity}]
    )
    if ok:
        OrderIn.model_validate(body)
    else:
        assert errors_for(body) == ["packages.0.garnishes.0.quantity"]


def test_name_length_and_blankness():
    assert errors_for(order_body(pizza_id=uuid.uuid4(), name=" ")) == ["name"]
    assert errors_for(order_body(pizza_id=uuid.uuid4(), name="x" * 101)) == ["name"]
    OrderIn.model_validate(order_body(pizza_id=uuid.uuid4(), name="x" * 100))


def test_phone_count_bounds():
    assert errors_for(order_body(pizza_id=uuid.uuid4(), phones=[])) == ["contact_phones"]
    four = ["+436641234567"] * 4
    assert errors_for(order_body(pizza_id=uuid.uuid4(), phones=four)) == ["contact_phones"]


def test_package_count_bounds():
    package = {"pizza_id": str(uuid.uuid4())}
    assert errors_for(order_body(pizza_id=None, packages=[])) == ["packages"]
    assert errors_for(order_body(pizza_id=None, packages=[package] * 21)) == ["packages"]
    OrderIn.model_validate(order_body(pizza_id=None, packages=[package] * 20))


def test_address_rules():
    body = order_body(pizza_id=uuid.uuid4())
    body["delivery_address"].update(street="", city="c" * 201, country=" ")
    assert sorted(errors_for(body)) == [
        "delivery_address.city",
        "delivery_address.country",
        "delivery_address.street",
    ]


@pytest.mark.parametrize(
    "quantity, ok", [(2, True), (2.0, True), (2.5, False), ("2", False), (True, False)]
)
def test_quantities_are_json_integers(quantity, ok):
    """Found by schemathesis: JSON Schema calls 2.0 an integer, so the server must take it."""
    body = order_body(
        pizza_id=uuid.uuid4(),
        quantity=quantity,
        garnishes=[{"extra_id": str(uuid.uuid4()), "quantity": quantity}],
    )
    if ok:
        order = OrderIn.model_validate_json(json.dumps(body))
        assert order.packages[0].quantity == 2 and order.packages[0].garnishes[0].quantity == 2
    else:
        assert errors_for(body) == ["packages.0.quantity", "packages.0.garnishes.0.quantity"]


def test_the_schema_states_the_quantity_bounds():
    definitions = OrderIn.model_json_schema()["$defs"]
    for model, maximum in (("PackageIn", 50), ("GarnishIn", 10)):
        quantity = definitions[model]["properties"]["quantity"]
        assert (quantity["type"], quantity["minimum"], quantity["maximum"]) == (
            "integer",
            1,
            maximum,
        )
