"""Helpers for tests that run the app as a real server process and talk to it over a socket."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(
    base_url: str, process: subprocess.Popen, log: Path, *, healthy: bool = True
) -> None:
    """Wait for /health to answer 200 (or, with healthy=False, to answer at all)."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{log.read_text()}")
        try:
            status = httpx.get(f"{base_url}/health", timeout=5).status_code
            if status == 200 or not healthy:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server did not become healthy:\n{log.read_text()}")


@contextmanager
def running_server(
    command: list[str], env: dict[str, str], log: Path, *, healthy: bool = True
) -> Iterator[str]:
    """Start `command` (which must serve on env['PORT']), yield its base URL, then stop it."""
    base_url = f"http://127.0.0.1:{env['PORT']}"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        wait_until_up(base_url, process, log, healthy=healthy)
        yield base_url
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def server_env(subprocess_env, **extra: str) -> dict[str, str]:  # noqa: ANN001
    env = subprocess_env(**extra)
    env.setdefault("PORT", str(free_port()))
    env.pop("TEST_DATABASE_URL", None)
    assert env.get("DATABASE_URL"), "the session database must be set up first"
    env["PYTHONUNBUFFERED"] = "1"
    return env
