"""The committed openapi.json is what the app serves, and every operation is documented."""

from __future__ import annotations

import json
from pathlib import Path

import httpx

from usersnack.main import create_app
from usersnack.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def _app():  # noqa: ANN202
    # Schema tests need no database: the app is used without its lifespan. Like
    # scripts/export_openapi.py, with the admin API on: it is part of the published contract.
    return create_app(Settings(_env_file=None, admin_api_key="openapi-test-key-0123456789abcdef"))


async def test_committed_openapi_json_is_what_the_app_serves():
    app = _app()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/openapi.json")
    assert response.status_code == 200
    committed = json.loads((REPO_ROOT / "openapi.json").read_text(encoding="utf-8"))
    assert response.json() == committed, (
        "openapi.json differs from the schema the app serves: "
        "run `python scripts/export_openapi.py` and commit openapi.json"
    )


def _operations(schema: dict):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield f"{method.upper()} {path}", operation


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


def _has_example(node: dict) -> bool:
    return any(key in node for key in ("example", "examples"))


def test_every_operation_has_summary_description_examples_and_error_responses():
    schema = _app().openapi()
    problems = []
    operations = list(_operations(schema))
    assert len(operations) >= 7
    for name, operation in operations:
        if not operation.get("summary", "").strip():
            problems.append(f"{name}: no summary")
        if not operation.get("description", "").strip():
            problems.append(f"{name}: no description")

        errors = {status: r for status, r in operation["responses"].items() if status[0] in "45"}
        if not errors:
            problems.append(f"{name}: no error responses documented")
        for status, response in errors.items():
            body = response.get("content", {}).get("application/json", {}).get("schema")
            if not response.get("description") or body is None:
                problems.append(f"{name}: error {status} has no description or body schema")

        for parameter in operation.get("parameters", []):
            parameter_schema = parameter.get("schema", {})
            if not (
                _has_example(parameter)
                or _has_example(parameter_schema)
                or any(_has_example(option) for option in parameter_schema.get("anyOf", []))
            ):
                problems.append(f"{name}: parameter {parameter['name']} has no example")
            if not parameter.get("description"):
                problems.append(f"{name}: parameter {parameter['name']} has no description")

        body = operation.get("requestBody")
        if body is not None:
            for media_type, content in body["content"].items():
                if not (_has_example(content) or _has_example(_resolve(schema, content["schema"]))):
                    problems.append(f"{name}: {media_type} request body has no example")
    assert not problems, "\n".join(problems)


def test_error_bodies_are_documented_with_the_one_error_shape():
    schema = _app().openapi()
    error_out = schema["components"]["schemas"]["ErrorOut"]
    assert set(error_out["properties"]) == {"code", "message", "details"}
    orders = schema["paths"]["/v1/orders"]["post"]["responses"]
    for status in ("409", "413", "422", "503"):
        assert orders[status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/ErrorOut"
        }
