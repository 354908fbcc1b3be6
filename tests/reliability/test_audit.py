"""The audit the other reliability tests rely on does see lost, doubled and partial orders."""

from __future__ import annotations

from decimal import Decimal

from tortoise.connection import get_connection

from tests.factories import make_extra, make_pizza, order_body
from tests.reliability.traffic import Answer, Ledger, PlannedOrder, audit_orders


async def _place(
    client, ledger: Ledger, key: str, body: dict, total: str
) -> Answer:  # noqa: ANN001
    ledger.planned[key] = PlannedOrder(key=key, body=body, total=Decimal(total))
    response = await client.post("/v1/orders", json=body, headers={"Idempotency-Key": key})
    answer = Answer(key, "app", response.status_code, None, 0.0, 0.0)
    answer.order_id, answer.total = response.json()["id"], response.json()["total_cost"]
    ledger.answers.append(answer)
    return answer


async def test_a_sound_ledger_passes_and_each_kind_of_damage_is_counted(client, database_url):
    extra = await make_extra(price="1.25")
    pizza = await make_pizza(price="9.50", extras=[extra])
    body = order_body(pizza_id=pizza.id, quantity=2, garnishes=[{"extra_id": str(extra.id)}])
    ledger = Ledger()
    for key in ("a", "b", "c", "d"):
        await _place(client, ledger, key, body, "21.50")
    sound = await audit_orders(database_url, ledger)
    assert (sound.acknowledged, sound.stored) == (4, 4)
    sound.assert_nothing_lost_or_doubled()

    connection = get_connection("default")
    await connection.execute_query(
        "UPDATE customer_order SET total_cost = total_cost + 1 WHERE idempotency_key = 'a'"
    )
    await connection.execute_query(
        "DELETE FROM order_package WHERE order_id ="
        " (SELECT id FROM customer_order WHERE idempotency_key = 'b')"
    )
    await connection.execute_query("DELETE FROM customer_order WHERE idempotency_key = 'c'")
    ledger.answers.append(
        Answer("d", "app", 201, None, 0.0, 0.0, order_id=str(pizza.id), total="21.50")
    )
    damaged = await audit_orders(database_url, ledger)

    assert damaged.partial == 2  # 'a' disagrees with its lines, 'b' has none
    assert damaged.wrong_total == 1  # 'a' is not what the client was told
    assert damaged.lost == 2  # 'c' is gone, 'd' was answered with another id
    assert damaged.duplicated == 1  # 'd' was named as two different orders
