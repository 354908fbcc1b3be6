"""Headless Chromium (Debian's, driven by Playwright) and a static site on its own origin."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.system import require_program

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
FRONTEND = Path(__file__).resolve().parent / "frontend"

# Nothing in the browser may reach past this machine: no updates, sync, QUIC or GPU process.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    return require_program("chromium", install="apt-get install chromium")


async def launch_chromium(playwright: Any, executable: str) -> Any:
    # Debian's Chromium, never a browser downloaded by `playwright install`.
    return await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


async def save_screenshot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    await page.screenshot(path=str(path), full_page=True)
    return path


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib name
        pass


@contextmanager
def static_site(directory: Path = FRONTEND) -> Iterator[str]:
    """Serve `directory` on a loopback port of its own; yields its origin (scheme://host:port)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
