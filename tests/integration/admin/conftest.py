"""A client that carries the admin key (the session app runs with TEST_ADMIN_KEY)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import TEST_ADMIN_KEY

ADMIN_HEADERS = {"Authorization": f"Bearer {TEST_ADMIN_KEY}"}


@pytest.fixture
async def staff(app, client) -> AsyncIterator[httpx.AsyncClient]:  # noqa: ANN001
    """Like `client` (clean tables), but every request sends the admin key."""
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", headers=ADMIN_HEADERS
    ) as staff_client:
        yield staff_client


@pytest.fixture(autouse=True)
def _no_uploads_from_earlier_tests(settings) -> None:  # noqa: ANN001
    """Each test starts with only the fixture pictures, like its tables start empty."""
    from usersnack.admin.images import STORED_NAME

    folder = settings.media_root / "pizzas"
    for path in folder.iterdir() if folder.exists() else ():
        if STORED_NAME.fullmatch(path.name) or path.name.startswith("."):
            path.unlink()
