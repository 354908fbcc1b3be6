"""Counting the SQL statements the app sends, for query-budget tests.

Counts at the asyncpg connection: every simple query (BEGIN, COMMIT, ...) and every
parameterised execution (executemany counts once per call). The menu change feed's keep-alive
ping is left out: it runs on its own schedule, not because of a request.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from asyncpg.connection import Connection

IGNORED = {"SELECT 1"}


@contextmanager
def count_statements() -> Iterator[list[str]]:
    executed: list[str] = []
    original_execute = Connection.execute
    original_execute_with_args = Connection._execute
    original_executemany = Connection._executemany

    async def execute(self: Connection, query: str, *args: Any, **kwargs: Any) -> Any:
        if not args and query not in IGNORED:
            executed.append(query)
        return await original_execute(self, query, *args, **kwargs)

    async def execute_with_args(self: Connection, query: str, *args: Any, **kwargs: Any) -> Any:
        if query not in IGNORED:
            executed.append(query)
        return await original_execute_with_args(self, query, *args, **kwargs)

    async def executemany(self: Connection, query: str, *args: Any, **kwargs: Any) -> Any:
        executed.append(query)
        return await original_executemany(self, query, *args, **kwargs)

    Connection.execute = execute  # type: ignore[method-assign]
    Connection._execute = execute_with_args  # type: ignore[method-assign]
    Connection._executemany = executemany  # type: ignore[method-assign]
    try:
        yield executed
    finally:
        Connection.execute = original_execute  # type: ignore[method-assign]
        Connection._execute = original_execute_with_args  # type: ignore[method-assign]
        Connection._executemany = original_executemany  # type: ignore[method-assign]
