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

from usersnack.fixtures.loader import MENU_FILE, LoadReport, load_menu  # noqa: E402
from usersnack.schema import apply_migrations  # noqa: E402
from usersnack.settings import InvalidSettings, get_settings, load_settings  # noqa: E402

KINDS = ("ingredients", "extras", "pizzas")
OUTCOMES = ("created", "updated", "unchanged")


def print_item(kind: str, name: str, outcome: str) -> None:
    # Singular kind ("pizza"), outcome first so a scan down the left edge shows what changed.
    print(f"  {outcome:<9}  {kind.rstrip('s'):<10}  {name}", flush=True)


def print_summary(path: Path, report: LoadReport) -> None:
    print(f"\nfixture menu {path.name}:")
    for kind in KINDS:
        counts = ", ".join(f"{report.count(kind, outcome)} {outcome}" for outcome in OUTCOMES)
        print(f"  {kind:<12} {counts}")
    if report.changed_anything:
        print("the database now matches the fixture menu")
    else:
        print("nothing to do: the database already matched the fixture menu")


async def load(path: Path) -> None:
    settings = get_settings()
    applied = await apply_migrations(settings)
    if applied:
        print(f"applied migrations: {', '.join(applied)}", flush=True)
    await Tortoise.init(config=settings.tortoise_config())
    print(f"loading {path} ...", flush=True)
    try:
        report = await load_menu(path, on_item=print_item)
    finally:
        await Tortoise.close_connections()
    print_summary(path, report)


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else MENU_FILE
    try:
        settings = load_settings()
    except InvalidSettings as error:
        print(error.line, file=sys.stderr)
        return 2
    if settings.database_configured:
        asyncio.run(load(path))
        return 0
    from usersnack.embedded_db import EmbeddedPostgres, ensure_database

    with EmbeddedPostgres(settings.embedded_postgres_dir) as embedded:
        url = embedded.url("usersnack")
        asyncio.run(ensure_database(url))
        os.environ["DATABASE_URL"] = url
        get_settings.cache_clear()
        asyncio.run(load(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
