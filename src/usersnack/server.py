"""The production server: `python -m usersnack.server` (uvicorn, configured from Settings).

Bounds what a slow or broken client can hold (the app bounds the body, REQUEST_BODY_TIMEOUT):
- a connection must send a complete request head within REQUEST_HEADER_TIMEOUT seconds, or it
  is closed (with a 408 if it had begun one). uvicorn has no such timeout of its own: a
  connection that sends nothing, or a header a byte at a time, would stay open for ever;
- an idle keep-alive connection is closed after KEEP_ALIVE_TIMEOUT seconds;
- SIGTERM stops accepting connections, lets requests in flight finish (SHUTDOWN_TIMEOUT at
  most), closes the database pool, and exits 0.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from usersnack.errors import ErrorOut
from usersnack.settings import Settings, get_settings

_HEAD_TIMEOUT_BODY = (
    ErrorOut(
        code="REQUEST_TIMEOUT", message="The request head did not arrive in time."
    ).model_dump_json()
).encode()


class HeadTimeoutHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline for each request head."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.head_timeout = get_settings().request_header_timeout
        self._head_timer: asyncio.TimerHandle | None = None
        self._head_begun = False

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def on_message_begin(self) -> None:
        self._head_begun = True
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        self._head_begun = False
        self._cancel_head_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_head_timer()  # for the next request on this connection

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        self._head_timer = self.loop.call_later(self.head_timeout, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing():
            return
        if self._head_begun:
            self.transport.write(
                b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\n"
                b"content-length: %d\r\nconnection: close\r\n\r\n%s"
                % (len(_HEAD_TIMEOUT_BODY), _HEAD_TIMEOUT_BODY)
            )
            self.transport.close()
        elif self.cycle is None or self.cycle.response_complete:
            self.transport.close()  # connected, and said nothing
        # else: a request (pipelined behind the last one) is being answered; leave it be.


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    return {
        "host": settings.host,
        "port": settings.port,
        "workers": settings.web_concurrency,
        "loop": "uvloop",
        "http": f"{__name__}:HeadTimeoutHttpToolsProtocol",
        # The app itself believes X-Forwarded-For/-Proto from FORWARDED_ALLOW_IPS only.
        "proxy_headers": False,
        "server_header": False,
        "timeout_keep_alive": settings.keep_alive_timeout,
        "timeout_graceful_shutdown": settings.shutdown_timeout,
    }


def _exit_cleanly(signum: int, frame: object) -> None:
    # uvicorn re-raises SIGTERM once its graceful shutdown is done; by then every request in
    # flight was answered and the pool closed, so that is a clean exit.
    raise SystemExit(0)


def main() -> int:
    settings = get_settings()
    signal.signal(signal.SIGTERM, _exit_cleanly)
    uvicorn.run("usersnack.main:app", **uvicorn_options(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
