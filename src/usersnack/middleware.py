"""ASGI middleware that must see requests before FastAPI reads them."""

from __future__ import annotations

import asyncio
import itertools
import re
import secrets
import time
from collections.abc import Iterable

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.cors import CORSMiddleware as StarletteCORSMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from usersnack import metrics
from usersnack.errors import PayloadTooLargeError, error_response, handle_error
from usersnack.logs import AccessLog, current_request_id


class _BodyOverLimit(StarletteHTTPException):
    """Raised from `receive`; an HTTPException so FastAPI's body parsing lets it through."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"The request body is larger than {max_bytes} bytes.")


class BodySizeLimitMiddleware:
    """Refuse bodies over `max_bytes` with 413, without ever holding more than that in memory.

    A declared Content-Length over the cap is refused before the body is read; a chunked body
    is counted as it streams in and cut off at the cap. `route_limits` gives chosen routes
    (method, path pattern) a cap of their own, such as image uploads.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        route_limits: Iterable[tuple[str, str, int]] = (),
    ) -> None:
        self.app = app
        self.default_max_bytes = max_bytes
        self.route_limits = [
            (method, re.compile(pattern), limit) for method, pattern, limit in route_limits
        ]

    def _limit_for(self, scope: Scope) -> int:
        for method, pattern, limit in self.route_limits:
            if scope["method"] == method and pattern.match(scope["path"]):
                return limit
        return self.default_max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self._limit_for(scope)

        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > max_bytes:
                    await self._refuse(scope, receive, send, max_bytes)
                    return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise _BodyOverLimit(max_bytes)
            return message

        await self.app(scope, limited_receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, max_bytes: int) -> None:
        response = error_response(
            413,
            PayloadTooLargeError.code,
            f"The request body is larger than {max_bytes} bytes.",
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


# A client's X-Request-ID is kept when it is short and plain (it goes into every log line and
# back into a header); anything else is replaced by one we make.
REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")

# Made ids are 32 hex digits like a UUID: a random tag per process and a counter, unique
# across processes and restarts, and cheaper to make than a UUID per request.
_PROCESS_TAG = secrets.token_hex(8)
_request_numbers = itertools.count(1)


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    for name, value in headers:
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if _SANE_REQUEST_ID.match(candidate):
                return candidate
            break
    return f"{_PROCESS_TAG}{next(_request_numbers):016x}"


class HotRoutes:
    """Sends requests for a few exact (method, path) pairs straight to an ASGI app of their own.

    The busiest write, POST /v1/orders, spends a third of its CPU time passing through the
    framework's layers (error middleware, routers, request/response adapters) before its
    handler runs. Its hot app is the same handler wrapped in the same per-request middleware
    (see main.py), so the answer is the one the routed path would give; the route stays
    registered too, for the OpenAPI schema and for any request that does not match exactly.
    """

    def __init__(self, app: ASGIApp, routes: dict[tuple[str, str], ASGIApp]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            hot = self.routes.get((scope["method"], scope["path"]))
            if hot is not None:
                await hot(scope, receive, send)
                return
        await self.app(scope, receive, send)


class _HttpMiddleware:
    """Pure ASGI middleware that acts on HTTP requests and passes everything else through."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            await self.handle(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raise NotImplementedError


class RequestContextMiddleware(_HttpMiddleware):
    """Request id, one access log line and the request metrics, for every HTTP request.

    The outermost middleware, so it sees the final status of everything inside it, CORS
    preflights and error responses included. The request id is set in logs.current_request_id,
    so every line logged while the request runs carries it.
    """

    def __init__(self, app: ASGIApp, access_log: AccessLog) -> None:
        super().__init__(app)
        self.access_log = access_log

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = request_id_from(scope.get("headers", []))
        known_route = metrics.known_route_template(scope)
        mounted_route = None if known_route else metrics.mounted_route_template(scope)
        started = time.perf_counter()
        status = 500
        header = (REQUEST_ID_HEADER.lower().encode(), request_id.encode())

        async def send_with_request_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        token = current_request_id.set(request_id)
        try:
            await self.app(scope, receive, send_with_request_id)
        finally:
            current_request_id.reset(token)
            seconds = time.perf_counter() - started
            route = known_route or metrics.route_template(scope, mounted_route)
            metrics.observe_request(scope["method"], route, status, seconds)
            if self.access_log.wanted(status):
                client = scope.get("client")
                self.access_log.write(
                    request_id,
                    status,
                    {
                        "method": scope["method"],
                        "path": scope["path"],
                        "query": scope.get("query_string", b"").decode("latin-1") or None,
                        "route": route,
                        "duration_ms": round(seconds * 1000, 2),
                        "client_ip": client[0] if client else None,
                        "http_version": scope.get("http_version"),
                    },
                )


class UnhandledErrorMiddleware(_HttpMiddleware):
    """Turns an exception nothing else handled into the 500 error body, inside CORS.

    Starlette answers unhandled errors in its outermost layer, outside every middleware, so
    that answer would carry neither the request id nor CORS headers (the browser would then
    hide the error body from the front end). Here the error handler runs inside them.
    """

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:
                raise  # too late for an error body; the server closes the connection
            response = await handle_error(Request(scope), exc)
            await response(scope, receive, send)


class CORSMiddleware(StarletteCORSMiddleware):
    """Starlette's CORS handling, skipped for requests that carry no Origin header.

    Only browsers making cross-origin requests send Origin; everyone else (curl, servers, the
    proxy's health checks, same-origin pages) gets the answer with just `Vary: Origin`, which
    is all Starlette would add for them, without its per-request header parsing.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or any(name == b"origin" for name, _ in scope["headers"]):
            await super().__call__(scope, receive, send)
            return

        async def send_with_vary(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), (b"vary", b"Origin")]
            await send(message)

        await self.app(scope, receive, send_with_vary)


class _BodyTooSlow(StarletteHTTPException):
    """Raised from `receive`, like _BodyOverLimit; the connection is closed after the 408."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            408,
            f"The request body did not arrive within {seconds:g} seconds.",
            headers={"Connection": "close"},
        )


class RequestBodyTimeoutMiddleware:
    """Give a client `seconds` from the request head to send the whole body, then answer 408.

    Without it a client trickling its body a byte at a time holds its request (and, in the
    order route, the work behind it) for as long as it likes. Only reading the body is bounded:
    once it is in, the app takes the time it needs.
    """

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.seconds
        body_complete = False

        async def timed_receive() -> Message:
            nonlocal body_complete
            if body_complete:
                # After the body only a disconnect can come, which the app may await freely.
                return await receive()
            try:
                async with asyncio.timeout_at(deadline):
                    message = await receive()
            except TimeoutError:
                raise _BodyTooSlow(self.seconds) from None
            if message["type"] != "http.request" or not message.get("more_body", False):
                body_complete = True
            return message

        await self.app(scope, timed_receive, send)
