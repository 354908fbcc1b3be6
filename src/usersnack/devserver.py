"""What `./scripts/run.sh` runs: database, migrations, fixture menu, then uvicorn.

With no database configured it starts the embedded PostgreSQL (data in `.data/postgres`, so
orders survive a restart) and stops it again when the server stops.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

import uvicorn

from usersnack.logs import configure_logging
from usersnack.settings import Environment, InvalidSettings, get_settings, load_settings

logger = logging.getLogger("usersnack.devserver")


async def prepare_database() -> None:
    from tortoise import Tortoise

    from usersnack.fixtures.loader import load_menu_if_empty
    from usersnack.schema import apply_migrations

    settings = get_settings()
    applied = await apply_migrations(settings)
    if applied:
        logger.info("applied migrations: %s", ", ".join(applied))
    await Tortoise.init(config=settings.tortoise_config())
    try:
        report = await load_menu_if_empty()
        if report is not None:
            logger.info("loaded the fixture menu: %s", report.summary())
    finally:
        await Tortoise.close_connections()


def _exit_on_signal(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def main() -> int:
    try:
        settings = load_settings()
    except InvalidSettings as error:
        print(error.line, file=sys.stderr)
        return 2
    configure_logging(settings.log_level, secrets=settings.secret_values())
    embedded = None
    if not settings.database_configured:
        if settings.environment is Environment.PRODUCTION:
            print("ENVIRONMENT=production needs DATABASE_URL or POSTGRES_HOST.", file=sys.stderr)
            return 2
        from usersnack.embedded_db import EmbeddedPostgres, ensure_database

        embedded = EmbeddedPostgres(settings.embedded_postgres_dir, own_server=True)
        logger.info("starting embedded PostgreSQL in %s", settings.embedded_postgres_dir)
        embedded.start()
        url = embedded.url("usersnack")
        asyncio.run(ensure_database(url))
        os.environ["DATABASE_URL"] = url
        get_settings.cache_clear()
        settings = get_settings()
    # uvicorn re-raises SIGTERM/SIGHUP after its graceful shutdown; turning them into SystemExit
    # lets the `finally` below stop the embedded database instead of dying on the spot.
    signal.signal(signal.SIGTERM, _exit_on_signal)
    signal.signal(signal.SIGHUP, _exit_on_signal)
    try:
        asyncio.run(prepare_database())
        logger.info("serving on http://%s:%s (docs at /docs)", settings.host, settings.port)
        uvicorn.run(
            "usersnack.main:app",
            host=settings.host,
            port=settings.port,
            reload=settings.reload,
            reload_dirs=[str(settings.media_root.parent / "src")] if settings.reload else None,
            proxy_headers=True,
            # The app writes one JSON access line per request (with its request id); uvicorn's
            # own access log and log format would only add a second, plain-text copy.
            access_log=False,
            log_config=None,
        )
    finally:
        if embedded is not None:
            logger.info("stopping embedded PostgreSQL")
            embedded.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
