"""ASGI middleware that must see requests before FastAPI reads them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from usersnack.errors import PayloadTooLargeError, error_response


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
