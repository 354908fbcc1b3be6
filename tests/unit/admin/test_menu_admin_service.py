"""MenuAdminService rules with fake repositories: names, retiring, links, images, invalidation."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from tests.pictures import picture
from tests.unit.admin.fakes import Clock, FakeImageStore, FakeMenuStore
from usersnack.admin.images import NotAnImage
from usersnack.admin.records import Kind
from usersnack.admin.schemas import (
    ExtraIn,
    ExtraPatch,
    IngredientIn,
    IngredientPatch,
    ItemFilter,
    PizzaIn,
    PizzaOffersIn,
    PizzaPatch,
)
from usersnack.admin.service import MAX_PIZZA_IMAGES, MenuAdminService
from usersnack.common.schemas import Page
from usersnack.errors import ConflictError, NotFoundError, ValidationFailed


class Invalidations:
    def __init__(self, events: list[str]) -> None:
        self.events = events

    def __call__(self) -> None:
        self.events.append("menu changed")

    @property
    def count(self) -> int:
        return self.events.count("menu changed")


@pytest.fixture
def store() -> FakeMenuStore:
    return FakeMenuStore()


@pytest.fixture
def media(store: FakeMenuStore) -> FakeImageStore:
    return FakeImageStore(store.events)


@pytest.fixture
def changed(store: FakeMenuStore) -> Invalidations:
    return Invalidations(store.events)


@pytest.fixture
def service(store, media, changed) -> MenuAdminService:
    return MenuAdminService(store, media, on_menu_change=changed, clock=Clock())


def pizza_in(**values) -> PizzaIn:
    values.setdefault("name", "Bufala")
    values.setdefault("price", "12.90")
    return PizzaIn.model_validate(values)


def fields(error: ValidationFailed) -> list[str]:
    return [detail["field"] for detail in error.details]


# ---- names ----------------------------------------------------------------------------------


async def test_names_are_unique_among_live_items_ignoring_case(service, store):
    await service.create_ingredient(IngredientIn(name="Basil"))

    with pytest.raises(ConflictError) as clash:
        await service.create_ingredient(IngredientIn(name="bASIL"))
    assert clash.value.details == [
        {"field": "body.name", "message": "already used by a live ingredient"}
    ]
    # Other kinds have their own names.
    await service.create_extra(ExtraIn(name="basil", price="0.5"))


async def test_a_retired_name_is_free_again(service, store):
    old = await service.create_extra(ExtraIn(name="olives", price="1"))
    await service.retire_item(Kind.EXTRA, old.id)

    new = await service.create_extra(ExtraIn(name="Olives", price="1.20"))

    assert new.id != old.id and new.retired_at is None


async def test_renaming_onto_a_live_name_is_a_conflict_but_a_case_change_is_not(service):
    basil = await service.create_ingredient(IngredientIn(name="basil"))
    await service.create_ingredient(IngredientIn(name="garlic"))

    with pytest.raises(ConflictError):
        await service.update_ingredient(basil.id, IngredientPatch(name="Garlic"))
    renamed = await service.update_ingredient(basil.id, IngredientPatch(name="Basil"))
    assert renamed.name == "Basil"


async def test_losing_the_race_to_the_unique_index_is_a_conflict_and_rolls_back(
    service, store, changed
):
    store.lose_next_name_race = True

    with pytest.raises(ConflictError):
        await service.create_extra(ExtraIn(name="olives", price="1"))

    assert store.rows[Kind.EXTRA] == {}
    assert store.events[-1] == "rollback" and changed.count == 0


# ---- prices and partial updates -------------------------------------------------------------


async def test_prices_are_stored_with_two_places(service, store):
    extra = await service.create_extra(ExtraIn(name="olives", price=1.5))
    assert store.rows[Kind.EXTRA][extra.id]["price"] == Decimal("1.50")
    assert extra.model_dump(mode="json")["price"] == "1.50"


async def test_a_patch_changes_only_the_fields_it_sends(service, store, changed):
    extra = await service.create_extra(ExtraIn(name="olives", price="1.20"))
    before = changed.count

    updated = await service.update_extra(extra.id, ExtraPatch.model_validate({"price": "2"}))

    assert (updated.name, updated.price) == ("olives", Decimal("2.00"))
    assert changed.count == before + 1
    # The same values again: nothing to write, nothing to invalidate.
    same = await service.update_extra(extra.id, ExtraPatch.model_validate({"price": "2.00"}))
    assert same.updated_at == updated.updated_at and changed.count == before + 1


async def test_unknown_items_are_not_found(service):
    with pytest.raises(NotFoundError):
        await service.get_item(Kind.PIZZA, uuid.uuid4())
    with pytest.raises(NotFoundError):
        await service.update_extra(uuid.uuid4(), ExtraPatch(name="x"))
    with pytest.raises(NotFoundError):
        await service.retire_item(Kind.INGREDIENT, uuid.uuid4())


# ---- retiring -------------------------------------------------------------------------------


async def test_retiring_is_idempotent_and_a_retired_item_is_read_only(service):
    extra = await service.create_extra(ExtraIn(name="olives", price="1"))

    first = await service.retire_item(Kind.EXTRA, extra.id)
    again = await service.retire_item(Kind.EXTRA, extra.id)

    assert first.retired_at is not None and again.retired_at == first.retired_at
    with pytest.raises(ConflictError):
        await service.update_extra(extra.id, ExtraPatch(price="2"))
    assert (await service.get_item(Kind.EXTRA, extra.id)).retired_at == first.retired_at


async def test_an_ingredient_on_a_live_pizza_cannot_be_retired(service, store):
    ham = store.seed(Kind.INGREDIENT, name="ham")
    store.seed(Kind.PIZZA, name="Hawaii", price=Decimal("10"), ingredient_ids=[ham])

    with pytest.raises(ConflictError) as in_use:
        await service.retire_item(Kind.INGREDIENT, ham)

    assert [pizza["name"] for pizza in in_use.value.details["pizzas"]] == ["Hawaii"]
    assert store.rows[Kind.INGREDIENT][ham]["retired_at"] is None


async def test_an_ingredient_only_on_retired_pizzas_can_be_retired(service, store):
    ham = store.seed(Kind.INGREDIENT, name="ham")
    hawaii = store.seed(Kind.PIZZA, name="Hawaii", price=Decimal("10"), ingredient_ids=[ham])
    await service.retire_item(Kind.PIZZA, hawaii)

    retired = await service.retire_item(Kind.INGREDIENT, ham)

    assert retired.retired_at is not None


async def test_a_retired_extra_leaves_every_pizzas_offers(service, store):
    olives = store.seed(Kind.EXTRA, name="olives", price=Decimal("1"))
    basil = store.seed(Kind.EXTRA, name="basil", price=Decimal("1"))
    pizzas = [
        store.seed(
            Kind.PIZZA, name=name, price=Decimal("9"), offers=[(olives, False), (basil, True)]
        )
        for name in ("A", "B")
    ]

    await service.retire_item(Kind.EXTRA, olives)

    for pizza_id in pizzas:
        shown = await service.get_item(Kind.PIZZA, pizza_id)
        assert [(offer.extra.name, offer.is_free) for offer in shown.extras] == [("basil", True)]


# ---- pizzas ---------------------------------------------------------------------------------


async def test_a_pizza_lists_live_ingredients_and_offers_live_extras_only(service, store):
    tomato = store.seed(Kind.INGREDIENT, name="tomato")
    gone = store.seed(Kind.INGREDIENT, name="gone", retired_at=Clock()())
    olives = store.seed(Kind.EXTRA, name="olives", price=Decimal("1"))
    old_extra = store.seed(Kind.EXTRA, name="old", price=Decimal("1"), retired_at=Clock()())

    with pytest.raises(ValidationFailed) as invalid:
        await service.create_pizza(
            pizza_in(
                ingredient_ids=[str(tomato), str(gone), str(uuid.uuid4())],
                extras=[{"extra_id": str(olives)}, {"extra_id": str(old_extra)}],
            )
        )

    assert fields(invalid.value) == [
        "body.ingredient_ids.1",
        "body.ingredient_ids.2",
        "body.extras.1.extra_id",
    ]
    assert store.rows[Kind.PIZZA] == {}


async def test_create_pizza_with_ingredients_and_offers(service, store, changed):
    tomato = store.seed(Kind.INGREDIENT, name="tomato")
    basil = store.seed(Kind.INGREDIENT, name="basil")
    olives = store.seed(Kind.EXTRA, name="olives", price=Decimal("1.20"))

    pizza = await service.create_pizza(
        pizza_in(
            price=12.9,
            ingredient_ids=[str(tomato), str(basil)],
            extras=[{"extra_id": str(olives), "is_free": True}],
        )
    )

    assert pizza.price == Decimal("12.90")
    assert [item.name for item in pizza.ingredients] == ["basil", "tomato"]
    assert [(o.extra.id, o.is_free) for o in pizza.extras] == [(olives, True)]
    assert pizza.images == []
    assert changed.count == 1


async def test_the_menu_is_invalidated_after_the_commit_never_before(service, store, changed):
    tomato = store.seed(Kind.INGREDIENT, name="tomato")
    pizza = await service.create_pizza(pizza_in(ingredient_ids=[str(tomato)]))
    store.events.clear()

    await service.update_pizza(pizza.id, PizzaPatch(price="13.50"))
    await service.set_pizza_extras(pizza.id, PizzaOffersIn(extras=[]))
    await service.retire_item(Kind.PIZZA, pizza.id)

    assert store.events == ["commit", "menu changed"] * 3


async def test_replacing_a_pizzas_ingredients_and_offers(service, store):
    tomato = store.seed(Kind.INGREDIENT, name="tomato")
    ham = store.seed(Kind.INGREDIENT, name="ham")
    olives = store.seed(Kind.EXTRA, name="olives", price=Decimal("1"))
    basil = store.seed(Kind.EXTRA, name="basil", price=Decimal("1"))
    pizza = await service.create_pizza(
        pizza_in(ingredient_ids=[str(tomato)], extras=[{"extra_id": str(olives)}])
    )

    patched = await service.update_pizza(
        pizza.id, PizzaPatch.model_validate({"ingredient_ids": [str(ham), str(tomato)]})
    )
    offered = await service.set_pizza_extras(
        pizza.id,
        PizzaOffersIn.model_validate({"extras": [{"extra_id": str(basil), "is_free": True}]}),
    )

    assert [item.name for item in patched.ingredients] == ["ham", "tomato"]
    assert patched.price == pizza.price and patched.name == pizza.name
    assert [(o.extra.name, o.is_free) for o in offered.extras] == [("basil", True)]


async def test_a_retired_pizza_cannot_be_changed(service, store):
    tomato = store.seed(Kind.INGREDIENT, name="tomato")
    pizza = await service.create_pizza(pizza_in(ingredient_ids=[str(tomato)]))
    await service.retire_item(Kind.PIZZA, pizza.id)

    for change in (
        service.update_pizza(pizza.id, PizzaPatch(price="1")),
        service.set_pizza_extras(pizza.id, PizzaOffersIn(extras=[])),
        service.add_pizza_image(pizza.id, picture()),
    ):
        with pytest.raises(ConflictError):
            await change


async def test_lists_include_retired_items_and_filter(service, store):
    for name in ("Alpha", "Beta", "Gamma"):
        store.seed(Kind.EXTRA, name=name, price=Decimal("1"))
    beta = next(i for i, row in store.rows[Kind.EXTRA].items() if row["name"] == "Beta")
    await service.retire_item(Kind.EXTRA, beta)

    everything = await service.list_items(Kind.EXTRA, ItemFilter(), Page(limit=2))
    retired = await service.list_items(Kind.EXTRA, ItemFilter(retired=True), Page())
    live_a = await service.list_items(Kind.EXTRA, ItemFilter(retired=False, name="A"), Page())

    assert ([e.name for e in everything.results], everything.size) == (["Alpha", "Beta"], 3)
    assert [e.name for e in retired.results] == ["Beta"]
    assert [e.name for e in live_a.results] == ["Alpha", "Gamma"]


# ---- images ---------------------------------------------------------------------------------


@pytest.fixture
async def pizza(service, store):
    tomato = store.seed(Kind.INGREDIENT, name="tomato")
    return await service.create_pizza(pizza_in(ingredient_ids=[str(tomato)]))


async def test_an_upload_is_stored_by_content_and_added_once(service, media, store, pizza):
    first = await service.add_pizza_image(pizza.id, picture())
    again = await service.add_pizza_image(pizza.id, picture())

    assert first.created and not again.created
    assert first.image.url == again.image.url
    assert first.image.url.startswith("/media/pizzas/") and first.image.url.endswith(".jpg")
    assert again.image.pizza.images == [first.image.url]
    assert list(media.files) == [first.image.url.removeprefix("/media/")]
    # The file is written under the key's lock, inside the transaction.
    key = first.image.url.removeprefix("/media/")
    assert store.events.index(f"lock {key}") < store.events.index(f"save {key}")


async def test_one_picture_on_two_pizzas_is_one_file(service, media, store, pizza):
    other = await service.create_pizza(
        pizza_in(name="Other", ingredient_ids=[str(pizza.ingredients[0].id)])
    )
    await service.add_pizza_image(pizza.id, picture())
    await service.add_pizza_image(other.id, picture())
    assert len(media.files) == 1


async def test_not_an_image_is_refused_before_anything_is_stored(service, media, pizza):
    with pytest.raises(NotAnImage):
        await service.add_pizza_image(pizza.id, b"just text, named .jpg")
    assert media.files == {}


async def test_a_pizza_has_at_most_so_many_images(service, pizza):
    for index in range(MAX_PIZZA_IMAGES):
        await service.add_pizza_image(pizza.id, picture(color=(index * 20, 100, 0)))
    with pytest.raises(ConflictError):
        await service.add_pizza_image(pizza.id, picture(color=(255, 255, 255)))


async def test_removing_an_image_deletes_the_file_once_no_pizza_uses_it(service, media, pizza):
    other = await service.create_pizza(
        pizza_in(name="Other", ingredient_ids=[str(pizza.ingredients[0].id)])
    )
    stored = await service.add_pizza_image(pizza.id, picture())
    await service.add_pizza_image(other.id, picture())
    name = stored.image.url.rpartition("/")[2]

    after = await service.remove_pizza_image(pizza.id, name)
    assert after.images == [] and len(media.files) == 1  # `other` still uses it

    await service.remove_pizza_image(other.id, name)
    assert media.files == {}


async def test_a_picture_not_uploaded_here_is_never_deleted(service, media, store, pizza):
    store.rows[Kind.PIZZA][pizza.id]["images"] = ["pizzas/margherita.jpg"]
    media.files["pizzas/margherita.jpg"] = b"fixture"

    after = await service.remove_pizza_image(pizza.id, "margherita.jpg")

    assert after.images == []
    assert media.files == {"pizzas/margherita.jpg": b"fixture"}


async def test_removing_an_image_the_pizza_does_not_have_is_not_found(service, pizza):
    with pytest.raises(NotFoundError):
        await service.remove_pizza_image(pizza.id, "../../etc/passwd")


async def test_a_failed_removal_puts_the_file_back(service, media, store, pizza, monkeypatch):
    stored = await service.add_pizza_image(pizza.id, picture())
    files_before = dict(media.files)

    async def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    # The last step inside the transaction fails, after the file was moved aside.
    monkeypatch.setattr(store, "get_item", broken)
    with pytest.raises(RuntimeError):
        await service.remove_pizza_image(pizza.id, stored.image.url.rpartition("/")[2])

    assert media.files == files_before
    assert store.events[-1] == "rollback"
