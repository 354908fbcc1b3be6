from __future__ import annotations

import os


async def test_unknown_route_is_404_in_the_error_format(client):
    response = await client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"code": "NOT_FOUND", "message": "Not Found", "details": None}


async def test_wrong_method_is_405_in_the_error_format(client):
    response = await client.delete("/v1/pizzas")
    assert response.status_code == 405
    assert response.json()["code"] == "METHOD_NOT_ALLOWED"
    assert response.json()["message"]


async def test_unexpected_error_is_500_without_a_traceback(settings):
    import httpx

    from usersnack.main import create_app

    app = create_app(settings)

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internals")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/boom")

    assert response.status_code == 500
    assert response.json()["code"] == "INTERNAL_ERROR"
    assert "secret" not in response.text and "Traceback" not in response.text


async def test_health(client):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "healthy"


async def test_docs_and_openapi(client):
    docs = await client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert (await client.get("/redoc")).status_code == 200
    schema = (await client.get("/openapi.json")).json()
    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]
    assert {path for path, _, _ in operations} >= {
        "/v1/pizzas",
        "/v1/pizzas/{pizza_id}",
        "/v1/pizzas/{pizza_id}/extras",
        "/v1/ingredients",
        "/v1/orders",
        "/v1/orders/{order_id}",
        "/health",
    }
    for path, method, operation in operations:
        assert operation.get("summary"), (path, method)
    order_post = schema["paths"]["/v1/orders"]["post"]
    assert {"409", "413", "422"} <= set(order_post["responses"])
    assert schema["components"]["schemas"]["OrderIn"].get("examples")


async def test_405_lists_every_method_the_path_serves(client):
    response = await client.request(
        "OPTIONS",
        "/v1/admin/ingredients",
        headers={"Authorization": f"Bearer {os.environ['ADMIN_API_KEY']}"},
    )
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) >= {"GET", "POST"}
    assert response.json()["code"] == "METHOD_NOT_ALLOWED"
