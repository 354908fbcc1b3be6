"""Order traffic for the reliability suite, and the checks of what the database kept.

`OrderPlan` makes orders from the live menu and knows each one's exact total; `Ledger` records
every request and answer; `audit_orders` compares the ledger with the tables and recomputes
every stored total from its lines and from the menu prices, in SQL.
"""

from __future__ import annotations

import random
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import asyncpg
import httpx

from tests.factories import order_body
from usersnack.settings import credentials_from_url


@dataclass(frozen=True)
class PlannedOrder:
    key: str
    body: dict[str, Any]
    total: Decimal


class OrderPlan:
    """Random but reproducible orders over the live menu, each with its expected total."""

    def __init__(self, base_url: str, *, seed: int) -> None:
        self._random = random.Random(seed)
        with httpx.Client(base_url=base_url, timeout=10) as http:
            pizzas = http.get("/v1/pizzas", params={"limit": 100}).json()["results"]
            self.pizzas = [
                (
                    pizza,
                    http.get(f"/v1/pizzas/{pizza['id']}/extras", params={"limit": 100}).json()[
                        "results"
                    ],
                )
                for pizza in pizzas
            ]
        assert self.pizzas, "the menu is empty"

    def order(self) -> PlannedOrder:
        packages, total = [], Decimal("0.00")
        for _ in range(self._random.randint(1, 3)):
            pizza, extras = self._random.choice(self.pizzas)
            quantity = self._random.randint(1, 3)
            chosen = self._random.sample(extras, k=min(len(extras), self._random.randint(0, 2)))
            garnishes = [
                {"extra_id": e["id"], "quantity": self._random.randint(1, 2)} for e in chosen
            ]
            unit = Decimal(pizza["price"]) + sum(
                (
                    Decimal("0") if extra["is_free"] else Decimal(extra["price"]) * g["quantity"]
                    for extra, g in zip(chosen, garnishes)
                ),
                Decimal("0"),
            )
            total += unit * quantity
            packages.append({"pizza_id": pizza["id"], "quantity": quantity, "garnishes": garnishes})
        body = order_body(pizza_id=None, packages=packages, name=f"Load {uuid.uuid4().hex[:8]}")
        return PlannedOrder(key=str(uuid.uuid4()), body=body, total=total)


@dataclass
class Answer:
    key: str
    target: str
    status: int | None  # None: no HTTP answer (connection refused or reset, timeout)
    error: str | None
    seconds: float
    at: float  # time.monotonic() when the answer came
    order_id: str | None = None
    total: str | None = None
    replayed: bool = False
    code: str | None = None
    retry_after: str | None = None


@dataclass
class Ledger:
    planned: dict[str, PlannedOrder] = field(default_factory=dict)
    answers: list[Answer] = field(default_factory=list)

    async def post(
        self, http: httpx.AsyncClient, target: str, order: PlannedOrder, *, timeout: float = 30
    ) -> Answer:
        self.planned[order.key] = order
        started = time.monotonic()
        try:
            response = await http.post(
                f"{target}/v1/orders",
                json=order.body,
                headers={"Idempotency-Key": order.key},
                timeout=timeout,
            )
        except httpx.HTTPError as error:
            answer = Answer(
                order.key,
                target,
                None,
                type(error).__name__,
                time.monotonic() - started,
                time.monotonic(),
            )
        else:
            answer = Answer(order.key, target, response.status_code, None, 0.0, time.monotonic())
            answer.seconds = answer.at - started
            body = _json_or_none(response)
            if response.status_code == 201 and body is not None:
                answer.order_id, answer.total = body["id"], body["total_cost"]
                answer.replayed = response.headers.get("idempotent-replayed") == "true"
            elif body is not None:
                answer.code = body.get("code")
            answer.retry_after = response.headers.get("retry-after")
        self.answers.append(answer)
        return answer

    @property
    def acknowledged(self) -> dict[str, set[str]]:
        """Key -> every order id a 201 named for it (one, if all is well)."""
        named: dict[str, set[str]] = defaultdict(set)
        for answer in self.answers:
            if answer.status == 201 and answer.order_id:
                named[answer.key].add(answer.order_id)
        return named

    def statuses(self) -> Counter:
        return Counter(answer.status for answer in self.answers)

    def server_errors(self) -> list[Answer]:
        return [a for a in self.answers if a.status is not None and a.status >= 500]


def _json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


# Each stored order with its lines recomputed: the total from the packages, each package from
# its pizza price and garnishes, each garnish from its list price (0 when free), and the list
# prices compared with the menu's (the menu does not change during these tests).
AUDIT_SQL = """
WITH garnish_sums AS (
    SELECT g.package_id,
           sum(g.unit_price * g.quantity) AS amount,
           bool_and(g.unit_price = CASE WHEN g.is_free THEN 0 ELSE g.list_price END
                    AND g.list_price = e.price) AS priced_right
    FROM order_garnish g JOIN extra e ON e.id = g.extra_id_at_order
    GROUP BY g.package_id
), package_sums AS (
    SELECT p.order_id,
           count(*) AS packages,
           sum(p.subtotal) AS amount,
           bool_and(p.unit_price = p.pizza_price + coalesce(gs.amount, 0)
                    AND p.subtotal = p.unit_price * p.quantity
                    AND p.pizza_price = z.price
                    AND coalesce(gs.priced_right, true)) AS priced_right
    FROM order_package p
    JOIN pizza z ON z.id = p.pizza_id_at_order
    LEFT JOIN garnish_sums gs ON gs.package_id = p.id
    GROUP BY p.order_id
)
SELECT o.id::text AS id, o.idempotency_key AS key, o.total_cost::text AS total,
       coalesce(ps.packages, 0) AS packages,
       coalesce(ps.amount = o.total_cost AND ps.priced_right, false) AS consistent
FROM customer_order o LEFT JOIN package_sums ps ON ps.order_id = o.id
"""


@dataclass
class Audit:
    sent: int
    requests: int
    acknowledged: int
    stored: int
    duplicated: int  # keys stored more than once, or answered with two different orders
    lost: int  # acknowledged, but not stored (or stored under another id)
    partial: int  # stored without packages, or with a total its lines disagree with
    wrong_total: int  # acknowledged total differs from the stored one or the expected one
    server_errors: int
    stored_unacknowledged: int  # written, but the client never heard (fine: a retry finds it)

    def figures(self) -> dict[str, int]:
        return {
            "orders sent": self.sent,
            "requests sent": self.requests,
            "acknowledged": self.acknowledged,
            "stored": self.stored,
            "duplicated": self.duplicated,
            "lost": self.lost,
            "partial or mispriced": self.partial,
            "wrong total": self.wrong_total,
            "5xx answers": self.server_errors,
            "stored, never acknowledged": self.stored_unacknowledged,
        }

    def assert_nothing_lost_or_doubled(self) -> None:
        assert (self.duplicated, self.lost, self.partial, self.wrong_total) == (0, 0, 0, 0), self


async def audit_orders(database_url: str, ledger: Ledger) -> Audit:
    credentials = credentials_from_url(database_url)
    credentials.pop("ssl", None)
    connection = await asyncpg.connect(timeout=10, **credentials)
    try:
        rows = await connection.fetch(AUDIT_SQL)
    finally:
        await connection.close()
    stored_by_key: dict[str, list[asyncpg.Record]] = defaultdict(list)
    for row in rows:
        stored_by_key[row["key"]].append(row)
    assert set(stored_by_key) <= set(ledger.planned), "orders stored that nobody sent"

    acknowledged = ledger.acknowledged
    lost = duplicated = wrong_total = 0
    for key, named in acknowledged.items():
        stored = stored_by_key.get(key, [])
        if len(named) > 1:
            duplicated += 1
        if not stored or {row["id"] for row in stored} != named:
            lost += 1
    for key, stored in stored_by_key.items():
        if len(stored) > 1:
            duplicated += 1
        expected = ledger.planned[key].total
        if any(Decimal(row["total"]) != expected for row in stored):
            wrong_total += 1
    for answer in ledger.answers:
        if (
            answer.status == 201
            and Decimal(answer.total or "-1") != ledger.planned[answer.key].total
        ):
            wrong_total += 1
    return Audit(
        sent=len(ledger.planned),
        requests=len(ledger.answers),
        acknowledged=len(acknowledged),
        stored=len(rows),
        duplicated=duplicated,
        lost=lost,
        partial=sum(1 for row in rows if row["packages"] == 0 or not row["consistent"]),
        wrong_total=wrong_total,
        server_errors=len(ledger.server_errors()),
        stored_unacknowledged=len(set(stored_by_key) - set(acknowledged)),
    )
