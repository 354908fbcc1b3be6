"""Wait until the configured PostgreSQL accepts connections, or give up after a bounded time.

docker compose's `migrate` service runs this before `aerich upgrade`: the database container
may report itself started before it accepts connections (first start, crash recovery).

    python -m usersnack.wait_for_db [--timeout SECONDS]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time

import asyncpg

from usersnack.settings import Settings, get_settings

logger = logging.getLogger("usersnack.wait_for_db")

CONNECT_TIMEOUT_SECONDS = 5.0
RETRY_INTERVAL_SECONDS = 1.0
# Worth another try: nothing listens yet, or the server is still starting up. A wrong password
# or database name is not, and fails at once.
NOT_READY_ERRORS = (OSError, asyncio.TimeoutError, asyncpg.CannotConnectNowError)


async def wait_for_database(settings: Settings, *, timeout: float) -> bool:
    """True once a connection succeeds; False when `timeout` seconds pass without one."""
    credentials = settings.database_credentials()
    deadline = time.monotonic() + timeout
    attempt = 0
    while True:
        attempt += 1
        try:
            connection = await asyncpg.connect(
                **credentials, timeout=min(CONNECT_TIMEOUT_SECONDS, max(timeout, 0.1))
            )
        except NOT_READY_ERRORS as error:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                logger.error("database not reachable after %s attempts: %s", attempt, error)
                return False
            logger.info("database not ready yet (%s); retrying", error)
            await asyncio.sleep(min(RETRY_INTERVAL_SECONDS, remaining))
            continue
        except asyncpg.PostgresError as error:
            logger.error("the database refused the connection: %s", error)
            return False
        await connection.close()
        logger.info("database ready after %s attempt(s)", attempt)
        return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds (default 60)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s: %(name)s: %(message)s")
    ready = asyncio.run(wait_for_database(get_settings(), timeout=args.timeout))
    return 0 if ready else 1


if __name__ == "__main__":
    sys.exit(main())
