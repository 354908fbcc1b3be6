"""The ASGI app: `usersnack.main:app`, built by `create_app` so tests can make their own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from tortoise.contrib.fastapi import RegisterTortoise
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from usersnack import health
from usersnack.errors import AppError, database_unavailable_errors, handle_error
from usersnack.menu import endpoints as menu_endpoints
from usersnack.menu.cache import MenuCache, MenuChangeWatcher
from usersnack.menu.http_cache import MenuResponseCacheMiddleware
from usersnack.menu.repository import MenuChangeFeed, MenuRepository
from usersnack.middleware import BodySizeLimitMiddleware, RequestBodyTimeoutMiddleware
from usersnack.orders import endpoints as order_endpoints
from usersnack.ratelimit import OrderRateLimiter
from usersnack.settings import Settings, get_settings

DESCRIPTION = """
Browse the menu and place orders for delivery; no login needed.

* Money is a decimal string with two places (`"16.90"`); prices are computed by the server.
* Lists come in one envelope: `{"results": [...], "offset": 0, "limit": 10, "size": 14}`.
* Every error has the body `{"code": "...", "message": "...", "details": ...}`.
"""

TAGS = [
    {"name": "menu", "description": "Pizzas, their ingredients and the extras each one offers."},
    {"name": "orders", "description": "Placing an order and reading it back."},
    {"name": "health", "description": "For load balancers and monitoring."},
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    menu_cache = MenuCache(MenuRepository().load_menu_snapshot, media_url=settings.media_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # RegisterTortoise (not a bare Tortoise.init) so the ORM context is visible to every
        # request task under a real server.
        async with RegisterTortoise(app, config=settings.tortoise_config()):
            watcher = MenuChangeWatcher(
                menu_cache, lambda: MenuChangeFeed(settings.database_credentials())
            )
            watcher.start()
            app.state.menu_watcher = watcher
            try:
                yield
            finally:
                await watcher.stop()

    app = FastAPI(
        title="UserSnack API",
        version="1.0.0",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
        # A body without Content-Type is read as JSON; a form or text body is still refused.
        strict_content_type=False,
        # FastAPI's built-in OpenTelemetry hooks cost a provider look-up on every request;
        # nothing here exports traces (metrics and logs are our own).
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.settings = settings
    app.state.menu_cache = menu_cache
    app.state.order_rate_limiter = OrderRateLimiter.from_settings(settings)

    for error_type in (
        AppError,
        RequestValidationError,
        StarletteHTTPException,
        *database_unavailable_errors(),
        Exception,
    ):
        app.add_exception_handler(error_type, handle_error)

    app.include_router(menu_endpoints.router)
    app.include_router(order_endpoints.router)
    app.include_router(health.router)

    if settings.media_enabled:
        settings.media_root.mkdir(parents=True, exist_ok=True)
        app.mount(
            settings.media_url.rstrip("/"),
            StaticFiles(directory=settings.media_root),
            name="media",
        )

    app.add_middleware(
        MenuResponseCacheMiddleware, cache=menu_cache, prefixes=("/v1/pizzas", "/v1/ingredients")
    )
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_body_bytes)
    app.add_middleware(RequestBodyTimeoutMiddleware, seconds=settings.request_body_timeout)
    # Outermost, so everything inside (the order rate limit above all) sees the real client:
    # X-Forwarded-For/-Proto are believed from FORWARDED_ALLOW_IPS (the reverse proxy) only.
    app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips)
    return app


def __getattr__(name: str) -> FastAPI:
    # `usersnack.main:app` is built on first access, so importing this module (tests, tools)
    # never reads the environment by itself.
    if name == "app":
        application = create_app()
        globals()["app"] = application
        return application
    raise AttributeError(name)
