"""The ASGI app: `usersnack.main:app`, built by `create_app` so tests can make their own."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware import Middleware
from starlette.types import ASGIApp
from tortoise.contrib.fastapi import RegisterTortoise
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from usersnack import health, metrics
from usersnack.admin import endpoints as admin_endpoints
from usersnack.docs import add_docs
from usersnack.errors import AppError, database_unavailable_errors, handle_error
from usersnack.gc_tuning import tuned_for_serving
from usersnack.logs import AccessLog, configure_logging
from usersnack.menu import endpoints as menu_endpoints
from usersnack.menu.cache import MenuCache, MenuChangeWatcher
from usersnack.menu.http_cache import MenuResponseCacheMiddleware
from usersnack.menu.repository import MenuChangeFeed, MenuRepository
from usersnack.middleware import (
    REQUEST_ID_HEADER,
    BodySizeLimitMiddleware,
    CORSMiddleware,
    HotRoutes,
    RequestBodyTimeoutMiddleware,
    RequestContextMiddleware,
    UnhandledErrorMiddleware,
)
from usersnack.orders import endpoints as order_endpoints
from usersnack.orders.repository import OrderWriter
from usersnack.ratelimit import OrderRateLimiter
from usersnack.settings import Settings, get_settings, load_settings

DESCRIPTION = """
Browse the menu and place orders for delivery; no login needed.

* Money is a decimal string with two places (`"16.90"`); prices are computed by the server.
* Lists come in one envelope: `{"results": [...], "offset": 0, "limit": 10, "size": 14}`.
* Every error has the body `{"code": "...", "message": "...", "details": ...}`.
* Every response carries an `X-Request-ID` header (yours, if you sent a plain one of up to
  128 characters); quote it when reporting a problem, it finds the request in the logs.
"""

TAGS = [
    {"name": "menu", "description": "Pizzas, their ingredients and the extras each one offers."},
    {"name": "orders", "description": "Placing an order and reading it back."},
    {"name": "health", "description": "For load balancers and monitoring."},
]
ADMIN_TAG = {
    "name": "admin",
    "description": (
        "Staff only: manage the menu and its pictures, work through incoming orders. Send "
        "`Authorization: Bearer <ADMIN_API_KEY>` (the Authorize button above); without it every "
        "admin route answers 401."
    ),
}

# What a browser on an allowed origin may send, and read back, cross-origin.
CORS_ALLOW_HEADERS = [
    "Authorization",
    "Content-Type",
    "Idempotency-Key",
    "If-None-Match",
    REQUEST_ID_HEADER,
]
CORS_EXPOSE_HEADERS = ["Location", "ETag", REQUEST_ID_HEADER, "Retry-After", "Idempotent-Replayed"]
CORS_ALLOW_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]


def wrap(app: ASGIApp, middleware: list[Middleware]) -> ASGIApp:
    """`app` inside `middleware`, the first one outermost (as Starlette builds its stack)."""
    for cls, args, kwargs in reversed(middleware):
        app = cls(app, *args, **kwargs)
    return app


class UserSnackAPI(FastAPI):
    """FastAPI with a front: `front_middleware` around everything, then `hot_routes`.

    A hot route, an exact (method, path), goes from the front straight to its own ASGI app
    (wrapped by main.py in the same per-request middleware as every other request), skipping
    the framework's middleware and routing; everything else continues into FastAPI's stack.
    """

    front_middleware: list[Middleware]
    hot_routes: dict[tuple[str, str], ASGIApp]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.front_middleware = []
        self.hot_routes = {}

    def build_middleware_stack(self) -> ASGIApp:
        stack = super().build_middleware_stack()
        if self.hot_routes:
            stack = HotRoutes(stack, self.hot_routes)
        return wrap(stack, self.front_middleware)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    configure_logging(settings.log_level, secrets=settings.secret_values())
    # Without a key the admin routes are not mounted: they answer 404 like any unknown path.
    admin_enabled = settings.admin_api_key is not None
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
                # Startup is done: what lives now lives as long as the process (gc_tuning.py).
                with tuned_for_serving():
                    yield
            finally:
                await watcher.stop()

    app = UserSnackAPI(
        title="UserSnack API",
        version="1.0.0",
        description=DESCRIPTION,
        openapi_tags=TAGS + ([ADMIN_TAG] if admin_enabled else []),
        lifespan=lifespan,
        # A body without Content-Type is read as JSON; a form or text body is still refused.
        strict_content_type=False,
        # Served by add_docs from packaged assets instead of a CDN.
        docs_url=None,
        redoc_url=None,
        # FastAPI's built-in OpenTelemetry hooks cost a provider look-up on every request;
        # nothing here exports traces (metrics and logs are our own).
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    app.state.settings = settings
    app.state.menu_cache = menu_cache
    app.state.order_rate_limiter = OrderRateLimiter.from_settings(settings)
    app.state.order_writer = OrderWriter()

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
    app.include_router(metrics.router)
    add_docs(app)
    if admin_enabled:
        app.include_router(admin_endpoints.router)

    if settings.media_enabled:
        settings.media_root.mkdir(parents=True, exist_ok=True)
        app.mount(
            settings.media_url.rstrip("/"),
            StaticFiles(directory=settings.media_root),
            name="media",
        )

    # The app's own middleware, outermost first:
    #   proxy headers, request context, CORS, menu response cache   (front_middleware)
    #   then a hot route's own app, or FastAPI's stack, each inside  (per_request)
    #   the error fallback and the request body's time and size limits.
    # A replayed menu response or an order thus skips the framework's layers entirely.
    per_request = [
        # Inside CORS, so error bodies carry CORS headers; see UnhandledErrorMiddleware.
        Middleware(UnhandledErrorMiddleware),
        Middleware(RequestBodyTimeoutMiddleware, seconds=settings.request_body_timeout),
        Middleware(
            BodySizeLimitMiddleware,
            max_bytes=settings.max_request_body_bytes,
            route_limits=admin_endpoints.BODY_LIMITS if admin_enabled else (),
        ),
    ]
    app.user_middleware[:0] = per_request
    app.hot_routes = {
        ("POST", "/v1/orders"): wrap(order_endpoints.place_order_app, per_request),
    }
    app.front_middleware = [
        # Outermost, so everything inside sees the real client and scheme. Here rather than
        # in a server flag so that whatever starts the app (uvicorn, gunicorn, tests) trusts
        # X-Forwarded-For/-Proto from FORWARDED_ALLOW_IPS (the reverse proxy) and no one else.
        Middleware(ProxyHeadersMiddleware, trusted_hosts=settings.forwarded_allow_ips),
        # Request id, access log and metrics around everything, errors and hot routes included.
        Middleware(
            RequestContextMiddleware,
            access_log=AccessLog(
                enabled=settings.access_log,
                level=settings.log_level,
                secrets=settings.secret_values(),
            ),
        ),
        Middleware(
            CORSMiddleware,
            allow_origins=settings.allowed_origins,
            allow_methods=CORS_ALLOW_METHODS,
            allow_headers=CORS_ALLOW_HEADERS,
            expose_headers=CORS_EXPOSE_HEADERS,
            # No cookies: the API is anonymous, and the admin key travels in Authorization.
            allow_credentials=False,
            max_age=600,
        ),
        Middleware(
            MenuResponseCacheMiddleware,
            cache=menu_cache,
            prefixes=("/v1/pizzas", "/v1/ingredients"),
        ),
    ]
    return app


def __getattr__(name: str) -> FastAPI:
    # `usersnack.main:app` is built on first access, so importing this module (tests, tools)
    # never reads the environment by itself.
    if name == "app":
        # A bad or missing setting stops the server with one line naming it (InvalidSettings
        # is a SystemExit), instead of a traceback from deep inside the first request.
        application = create_app(load_settings(require_database=True))
        globals()["app"] = application
        return application
    raise AttributeError(name)
