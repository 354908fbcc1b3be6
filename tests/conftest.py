"""Test set-up: a throwaway PostgreSQL with the migrations applied, and clean data per test.

The database is an embedded PostgreSQL in a temporary folder, or TEST_DATABASE_URL when set
(its database is dropped and re-created: point it at a database meant for tests).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

# Before anything reads the settings: destructive helpers refuse to run outside "test".
os.environ["ENVIRONMENT"] = "test"
os.environ.pop("DATABASE_URL", None)
os.environ.pop("POSTGRES_HOST", None)
os.environ.setdefault("SERVE_MEDIA", "true")

REPO_ROOT = Path(__file__).resolve().parent.parent

# The admin API is on in the test session, with this key (tests/integration/admin/).
TEST_ADMIN_KEY = "usersnack-test-admin-key-3f9a1c7e5b2d4068"
os.environ["ADMIN_API_KEY"] = TEST_ADMIN_KEY
# Uploads must never land in the repository: the session serves a copy of media/.
TEST_MEDIA_ROOT = Path(tempfile.mkdtemp(prefix="usersnack-test-media-"))
shutil.copytree(REPO_ROOT / "media", TEST_MEDIA_ROOT, dirs_exist_ok=True)
os.environ["MEDIA_ROOT"] = str(TEST_MEDIA_ROOT)


@pytest.fixture(scope="session", autouse=True)
def _remove_test_media() -> Iterator[None]:
    yield
    shutil.rmtree(TEST_MEDIA_ROOT, ignore_errors=True)


def _subprocess_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO_ROOT / "src"), *filter(None, [env.get("PYTHONPATH")])]
    )
    env.update(extra)
    return env


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    from usersnack.embedded_db import EmbeddedPostgres, ensure_database

    from usersnack.settings import Settings

    embedded = None
    url = Settings().test_database_url
    if not url:
        embedded = EmbeddedPostgres(
            Path(tempfile.mkdtemp(prefix="usersnack-test-pg-")) / "data", throwaway=True
        )
        embedded.start()
        url = embedded.url("usersnack_test")
    asyncio.run(ensure_database(url, recreate=True))
    os.environ["DATABASE_URL"] = url
    from usersnack.settings import get_settings

    get_settings.cache_clear()
    subprocess.run(
        [sys.executable, "-m", "aerich", "upgrade"],
        cwd=REPO_ROOT,
        env=_subprocess_env(),
        check=True,
        capture_output=True,
    )
    try:
        yield url
    finally:
        if embedded is not None:
            embedded.stop()


@pytest.fixture(scope="session")
def settings(database_url: str):  # noqa: ANN201 - returns usersnack Settings
    from usersnack.settings import get_settings

    return get_settings()


@pytest.fixture(scope="session")
async def app(settings):  # noqa: ANN001, ANN201
    from usersnack.main import create_app

    from tests.factories import on_menu_write

    application = create_app(settings)
    on_menu_write(application.state.menu_cache.invalidate)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def clean_db(app, settings) -> None:  # noqa: ANN001
    from usersnack.db import truncate_app_tables

    from tests.factories import menu_changed

    await truncate_app_tables(settings)
    menu_changed()


@pytest.fixture
async def client(app, clean_db) -> AsyncIterator:  # noqa: ANN001
    import httpx

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def subprocess_env():  # noqa: ANN201
    return _subprocess_env


@pytest.fixture
def free_tcp_port() -> int:
    """A loopback port nothing listens on (for "the database is gone" tests)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
