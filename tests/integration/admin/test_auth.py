"""Nobody without the key changes anything: every admin operation in the schema is walked."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from tests.conftest import TEST_ADMIN_KEY

ADMIN_PREFIX = "/v1/admin"
METHODS = ("get", "post", "put", "patch", "delete")


def admin_operations(schema: dict) -> list[tuple[str, str]]:
    """Every (method, concrete path) under /v1/admin, path parameters filled with UUIDs."""
    found = []
    for path, item in schema["paths"].items():
        if not path.startswith(ADMIN_PREFIX):
            continue
        concrete = re.sub(r"\{[^}]+\}", lambda _: str(uuid.uuid4()), path)
        found += [(method.upper(), concrete) for method in item if method in METHODS]
    return found


@pytest.fixture
async def operations(client) -> list[tuple[str, str]]:
    schema = (await client.get("/openapi.json")).json()
    found = admin_operations(schema)
    # The walk must cover the whole admin API, or it proves nothing.
    assert len(found) >= 20, found
    return found


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Bearer wrong-key",
        f"Bearer {TEST_ADMIN_KEY}x",
        f"Bearer {TEST_ADMIN_KEY[:-1]}",
        "Bearer ",
        f"Basic {TEST_ADMIN_KEY}",
        TEST_ADMIN_KEY,
        f"Bearer {TEST_ADMIN_KEY.upper()}",
        "Bearer ünïcödé",
    ],
    ids=[
        "none",
        "wrong",
        "longer",
        "shorter",
        "empty",
        "basic",
        "no-scheme",
        "case",
        "non-ascii",
    ],
)
async def test_every_admin_operation_refuses_a_missing_or_wrong_key(
    client, operations, authorization
):
    headers = {} if authorization is None else {"Authorization": authorization.encode()}
    malformed = [
        (method, re.sub(r"[0-9a-f-]{36}", "not-an-id", path)) for method, path in operations
    ]
    for method, path in operations + malformed:
        # A body that would be valid or huge must not matter: the key is checked first.
        response = await client.request(method, path, headers=headers, json={"name": "x"})
        assert response.status_code == 401, (method, path, response.status_code)
        assert response.json()["code"] == "UNAUTHORIZED"
        assert response.headers["www-authenticate"].startswith("Bearer")


async def test_with_the_key_the_same_walk_gets_past_the_door(staff, operations):
    for method, path in operations:
        response = await staff.request(method, path, json={})
        # Unknown ids and empty bodies: 404, 415 or 422, never 401 and never a 5xx.
        assert response.status_code in (200, 404, 415, 422), (method, path, response.text)


async def test_an_unauthenticated_upload_is_refused_before_its_body_is_read(client):
    async def endless():
        for _ in range(10_000):
            yield b"x" * 1024
        raise AssertionError("the body was read")

    response = await client.post(
        f"{ADMIN_PREFIX}/pizzas/{uuid.uuid4()}/images",
        content=endless(),
        headers={"content-type": "multipart/form-data; boundary=x"},
    )
    assert response.status_code == 401


async def test_the_schema_shows_the_admin_tag_and_bearer_scheme(client):
    schema = (await client.get("/openapi.json")).json()

    assert schema["components"]["securitySchemes"]["AdminKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "The staff key from ADMIN_API_KEY: `Authorization: Bearer <key>`.",
    }
    assert "admin" in {tag["name"] for tag in schema["tags"]}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            is_admin = path.startswith(ADMIN_PREFIX)
            assert ("admin" in operation["tags"]) == is_admin, (method, path)
            assert (operation.get("security") == [{"AdminKey": []}]) == is_admin, (method, path)
            if is_admin:
                assert "401" in operation["responses"], (method, path)
    upload = schema["paths"][ADMIN_PREFIX + "/pizzas/{pizza_id}/images"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]


async def test_docs_page_loads_with_the_admin_api(client):
    docs = await client.get("/docs")
    assert docs.status_code == 200


async def test_without_a_configured_key_the_admin_api_does_not_exist(settings, operations):
    from usersnack.main import create_app

    app = create_app(settings.model_copy(update={"admin_api_key": None}))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as bare:
        schema = (await bare.get("/openapi.json")).json()
        assert not [path for path in schema["paths"] if path.startswith(ADMIN_PREFIX)]
        assert "AdminKey" not in schema.get("components", {}).get("securitySchemes", {})
        for method, path in operations + [("DELETE", f"{ADMIN_PREFIX}/orders")]:
            for headers in ({}, {"Authorization": f"Bearer {TEST_ADMIN_KEY}"}):
                response = await bare.request(method, path, headers=headers)
                assert response.status_code == 404, (method, path)
                assert response.json()["code"] == "NOT_FOUND"
