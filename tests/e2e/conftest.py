"""Helpers for tests that run the app as a real server process and talk to it over a socket."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
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


class ServerProcess:
    """One server process: start it, signal it, kill it, wait for it."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path) -> None:
        self.command = command
        self.env = env
        self.log = log
        self.base_url = f"http://127.0.0.1:{env['PORT']}"
        self.process: subprocess.Popen | None = None

    def start(self, *, healthy: bool = True) -> str:
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(
                self.command, cwd=REPO_ROOT, env=self.env, stdout=output, stderr=subprocess.STDOUT
            )
        wait_until_up(self.base_url, self.process, self.log, healthy=healthy)
        return self.base_url

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def send_signal(self, signum: int) -> None:
        assert self.process is not None
        self.process.send_signal(signum)

    def wait(self, timeout: float) -> int:
        assert self.process is not None
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        """SIGKILL: no shutdown of any kind, as in a crash."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()


@contextmanager
def running_server(
    command: list[str], env: dict[str, str], log: Path, *, healthy: bool = True
) -> Iterator[str]:
    """Start `command` (which must serve on env['PORT']), yield its base URL, then stop it."""
    with server_process(command, env, log, healthy=healthy) as server:
        yield server.base_url


@contextmanager
def server_process(
    command: list[str], env: dict[str, str], log: Path, *, healthy: bool = True
) -> Iterator[ServerProcess]:
    server = ServerProcess(command, env, log)
    try:
        server.start(healthy=healthy)
        yield server
    finally:
        server.stop()


def production_command() -> list[str]:
    """The production server (HOST/PORT and its timeouts come from the environment)."""
    return [sys.executable, "-m", "usersnack.server"]


def server_env(subprocess_env, **extra: str) -> dict[str, str]:  # noqa: ANN001
    env = subprocess_env(**extra)
    env.setdefault("PORT", str(free_port()))
    env.pop("TEST_DATABASE_URL", None)
    assert env.get("DATABASE_URL"), "the session database must be set up first"
    env["PYTHONUNBUFFERED"] = "1"
    return env
