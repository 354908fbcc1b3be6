"""Applying the Aerich migrations in `migrations/`: the only way the schema is made."""

from __future__ import annotations

from aerich import Command

from usersnack.settings import REPO_ROOT, Settings

MIGRATIONS_DIR = REPO_ROOT / "migrations"


def migration_command(settings: Settings) -> Command:
    return Command(
        tortoise_config=settings.tortoise_config(), app="models", location=str(MIGRATIONS_DIR)
    )


async def apply_migrations(settings: Settings) -> list[str]:
    """Apply every migration not yet applied; returns the ones it applied."""
    command = migration_command(settings)
    async with command:
        await command.init()
        return await command.upgrade(run_in_transaction=True)
