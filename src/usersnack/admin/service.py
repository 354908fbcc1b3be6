"""Staff rules: the menu (pizzas, extras, ingredients, images) and the orders inbox.

Menu rules:
- Names are unique among live items of a kind, ignoring case (409 CONFLICT). Checked here for
  a clear message; the partial unique indexes decide races.
- Retiring takes an item off the public menu for good; it stays readable here and in every
  order that used it. Retiring is idempotent, and a retired item can no longer be changed.
- A retired extra is withdrawn from every pizza's offers. An ingredient cannot be retired
  while a live pizza lists it (409 naming those pizzas): a pizza's ingredients never change
  behind the staff's back.
- A pizza lists live ingredients and offers live extras only (422 naming the field).

Every change commits before this process's menu snapshot is dropped, so the next public
request reads the new menu; other processes hear of it from the database (see menu/cache.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Protocol
from uuid import UUID

from pydantic import BaseModel

from usersnack.admin.images import CleanImage, StagedRemoval
from usersnack.admin.records import (
    ExtraRecord,
    IngredientRecord,
    Kind,
    MenuRecord,
    PizzaRecord,
)
from usersnack.admin.repository import NameTaken
from usersnack.admin.schemas import (
    AdminExtraOut,
    AdminIngredientOut,
    AdminOfferOut,
    AdminPizzaOut,
    ExtraIn,
    ExtraPatch,
    InboxExtraOut,
    InboxFilter,
    InboxOrderOut,
    InboxPackageOut,
    IngredientIn,
    IngredientPatch,
    ItemFilter,
    OfferIn,
    PizzaImageOut,
    PizzaIn,
    PizzaOffersIn,
    PizzaPatch,
)
from usersnack.common.schemas import Page, PageOut, to_money
from usersnack.errors import ConflictError, NotFoundError, ValidationFailed
from usersnack.orders.schemas import DeliveryAddressOut

MAX_PIZZA_IMAGES = 12

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


class MenuStore(Protocol):
    def atomic(self) -> Any: ...

    async def list_items(
        self, kind: Kind, item_filter: ItemFilter, page: Page
    ) -> tuple[list[MenuRecord], int]: ...

    async def get_item(self, kind: Kind, item_id: UUID, *, lock: bool = False) -> Any: ...

    async def name_taken(
        self, kind: Kind, name: str, *, other_than: UUID | None = None
    ) -> bool: ...

    async def add_item(self, kind: Kind, **values: Any) -> UUID: ...

    async def update_item(self, kind: Kind, item_id: UUID, **changes: Any) -> None: ...

    async def retire_item(self, kind: Kind, item_id: UUID, at: datetime) -> None: ...

    async def live_ingredient_ids(self, ids: Iterable[UUID]) -> set[UUID]: ...

    async def live_extra_ids(self, ids: Iterable[UUID]) -> set[UUID]: ...

    async def live_pizzas_with_ingredient(self, ingredient_id: UUID) -> list[tuple[UUID, str]]: ...

    async def withdraw_extra(self, extra_id: UUID) -> list[UUID]: ...

    async def set_pizza_ingredients(self, pizza_id: UUID, ingredient_ids: list[UUID]) -> None: ...

    async def set_pizza_offers(self, pizza_id: UUID, offers: list[tuple[UUID, bool]]) -> None: ...

    async def lock_media_key(self, key: str) -> None: ...

    async def media_key_in_use(self, key: str) -> bool: ...


class ImageStore(Protocol):
    def is_stored_by_us(self, key: str) -> bool: ...

    async def prepare(self, data: bytes) -> CleanImage: ...

    async def save(self, image: CleanImage) -> None: ...

    async def stage_removal(self, key: str) -> StagedRemoval | None: ...

    async def finish_removal(self, staged: StagedRemoval | None) -> None: ...

    async def undo_removal(self, staged: StagedRemoval | None) -> None: ...


class ItemNotFound(NotFoundError):
    def __init__(self, kind: Kind, item_id: UUID) -> None:
        super().__init__(f"No {kind.value} with that id.", details={"id": str(item_id)})


class NameInUse(ConflictError):
    def __init__(self, kind: Kind, name: str) -> None:
        super().__init__(
            f"A live {kind.value} is already called {name!r} (names ignore case).",
            details=[{"field": "body.name", "message": "already used by a live " + kind.value}],
        )


class ItemRetired(ConflictError):
    def __init__(self, kind: Kind, record: MenuRecord) -> None:
        super().__init__(
            f"This {kind.value} was retired and can no longer be changed.",
            details={"id": str(record.id), "retired_at": _iso(record.retired_at)},
        )


class IngredientInUse(ConflictError):
    def __init__(self, pizzas: list[tuple[UUID, str]]) -> None:
        super().__init__(
            "Live pizzas still list this ingredient; change or retire them first.",
            details={"pizzas": [{"id": str(pizza_id), "name": name} for pizza_id, name in pizzas]},
        )


class TooManyImages(ConflictError):
    message = f"A pizza has at most {MAX_PIZZA_IMAGES} images; remove one first."


class ImageNotFound(NotFoundError):
    message = "This pizza has no image of that name."


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


@dataclass(frozen=True, slots=True)
class StoredImage:
    image: PizzaImageOut
    created: bool  # False when the pizza already had this very image


class MenuAdminService:
    def __init__(
        self,
        repository: MenuStore,
        media: ImageStore,
        *,
        on_menu_change: Callable[[], None],
        media_url: str = "/media/",
        clock: Clock = utc_now,
    ) -> None:
        self._repo = repository
        self._media = media
        self._menu_changed = on_menu_change
        self._media_url = media_url
        self._clock = clock

    # ---- views ----------------------------------------------------------------------------

    @staticmethod
    def _ingredient_out(record: IngredientRecord) -> AdminIngredientOut:
        return AdminIngredientOut.model_validate(record, from_attributes=True)

    @staticmethod
    def _extra_out(record: ExtraRecord) -> AdminExtraOut:
        return AdminExtraOut.model_validate(record, from_attributes=True)

    def _pizza_out(self, record: PizzaRecord) -> AdminPizzaOut:
        return AdminPizzaOut(
            id=record.id,
            name=record.name,
            price=record.price,
            ingredients=[self._ingredient_out(item) for item in record.ingredients],
            extras=[
                AdminOfferOut(extra=self._extra_out(offer.extra), is_free=offer.is_free)
                for offer in record.offers
            ],
            images=[self._media_url + key for key in record.images],
            created_at=record.created_at,
            updated_at=record.updated_at,
            retired_at=record.retired_at,
        )

    def _out(self, record: MenuRecord) -> BaseModel:
        if isinstance(record, PizzaRecord):
            return self._pizza_out(record)
        if isinstance(record, ExtraRecord):
            return self._extra_out(record)
        return self._ingredient_out(record)

    # ---- any kind -------------------------------------------------------------------------

    async def list_items(self, kind: Kind, item_filter: ItemFilter, page: Page) -> PageOut[Any]:
        records, size = await self._repo.list_items(kind, item_filter, page)
        return PageOut[Any](
            results=[self._out(record) for record in records],
            offset=page.offset,
            limit=page.limit,
            size=size,
        )

    async def get_item(self, kind: Kind, item_id: UUID) -> BaseModel:
        return self._out(await self._existing(kind, item_id))

    async def retire_item(self, kind: Kind, item_id: UUID) -> BaseModel:
        async with self._repo.atomic():
            record = await self._existing(kind, item_id, lock=True)
            if record.retired_at is not None:
                return self._out(record)  # already retired: nothing changes
            if kind is Kind.INGREDIENT:
                users = await self._repo.live_pizzas_with_ingredient(item_id)
                if users:
                    raise IngredientInUse(users)
            await self._repo.retire_item(kind, item_id, self._clock())
            if kind is Kind.EXTRA:
                await self._repo.withdraw_extra(item_id)
            record = await self._existing(kind, item_id)
        self._menu_changed()
        return self._out(record)

    # ---- ingredients and extras -----------------------------------------------------------

    async def create_ingredient(self, ingredient_in: IngredientIn) -> BaseModel:
        return await self._create_plain(Kind.INGREDIENT, ingredient_in.model_dump())

    async def update_ingredient(self, item_id: UUID, patch: IngredientPatch) -> BaseModel:
        return await self._update_plain(Kind.INGREDIENT, item_id, patch)

    async def create_extra(self, extra_in: ExtraIn) -> BaseModel:
        values = {"name": extra_in.name, "price": to_money(extra_in.price)}
        return await self._create_plain(Kind.EXTRA, values)

    async def update_extra(self, item_id: UUID, patch: ExtraPatch) -> BaseModel:
        return await self._update_plain(Kind.EXTRA, item_id, patch)

    async def _create_plain(self, kind: Kind, values: dict[str, Any]) -> BaseModel:
        async with self._repo.atomic():
            await self._ensure_name_free(kind, values["name"])
            item_id = await self._add(kind, values)
            record = await self._existing(kind, item_id)
        self._menu_changed()
        return self._out(record)

    async def _update_plain(
        self, kind: Kind, item_id: UUID, patch: IngredientPatch | ExtraPatch
    ) -> BaseModel:
        async with self._repo.atomic():
            record = await self._live(kind, item_id)
            changes = self._changes(patch, record)
            if "name" in changes:
                await self._ensure_name_free(kind, changes["name"], other_than=item_id)
            if changes:
                await self._update(kind, item_id, changes)
                record = await self._existing(kind, item_id)
        if changes:
            self._menu_changed()
        return self._out(record)

    # ---- pizzas ---------------------------------------------------------------------------

    async def create_pizza(self, pizza_in: PizzaIn) -> BaseModel:
        async with self._repo.atomic():
            await self._ensure_name_free(Kind.PIZZA, pizza_in.name)
            await self._ensure_live_links(pizza_in.ingredient_ids, pizza_in.extras)
            values = {"name": pizza_in.name, "price": to_money(pizza_in.price), "images": []}
            pizza_id = await self._add(Kind.PIZZA, values)
            await self._repo.set_pizza_ingredients(pizza_id, pizza_in.ingredient_ids)
            await self._repo.set_pizza_offers(pizza_id, _offers(pizza_in.extras))
            record = await self._existing(Kind.PIZZA, pizza_id)
        self._menu_changed()
        return self._out(record)

    async def update_pizza(self, pizza_id: UUID, patch: PizzaPatch) -> BaseModel:
        async with self._repo.atomic():
            record = await self._live(Kind.PIZZA, pizza_id)
            changes = self._changes(patch, record)
            ingredient_ids = changes.pop("ingredient_ids", None)
            if ingredient_ids is not None and set(ingredient_ids) == {
                item.id for item in record.ingredients
            }:
                ingredient_ids = None  # the same ingredients (they are shown by name anyway)
            if "name" in changes:
                await self._ensure_name_free(Kind.PIZZA, changes["name"], other_than=pizza_id)
            if ingredient_ids is not None:
                await self._ensure_live_links(ingredient_ids, [])
                await self._repo.set_pizza_ingredients(pizza_id, ingredient_ids)
            changed = bool(changes) or ingredient_ids is not None
            if changed:
                await self._update(Kind.PIZZA, pizza_id, changes)
                record = await self._existing(Kind.PIZZA, pizza_id)
        if changed:
            self._menu_changed()
        return self._out(record)

    async def set_pizza_extras(self, pizza_id: UUID, offers_in: PizzaOffersIn) -> BaseModel:
        async with self._repo.atomic():
            await self._live(Kind.PIZZA, pizza_id)
            await self._ensure_live_links([], offers_in.extras)
            await self._repo.set_pizza_offers(pizza_id, _offers(offers_in.extras))
            await self._update(Kind.PIZZA, pizza_id, {})
            record = await self._existing(Kind.PIZZA, pizza_id)
        self._menu_changed()
        return self._out(record)

    async def add_pizza_image(self, pizza_id: UUID, upload: bytes) -> StoredImage:
        # Decoding and re-encoding happen before any lock is taken.
        image = await self._media.prepare(upload)
        async with self._repo.atomic():
            record = await self._live(Kind.PIZZA, pizza_id)
            # Under this lock no one can delete the file between our write and our commit.
            await self._repo.lock_media_key(image.key)
            await self._media.save(image)
            created = image.key not in record.images
            if created:
                if len(record.images) >= MAX_PIZZA_IMAGES:
                    raise TooManyImages(details={"images": len(record.images)})
                await self._update(Kind.PIZZA, pizza_id, {"images": [*record.images, image.key]})
                record = await self._existing(Kind.PIZZA, pizza_id)
        if created:
            self._menu_changed()
        url = self._media_url + image.key
        return StoredImage(PizzaImageOut(url=url, pizza=self._pizza_out(record)), created)

    async def remove_pizza_image(self, pizza_id: UUID, image_name: str) -> BaseModel:
        staged: StagedRemoval | None = None
        try:
            async with self._repo.atomic():
                record = await self._live(Kind.PIZZA, pizza_id)
                key = next((k for k in record.images if k.rpartition("/")[2] == image_name), None)
                if key is None:
                    raise ImageNotFound(details={"image": image_name})
                await self._repo.lock_media_key(key)
                images = [k for k in record.images if k != key]
                await self._update(Kind.PIZZA, pizza_id, {"images": images})
                if self._media.is_stored_by_us(key) and not await self._repo.media_key_in_use(key):
                    # Moved aside, not deleted: if the commit fails, the file comes back.
                    staged = await self._media.stage_removal(key)
                record = await self._existing(Kind.PIZZA, pizza_id)
        except BaseException:
            await self._media.undo_removal(staged)
            raise
        await self._media.finish_removal(staged)
        self._menu_changed()
        return self._out(record)

    # ---- helpers --------------------------------------------------------------------------

    async def _existing(self, kind: Kind, item_id: UUID, *, lock: bool = False) -> Any:
        record = await self._repo.get_item(kind, item_id, lock=lock)
        if record is None:
            raise ItemNotFound(kind, item_id)
        return record

    async def _live(self, kind: Kind, item_id: UUID) -> Any:
        """The item, locked until commit; refuses retired ones."""
        record = await self._existing(kind, item_id, lock=True)
        if record.retired_at is not None:
            raise ItemRetired(kind, record)
        return record

    @staticmethod
    def _changes(patch: BaseModel, record: MenuRecord) -> dict[str, Any]:
        """The fields the patch sets to a value other than the current one."""
        changes = {}
        for field in patch.model_fields_set:
            value = getattr(patch, field)
            if field == "price":
                value = to_money(value)
            if getattr(record, field, object()) != value:
                changes[field] = value
        return changes

    async def _ensure_name_free(
        self, kind: Kind, name: str, *, other_than: UUID | None = None
    ) -> None:
        if await self._repo.name_taken(kind, name, other_than=other_than):
            raise NameInUse(kind, name)

    async def _add(self, kind: Kind, values: dict[str, Any]) -> UUID:
        try:
            return await self._repo.add_item(kind, **values)
        except NameTaken:
            raise NameInUse(kind, values["name"]) from None

    async def _update(self, kind: Kind, item_id: UUID, changes: dict[str, Any]) -> None:
        try:
            await self._repo.update_item(kind, item_id, **changes)
        except NameTaken:
            raise NameInUse(kind, changes["name"]) from None

    async def _ensure_live_links(self, ingredient_ids: list[UUID], offers: list[OfferIn]) -> None:
        """Every ingredient and offered extra exists and is live (and stays so until commit)."""
        live_ingredients = await self._repo.live_ingredient_ids(ingredient_ids)
        live_extras = await self._repo.live_extra_ids(offer.extra_id for offer in offers)
        problems = [
            {"field": f"body.ingredient_ids.{index}", "message": "no live ingredient with this id"}
            for index, ingredient_id in enumerate(ingredient_ids)
            if ingredient_id not in live_ingredients
        ] + [
            {"field": f"body.extras.{index}.extra_id", "message": "no live extra with this id"}
            for index, offer in enumerate(offers)
            if offer.extra_id not in live_extras
        ]
        if problems:
            raise ValidationFailed(details=problems)


def _offers(offers: list[OfferIn]) -> list[tuple[UUID, bool]]:
    return [(offer.extra_id, offer.is_free) for offer in offers]


# ---- orders inbox -------------------------------------------------------------------------


class OrderStore(Protocol):
    async def list_orders(self, inbox_filter: InboxFilter, page: Page) -> tuple[list[Any], int]: ...

    async def get_order(self, order_id: UUID) -> Any | None: ...

    async def set_processed(self, order_id: UUID, processed: bool, at: datetime) -> None: ...


class OrderNotFound(NotFoundError):
    message = "No order with that id."


def as_utc(moment: datetime | None) -> datetime | None:
    """A time without a zone is read as UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=timezone.utc)


def inbox_order_out(order: Any) -> InboxOrderOut:
    """What the kitchen needs from a stored order (its lines loaded)."""
    packages = sorted(order.packages, key=lambda package: package.position)
    return InboxOrderOut(
        id=order.id,
        created_at=order.created_at,
        name=order.name,
        contact_phones=list(order.contact_phones),
        delivery_address=DeliveryAddressOut(**order.delivery_address),
        total_cost=order.total_cost,
        processed=order.processed,
        processed_at=order.processed_at,
        packages=[
            InboxPackageOut(
                pizza_id=package.pizza_id_at_order,
                pizza_name=package.pizza_snapshot["name"],
                quantity=package.quantity,
                extras=[
                    InboxExtraOut(
                        name=garnish.name, quantity=garnish.quantity, is_free=garnish.is_free
                    )
                    for garnish in sorted(package.garnishes, key=lambda garnish: garnish.position)
                ],
                subtotal=package.subtotal,
            )
            for package in packages
        ],
    )


class OrderInboxService:
    def __init__(self, repository: OrderStore, *, clock: Clock = utc_now) -> None:
        self._repo = repository
        self._clock = clock

    async def list_orders(self, inbox_filter: InboxFilter, page: Page) -> PageOut[InboxOrderOut]:
        created_from = as_utc(inbox_filter.created_from)
        created_to = as_utc(inbox_filter.created_to)
        if created_from and created_to and created_from > created_to:
            raise ValidationFailed.on_field("query.created_to", "must not be before created_from")
        normalized = InboxFilter(
            processed=inbox_filter.processed, created_from=created_from, created_to=created_to
        )
        orders, size = await self._repo.list_orders(normalized, page)
        return PageOut[InboxOrderOut](
            results=[inbox_order_out(order) for order in orders],
            offset=page.offset,
            limit=page.limit,
            size=size,
        )

    async def get_order(self, order_id: UUID) -> InboxOrderOut:
        return inbox_order_out(await self._order(order_id))

    async def set_processed(self, order_id: UUID, processed: bool) -> InboxOrderOut:
        """Idempotent: an order already in that state is returned as it is."""
        await self._repo.set_processed(order_id, processed, self._clock())
        return inbox_order_out(await self._order(order_id))

    async def _order(self, order_id: UUID) -> Any:
        order = await self._repo.get_order(order_id)
        if order is None:
            raise OrderNotFound(details={"id": str(order_id)})
        return order
