#!/usr/bin/env python3
"""Load the fixture menu into the configured database; running it again changes nothing.

Uses DATABASE_URL / POSTGRES_* like the app; with neither, the embedded development database
that ./scripts/run.sh uses. Applies pending migrations first.
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from tortoise import Tortoise  # noqa: E402

from usersnack.fixtures.loader import MENU_FILE, load_menu  # noqa: E402
from usersnack.schema import apply_migrations  # noqa: E402
from usersnack.settings import get_settings  # noqa: E402


async def load(path: Path) -> None:
    settings = get_settings()
    await apply_migrations(settings)
    await Tortoise.init(config=settings.tortoise_config())
    try:
        report = await load_menu(path)
    finally:
        await Tortoise.close_connections()
    print(f"fixture menu {path.name}: {report.summary()}")


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else MENU_FILE
    if get_settings().database_configured:
        asyncio.run(load(path))
        return 0
    from usersnack.embedded_db import EmbeddedPostgres, ensure_database

    with EmbeddedPostgres(get_settings().embedded_postgres_dir) as embedded:
        url = embedded.url("usersnack")
        asyncio.run(ensure_database(url))
        os.environ["DATABASE_URL"] = url
        get_settings.cache_clear()
        asyncio.run(load(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
