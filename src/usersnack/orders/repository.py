"""Storage of orders: the only order code that touches Tortoise models or SQL."""

from __future__ import annotations

import asyncio
from uuid import UUID

import orjson
from tortoise.connection import get_connection

from usersnack.errors import is_database_unavailable
from usersnack.models import Order
from usersnack.orders.pricing import PricedOrder


class IdempotencyKeyTaken(Exception):
    """Another order already holds this Idempotency-Key (a retry, or a concurrent twin)."""


# Orders, their packages and their garnishes in ONE statement: atomic on its own (no partial
# order can exist), one round trip and one commit for one order or fifty, whatever their
# size. Each level travels as one JSON document. ON CONFLICT skips an order whose
# Idempotency-Key is taken (by an earlier order, or by a twin earlier in the same batch), and
# its lines with it; the statement returns the ids of the orders it stored. Lines get their
# ids from the database; a garnish finds its package by order and position.
INSERT_ORDERS_SQL = """
WITH new_orders AS (
    INSERT INTO customer_order (id, name, contact_phones, delivery_address, total_cost,
                                processed, created_at, idempotency_key, request_digest)
    SELECT o.id, o.name, o.contact_phones, o.delivery_address, o.total_cost, false,
           o.created_at, o.idempotency_key, o.request_digest
    FROM jsonb_to_recordset($1::jsonb) AS o(id uuid, name text, contact_phones jsonb,
                                           delivery_address jsonb, total_cost numeric,
                                           created_at timestamptz, idempotency_key text,
                                           request_digest text)
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING id
), new_packages AS (
    INSERT INTO order_package (id, order_id, position, pizza_id_at_order, pizza_snapshot,
                               pizza_price, quantity, unit_price, subtotal)
    SELECT gen_random_uuid(), line.order_id, line.position, line.pizza_id, line.snapshot,
           line.pizza_price, line.quantity, line.unit_price, line.subtotal
    FROM jsonb_to_recordset($2::jsonb) AS line(order_id uuid, position smallint,
                                              pizza_id uuid, snapshot jsonb,
                                              pizza_price numeric, quantity smallint,
                                              unit_price numeric, subtotal numeric)
    JOIN new_orders ON new_orders.id = line.order_id
    RETURNING id, order_id, position
), new_garnishes AS (
    INSERT INTO order_garnish (id, package_id, position, extra_id_at_order, name, list_price,
                               is_free, unit_price, quantity)
    SELECT gen_random_uuid(), new_packages.id, line.position, line.extra_id, line.name,
           line.list_price, line.is_free, line.unit_price, line.quantity
    FROM jsonb_to_recordset($3::jsonb) AS line(order_id uuid, package_position smallint,
                                              position smallint, extra_id uuid, name text,
                                              list_price numeric, is_free boolean,
                                              unit_price numeric, quantity smallint)
    JOIN new_packages ON new_packages.order_id = line.order_id
                     AND new_packages.position = line.package_position
)
SELECT id FROM new_orders
"""


def _documents(orders: list[PricedOrder]) -> list[str]:
    """The three JSON documents INSERT_ORDERS_SQL reads: orders, packages, garnishes."""
    order_rows = []
    package_rows = []
    garnish_rows = []
    for order in orders:
        order_rows.append(
            {
                "id": order.id,
                "name": order.name,
                "contact_phones": order.contact_phones,
                "delivery_address": order.delivery_address,
                "total_cost": str(order.total_cost),
                "created_at": order.created_at,
                "idempotency_key": order.idempotency_key,
                "request_digest": order.request_digest,
            }
        )
        for package in order.packages:
            package_rows.append(
                {
                    "order_id": order.id,
                    "position": package.position,
                    "pizza_id": package.pizza_id_at_order,
                    # The pizza as the JSON the menu already rendered, not re-encoded.
                    "snapshot": orjson.Fragment(package.pizza_json),
                    "pizza_price": str(package.pizza_price),
                    "quantity": package.quantity,
                    "unit_price": str(package.unit_price),
                    "subtotal": str(package.subtotal),
                }
            )
            for garnish in package.garnishes:
                garnish_rows.append(
                    {
                        "order_id": order.id,
                        "package_position": package.position,
                        "position": garnish.position,
                        "extra_id": garnish.extra_id_at_order,
                        "name": garnish.name,
                        "list_price": str(garnish.list_price),
                        "is_free": garnish.is_free,
                        "unit_price": str(garnish.unit_price),
                        "quantity": garnish.quantity,
                    }
                )
    return [orjson.dumps(rows).decode() for rows in (order_rows, package_rows, garnish_rows)]


async def insert_orders(orders: list[PricedOrder]) -> set[UUID]:
    """Store the orders with all their lines in one statement; the ids of those stored (an
    order whose Idempotency-Key is taken is not)."""
    _, rows = await get_connection("default").execute_query(INSERT_ORDERS_SQL, _documents(orders))
    return {row["id"] for row in rows}


class OrderWriter:
    """Writes orders to the database, several in one statement when they arrive together.

    Under load an order's cost is mostly the statement's round trip and its commit, not its
    rows. An order arriving while `max_in_flight` writes are already running waits for one of
    them to finish, then goes with every other order that waited meanwhile, up to `max_batch`,
    in one statement and one commit. A lone order is written at once. Each caller still gets
    its own answer, and only after the commit: stored, or its Idempotency-Key was taken.

    The writes run in tasks of their own, so a request that is cancelled (its client left)
    never cancels the statement that carries other customers' orders; its own order is still
    written, as it could have been before (a retry with its Idempotency-Key finds it). One
    write in flight per process measured best on the benchmark machine (BENCHMARKS.md).
    """

    def __init__(self, *, max_in_flight: int = 1, max_batch: int = 100) -> None:
        self.max_in_flight = max_in_flight
        self.max_batch = max_batch
        self._waiting: list[tuple[PricedOrder, asyncio.Future[bool]]] = []
        self._in_flight = 0
        self._tasks: set[asyncio.Task[None]] = set()

    async def add(self, order: PricedOrder) -> bool:
        """Store `order`; False when its Idempotency-Key already belongs to another order."""
        stored = asyncio.get_running_loop().create_future()
        self._waiting.append((order, stored))
        if self._in_flight < self.max_in_flight:
            self._start_write()
        return await stored

    def _start_write(self) -> None:
        batch = self._waiting[: self.max_batch]
        del self._waiting[: self.max_batch]
        self._in_flight += 1
        task = asyncio.create_task(self._write(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _write(self, batch: list[tuple[PricedOrder, asyncio.Future[bool]]]) -> None:
        try:
            await self._write_batch(batch)
        finally:
            self._in_flight -= 1
            if self._waiting and self._in_flight < self.max_in_flight:
                self._start_write()

    async def _write_batch(self, batch: list[tuple[PricedOrder, asyncio.Future[bool]]]) -> None:
        try:
            stored = await insert_orders([order for order, _ in batch])
        except Exception as error:
            if not is_database_unavailable(error):
                if len(batch) > 1:
                    # Something in one order upset the statement: write each alone, so that
                    # only that order fails.
                    for item in batch:
                        await self._write_batch([item])
                    return
                _settle(batch, error=error)
                return
            # The database cannot be reached: the orders waiting behind this one would only
            # wait for the same answer, so they get it now (503, retry later), as this batch.
            waiting, self._waiting = self._waiting, []
            _settle(batch + waiting, error=error)
            return
        except BaseException as error:  # cancelled (shutdown): nobody may wait forever
            _settle(batch, error=error)
            raise
        for order, future in batch:
            if not future.done():  # done: its request was cancelled meanwhile
                future.set_result(order.id in stored)


def _settle(batch: list[tuple[PricedOrder, asyncio.Future[bool]]], *, error: BaseException) -> None:
    for _, future in batch:
        if not future.done():
            future.set_exception(error)


class OrderRepository:
    def __init__(self, writer: OrderWriter | None = None) -> None:
        self._writer = writer

    async def get_order(self, order_id: UUID) -> Order | None:
        return await Order.get_or_none(id=order_id).prefetch_related("packages__garnishes")

    async def get_order_by_idempotency_key(self, key: str) -> Order | None:
        return await Order.get_or_none(idempotency_key=key).prefetch_related("packages__garnishes")

    async def add_order(self, order: PricedOrder) -> None:
        """Store the order with all its lines, or raise IdempotencyKeyTaken."""
        if self._writer is not None:
            stored = await self._writer.add(order)
        else:
            stored = order.id in await insert_orders([order])
        if not stored:
            raise IdempotencyKeyTaken(order.idempotency_key)
