"""Database-wide operations that belong to no single domain: probing and test clean-up."""

from __future__ import annotations

import asyncio

from tortoise.connection import get_connection

from usersnack.settings import Settings

PROBE_TIMEOUT_SECONDS = 2.0

# Every table the app owns, children first.
APP_TABLES = (
    "order_garnish",
    "order_package",
    "customer_order",
    "pizza_extra",
    "pizza_ingredient",
    "pizza",
    "extra",
    "ingredient",
)


class DatabaseProbe:
    async def answers(self) -> bool:
        try:
            await asyncio.wait_for(
                get_connection("default").execute_query("SELECT 1"), PROBE_TIMEOUT_SECONDS
            )
        except Exception:  # noqa: BLE001 - any failure to answer means "unhealthy"
            return False
        return True


async def truncate_app_tables(settings: Settings) -> None:
    """Empty every app table. Destructive, so it refuses outside the test environment."""
    if not settings.is_test:
        raise RuntimeError("refusing to truncate tables: ENVIRONMENT is not 'test'")
    await get_connection("default").execute_script(
        f"TRUNCATE {', '.join(APP_TABLES)} RESTART IDENTITY CASCADE"
    )
