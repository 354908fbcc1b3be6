"""Test data, made through the app's own repository. Plain keyword-only functions."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from decimal import Decimal

from usersnack.menu.repository import MenuRepository

_counter = itertools.count(1)

# Each app under test registers its menu cache's invalidate here (tests/conftest.py): test data
# written straight through the repository must not wait for the change notification.
_menu_write_hooks: list[Callable[[], None]] = []


def on_menu_write(hook: Callable[[], None]) -> None:
    _menu_write_hooks.append(hook)


def menu_changed() -> None:
    for hook in _menu_write_hooks:
        hook()


def _unique(prefix: str) -> str:
    return f"{prefix} {next(_counter)}"


async def make_ingredient(*, name: str | None = None):  # noqa: ANN201
    ingredient = await MenuRepository().add_ingredient(name or _unique("ingredient"))
    menu_changed()
    return ingredient


async def make_extra(*, name: str | None = None, price: str = "1.50"):  # noqa: ANN201
    extra = await MenuRepository().add_extra(name or _unique("extra"), Decimal(price))
    menu_changed()
    return extra


async def make_pizza(
    *,
    name: str | None = None,
    price: str = "10.00",
    ingredients: list | None = None,
    images: list[str] | None = None,
    extras: list | None = None,
    free_extras: list | None = None,
):  # noqa: ANN201
    """A pizza with the given ingredient models, offering `extras` (paid) and `free_extras`."""
    repository = MenuRepository()
    pizza = await repository.add_pizza(
        name or _unique("Pizza"), Decimal(price), images if images is not None else []
    )
    if ingredients is None:
        ingredients = [await make_ingredient(), await make_ingredient()]
    await repository.set_pizza_ingredients(pizza, ingredients)
    offers = [(extra, False) for extra in extras or []]
    offers += [(extra, True) for extra in free_extras or []]
    await repository.set_pizza_offers(pizza, offers)
    menu_changed()
    return await repository.get_pizza_by_name(pizza.name)


def order_body(
    *,
    pizza_id: object,
    quantity: int = 1,
    garnishes: list[dict] | None = None,
    name: str = "Ada Lovelace",
    phones: list[str] | None = None,
    packages: list[dict] | None = None,
) -> dict:
    """A valid POST /v1/orders body for one pizza, or for the given packages."""
    return {
        "name": name,
        "contact_phones": phones if phones is not None else ["+43 664 1234567"],
        "delivery_address": {
            "street": "Mariahilfer Strasse",
            "house_number": "12A",
            "apt": "4",
            "city": "Wien",
            "country": "Austria",
        },
        "packages": (
            packages
            if packages is not None
            else [{"pizza_id": str(pizza_id), "quantity": quantity, "garnishes": garnishes or []}]
        ),
    }
