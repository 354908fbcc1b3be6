"""The app's Tortoise engine: a pool that stays busy fails fast instead of queueing for ever."""

from __future__ import annotations

import asyncio

import pytest

from usersnack.db_engine import BoundedAsyncpgDBClient
from usersnack.settings import credentials_from_url


async def test_waiting_for_a_busy_pool_gives_up_after_the_acquire_timeout(database_url):
    client = BoundedAsyncpgDBClient(
        acquire_timeout=0.2,
        minsize=1,
        maxsize=1,
        connection_name="bounded-pool-test",
        **credentials_from_url(database_url),
    )
    await client.create_connection(with_db=True)
    try:
        async with client.acquire_connection():  # the only connection, held
            with pytest.raises(asyncio.TimeoutError):
                await client.execute_query("SELECT 1")
        _, rows = await client.execute_query("SELECT 1 AS one")  # free again: served
        assert rows[0]["one"] == 1
    finally:
        await client.close()
