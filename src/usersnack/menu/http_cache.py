"""HTTP caching of public menu responses: validators, and an in-process response cache."""

from __future__ import annotations

from fastapi import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from usersnack.menu.cache import MenuCache
from usersnack.menu.snapshot import RenderedBody

# Clients may keep menu responses but must revalidate (cheap: ETag and 304), since staff
# changes show at once.
MENU_CACHE_CONTROL = "public, no-cache"


# Set by menu routes on responses built from a menu snapshot; never leaves the app.
MENU_GENERATION_HEADER = "x-usersnack-menu-generation"
_GENERATION_HEADER_BYTES = MENU_GENERATION_HEADER.encode()


def _etag_matches(if_none_match: bytes, etag: str) -> bool:
    """RFC 9110 weak comparison, as If-None-Match requires."""
    if if_none_match.strip() == b"*":
        return True
    wanted = etag.removeprefix("W/").encode()
    return any(
        candidate.strip().removeprefix(b"W/") == wanted for candidate in if_none_match.split(b",")
    )


class MenuResponseCacheMiddleware:
    """Replays menu responses this process already rendered, until the menu changes.

    The menu routes stay the only place that decides what a response is: this middleware keeps
    what they answered for a path and query string (tagged with the menu generation it came
    from) and sends it again while that generation is current. It also answers
    `If-None-Match` with 304 for every menu response.
    """

    def __init__(self, app: ASGIApp, cache: MenuCache, prefixes: tuple[str, ...]) -> None:
        self.app = app
        self.cache = cache
        self.prefixes = prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "GET"
            or not scope["path"].startswith(self.prefixes)
        ):
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope["query_string"])
        if_none_match = next(
            (value for name, value in scope["headers"] if name == b"if-none-match"), None
        )
        cached = self.cache.cached_response(key)
        if cached is not None:
            await self._send(send, cached.body, cached.etag, if_none_match)
            return

        start: Message | None = None
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        if start is None:
            return
        headers = [(name, value) for name, value in start["headers"]]
        generation = next(
            (value for name, value in headers if name == _GENERATION_HEADER_BYTES), None
        )
        headers = [(name, value) for name, value in headers if name != _GENERATION_HEADER_BYTES]
        body = b"".join(chunks)
        if start["status"] == 200 and generation is not None:
            etag = next(value for name, value in headers if name == b"etag").decode()
            rendered = RenderedBody(body=body, etag=etag, generation=int(generation))
            self.cache.remember_response(key, rendered, rendered.generation)
            await self._send(send, body, etag, if_none_match)
            return
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    async def _send(send: Send, body: bytes, etag: str, if_none_match: bytes | None) -> None:
        headers = [
            (b"etag", etag.encode()),
            (b"cache-control", MENU_CACHE_CONTROL.encode()),
        ]
        if if_none_match is not None and _etag_matches(if_none_match, etag):
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        headers += [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


def menu_response(rendered: RenderedBody) -> Response:
    """A route's answer from pre-rendered JSON (its schema is the route's `response_model`)."""
    return Response(
        content=rendered.body,
        media_type="application/json",
        headers={
            "ETag": rendered.etag,
            "Cache-Control": MENU_CACHE_CONTROL,
            MENU_GENERATION_HEADER: str(rendered.generation),
        },
    )
