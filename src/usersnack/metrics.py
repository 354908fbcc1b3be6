"""Prometheus metrics and the `/metrics` endpoint.

Requests are labelled by route template (`/v1/pizzas/{pizza_id}`), never by the raw path, so
the number of series stays bounded whatever URLs clients send.

Several worker processes: each process counts on its own. Set `PROMETHEUS_MULTIPROC_DIR` in
the environment (an empty directory, wiped before every start) and prometheus_client writes
the values to files there, which `/metrics` adds up over all workers.
"""

from __future__ import annotations

import os
import re
import secrets
from typing import Any
from weakref import WeakKeyDictionary

from fastapi import APIRouter, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess
from starlette.routing import Match, Mount
from starlette.types import Scope

from usersnack.common.dependencies import AppSettings
from usersnack.errors import AppError, NotFoundError
from usersnack.settings import Settings

HTTP_REQUESTS = Counter(
    "usersnack_http_requests_total",
    "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
)
HTTP_REQUEST_DURATION = Histogram(
    "usersnack_http_request_duration_seconds",
    "Time from receiving a request to sending the end of its response, by route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
ORDERS_PLACED = Counter("usersnack_orders_placed_total", "Orders created (replays not counted).")
IDEMPOTENT_REPLAYS = Counter(
    "usersnack_idempotent_replays_total",
    "POST /v1/orders retries answered with the earlier order for the same Idempotency-Key.",
)
# Incremented by the rate limiter whenever it refuses a request with 429.
RATE_LIMITED_REQUESTS = Counter(
    "usersnack_rate_limited_requests_total", "Requests refused with 429 by the rate limiter."
)

# Label for requests no route matches, so random URLs cannot create new series.
UNMATCHED_ROUTE = "<unmatched>"


def mounted_route_template(scope: Scope) -> str | None:
    """The template of a route on the app itself (a mount, /openapi.json, /docs), or None.

    Call it before the app runs: routing rewrites the scope (a mount moves its prefix into
    root_path), after which the request no longer matches its own route.
    """
    for route in getattr(scope.get("app"), "routes", ()):
        path = getattr(route, "path", None)
        if not isinstance(path, str):
            continue  # an included router: its routes are reported through scope["route"]
        match, _ = route.matches(dict(scope))
        if match is Match.FULL:
            # A mounted app (static files) is one series however many files it serves.
            return f"{path}/{{path}}" if isinstance(route, Mount) else path
    return None


_DOCUMENTED_TEMPLATES: WeakKeyDictionary[Any, list[tuple[re.Pattern[str], str]]] = (
    WeakKeyDictionary()
)


def _documented_route_template(app: Any, path: str) -> str | None:
    """The OpenAPI path template `path` falls under, for answers given before routing ran
    (the menu response cache replays responses without reaching the router)."""
    if app is None or not hasattr(app, "openapi"):
        return None
    patterns = _DOCUMENTED_TEMPLATES.get(app)
    if patterns is None:
        patterns = [
            (re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(t)) + "$"), t)
            for t in app.openapi().get("paths", {})
        ]
        _DOCUMENTED_TEMPLATES[app] = patterns
    return next((template for pattern, template in patterns if pattern.match(path)), None)


def _route_template(scope: Scope, before: str | None) -> str:
    # FastAPI records the route it chose, a 405's included, in scope["route"].
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str) and not isinstance(route, Mount):
        return path
    return before or _documented_route_template(scope.get("app"), scope["path"]) or UNMATCHED_ROUTE


# Route templates already worked out, by method and path. Bounded: paths carry ids, so the
# map is emptied when full, and refilled by the paths in use.
_KNOWN_ROUTES: dict[tuple[str, str], str] = {}
_MAX_KNOWN_ROUTES = 10_000


def known_route_template(scope: Scope) -> str | None:
    return _KNOWN_ROUTES.get((scope["method"], scope["path"]))


def route_template(scope: Scope, before: str | None) -> str:
    """The matched route's path template (`before` from mounted_route_template), after the app
    ran, remembered for the next request to the same path."""
    template = _route_template(scope, before)
    if len(_KNOWN_ROUTES) >= _MAX_KNOWN_ROUTES:
        _KNOWN_ROUTES.clear()
    _KNOWN_ROUTES[(scope["method"], scope["path"])] = template
    return template


# The labelled children, looked up once per label set (prometheus_client's `labels()` takes a
# lock and builds a key on every call).
_CHILDREN: dict[tuple[str, str, int], tuple[Any, Any]] = {}


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    key = (method, route, status)
    children = _CHILDREN.get(key)
    if children is None:
        children = (
            HTTP_REQUESTS.labels(method=method, route=route, status=str(status)),
            HTTP_REQUEST_DURATION.labels(method=method, route=route),
        )
        _CHILDREN[key] = children
    children[0].inc()
    children[1].observe(seconds)


class MetricsUnauthorized(AppError):
    status_code = 401
    code = "UNAUTHORIZED"
    message = "Send the admin key as `Authorization: Bearer <key>`."


def check_metrics_access(settings: Settings, authorization: str | None) -> None:
    """Open outside production; in production only with the admin key, and absent without one."""
    if not settings.is_production:
        return
    if settings.admin_api_key is None:
        raise NotFoundError()
    scheme, _, token = (authorization or "").partition(" ")
    expected = settings.admin_api_key.get_secret_value()
    if scheme.lower() != "bearer" or not secrets.compare_digest(
        token.strip().encode(), expected.encode()
    ):
        raise MetricsUnauthorized(headers={"WWW-Authenticate": "Bearer"})


def render_metrics() -> bytes:
    # Read from the process environment, not Settings: prometheus_client itself decides at
    # import time from os.environ whether to write multiprocess files, and the two must agree
    # (a value only in .env would be half applied).
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry, path=directory)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


router = APIRouter()


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request, settings: AppSettings) -> Response:
    check_metrics_access(settings, request.headers.get("authorization"))
    return Response(render_metrics(), media_type=CONTENT_TYPE_LATEST)
