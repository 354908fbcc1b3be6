"""The schema comes only from migrations, so they must match the models exactly."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

CHECK = """
import asyncio, sys
from aerich import Command
from usersnack.settings import get_settings

async def main(location):
    command = Command(get_settings().tortoise_config(), app="models", location=location)
    await command.init(offline=True)
    created = await command.migrate("drift_check", no_input=True, offline=True)
    print("NEW MIGRATION:" + created if created else "IN SYNC")

asyncio.run(main(sys.argv[1]))
"""


def test_models_match_migrations(tmp_path, database_url, subprocess_env):
    copy = tmp_path / "migrations"
    shutil.copytree(REPO_ROOT / "migrations", copy)

    result = subprocess.run(
        [sys.executable, "-c", CHECK, str(copy)],
        cwd=REPO_ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("IN SYNC"), result.stdout + result.stderr
    assert sorted(p.name for p in copy.rglob("*.py")) == sorted(
        p.name for p in (REPO_ROOT / "migrations").rglob("*.py")
    )
