"""The production topology on loopback: Caddy in front of two app replicas, on PostgreSQL.

Caddy runs the project's own Caddyfile, unchanged, with only environment variables set: https
with its internal CA on a loopback port (the `tls internal` switch), the two replicas as a
static upstream list. Each replica is the image's own command (the Dockerfile's CMD) in
production settings: media off, secrets checked, proxy headers trusted from loopback only.
"""

from __future__ import annotations

import gzip
import json
import io
import os
import signal
import shutil
import ssl
import subprocess
import uuid
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
from PIL import Image
import pytest

from tests.deployment import CADDYFILE, REPO_ROOT, app_server_command
from tests.e2e.conftest import free_port, server_env, wait_until_up
from tests.factories import order_body
from tests.system import require_program

pytestmark = pytest.mark.system

START_TIMEOUT_SECONDS = 60
IMAGE = "/media/pizzas/meateor.jpg"
# The session database trusts local connections; production settings still want a password
# that is not a placeholder, and PostgreSQL ignores it under trust authentication.
E2E_DB_PASSWORD = "e2e-Rk7pWq2Zt9vL"
ADMIN_KEY = "e2e-caddy-admin-key-5f0c2a9d8b7e6f41a3c2"


@dataclass
class Replica:
    base_url: str
    port: int
    log: Path
    process: subprocess.Popen

    def access_log(self) -> str:
        """The replica's log once it has caught up. The app writes a request's access line just
        after answering it, so a marker request sent straight to the replica, once logged,
        shows that every request answered before it is in the file."""
        if self.process.poll() is not None:  # killed: its log is complete
            return self.log.read_text(errors="replace")
        marker = f"log-marker-{uuid.uuid4()}"
        httpx.get(f"{self.base_url}/health", params={"marker": marker}, timeout=10)
        deadline = time.monotonic() + 10
        text = self.log.read_text(errors="replace")
        while marker not in text and time.monotonic() < deadline:
            time.sleep(0.05)
            text = self.log.read_text(errors="replace")
        return text


@dataclass
class Caddy:
    """One Caddy process on the project's Caddyfile; `base_url` is its site address."""

    base_url: str
    process: subprocess.Popen
    log: Path
    root_ca: Path
    http_port: int

    def client(self, **options: object) -> httpx.Client:
        verify: ssl.SSLContext | bool = False
        if self.base_url.startswith("https:"):
            verify = ssl.create_default_context(cafile=str(self.root_ca))
        return httpx.Client(base_url=self.base_url, verify=verify, timeout=15, **options)


@dataclass
class Stack:
    caddy: Caddy
    replicas: list[Replica]
    start_caddy: Callable[[str], Caddy]

    @property
    def base_url(self) -> str:
        return self.caddy.base_url

    def client(self, **options: object) -> httpx.Client:
        return self.caddy.client(**options)


def _production_url(url: str) -> str:
    from usersnack.settings import (
        credentials_from_url,
        looks_like_placeholder,
        url_from_credentials,
    )

    credentials = credentials_from_url(url)
    if looks_like_placeholder(str(credentials.get("password") or "")):
        credentials["password"] = E2E_DB_PASSWORD
    return url_from_credentials(credentials)


def _start_replica(
    work: Path, index: int, database_url: str, media: Path, stop: ExitStack
) -> Replica:
    from tests.conftest import _subprocess_env

    env = server_env(
        _subprocess_env,
        ENVIRONMENT="production",
        DATABASE_URL=_production_url(database_url),
        FORWARDED_ALLOW_IPS="127.0.0.1",
        WEB_CONCURRENCY="1",
        ADMIN_API_KEY=ADMIN_KEY,
        # Uploads land where Caddy serves /media from (as the compose volume is shared).
        MEDIA_ROOT=str(media),
    )
    # Production defaults, not the test session's.
    for name in ("SERVE_MEDIA", "CORS_ORIGINS"):
        env.pop(name, None)
    port = int(env["PORT"])
    log = work / f"app{index}.log"
    command = app_server_command(sys.executable)
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    stop.callback(_stop, process)
    return Replica(f"http://127.0.0.1:{port}", port, log, process)


def _start_caddy(
    program: str, work: Path, scheme: str, replicas: list[Replica], media: Path, stop: ExitStack
) -> Caddy:
    """Caddy on loopback with only environment variables set; its state stays in `work`."""
    port, http_port = free_port(), free_port()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(work / "home"),
        "XDG_DATA_HOME": str(work / "data"),
        "XDG_CONFIG_HOME": str(work / "config"),
        "HOST_DOMAIN": f"{scheme}://127.0.0.1:{port}",
        "CADDY_HTTP_PORT": str(http_port),
        "CADDY_ADMIN": f"127.0.0.1:{free_port()}",
        "APP_UPSTREAMS_SOURCE": "static",
        "APP_UPSTREAMS": " ".join(f"127.0.0.1:{replica.port}" for replica in replicas),
        "MEDIA_ROOT": str(media),
    }
    work.mkdir(parents=True, exist_ok=True)
    log = work / "caddy.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [program, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
            cwd=work,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    stop.callback(_stop, process)
    caddy = Caddy(
        base_url=f"{scheme}://127.0.0.1:{port}",
        process=process,
        log=log,
        root_ca=work / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt",
        http_port=http_port,
    )
    _wait_for_caddy(caddy)
    return caddy


def _wait_for_caddy(caddy: Caddy) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if caddy.process.poll() is not None:
            raise RuntimeError(f"caddy exited:\n{caddy.log.read_text()}")
        if caddy.base_url.startswith("http:") or caddy.root_ca.exists():
            try:
                with caddy.client() as http:
                    if http.get("/health").status_code == 200:
                        return
            except (httpx.TransportError, ssl.SSLError) as error:
                last_error = error
        time.sleep(0.2)
    raise RuntimeError(f"caddy did not come up ({last_error}):\n{caddy.log.read_text()}")


@pytest.fixture(scope="module")
async def stack(app, settings, database_url, tmp_path_factory) -> Iterator[Stack]:  # noqa: ANN001
    program = require_program("caddy", install="apt-get install caddy")
    from usersnack.db import truncate_app_tables
    from usersnack.fixtures.loader import load_menu

    await truncate_app_tables(settings)
    await load_menu()

    work = tmp_path_factory.mktemp("caddy-stack")
    media = work / "media"
    shutil.copytree(REPO_ROOT / "media", media)
    with ExitStack() as stop:
        replicas = [_start_replica(work, index, database_url, media, stop) for index in (1, 2)]
        for replica in replicas:
            wait_until_up(replica.base_url, replica.process, replica.log)

        def start_caddy(scheme: str) -> Caddy:
            return _start_caddy(program, work / scheme, scheme, replicas, media, stop)

        yield Stack(caddy=start_caddy("https"), replicas=replicas, start_caddy=start_caddy)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _assert_security_headers(response: httpx.Response) -> None:
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    assert "server" not in headers, headers.get("server")


def test_menu_and_an_order_through_caddy(stack: Stack):
    with stack.client() as http:
        menu = http.get("/v1/pizzas", params={"name": "meateor"})
        assert menu.status_code == 200, menu.text
        _assert_security_headers(menu)
        pizza = menu.json()["results"][0]
        assert pizza["images"] == [IMAGE]

        placed = http.post(
            "/v1/orders",
            json=order_body(pizza_id=pizza["id"], quantity=2),
            headers={"Idempotency-Key": "caddy-e2e-1"},
        )
        assert placed.status_code == 201, placed.text
        _assert_security_headers(placed)
        read_back = http.get(placed.headers["location"])
        assert read_back.status_code == 200
        assert read_back.json() == placed.json()

        assert http.get("/docs").status_code == 200


def test_requests_are_shared_between_the_replicas(stack: Stack):
    with stack.client() as http:
        for index in range(6):
            assert http.get("/v1/ingredients", params={"probe": f"share-{index}"}).is_success
    for replica in stack.replicas:
        assert "probe=share-" in replica.access_log()


def test_images_come_from_caddy_not_the_app(stack: Stack):
    expected = (REPO_ROOT / IMAGE.lstrip("/")).read_bytes()
    with stack.client() as http:
        image = http.get(IMAGE, params={"probe": "image"})
        assert image.status_code == 200
        assert image.headers["content-type"] == "image/jpeg"
        assert image.content == expected
        assert "content-encoding" not in image.headers  # a JPEG is not compressed again
        _assert_security_headers(image)
        assert image.headers["etag"]
        assert image.headers["last-modified"]
        revalidated = http.get(IMAGE, headers={"If-None-Match": image.headers["etag"]})
        assert revalidated.status_code == 304

        missing = http.get("/media/pizzas/no-such-pizza.jpg", params={"probe": "image"})
        assert missing.status_code == 404
        assert missing.json()["code"] == "NOT_FOUND"
        assert http.get("/media", params={"probe": "image"}).status_code == 404

    for replica in stack.replicas:
        assert "/media" not in replica.access_log()
        # The app itself has media off in production: it would not even have the image.
        assert httpx.get(f"{replica.base_url}{IMAGE}").status_code == 404


@pytest.mark.parametrize("encoding", ["zstd", "gzip"])
def test_responses_are_compressed(stack: Stack, encoding: str):
    with stack.client() as http:
        plain = http.get("/v1/pizzas", headers={"Accept-Encoding": "identity"})
        with http.stream("GET", "/v1/pizzas", headers={"Accept-Encoding": encoding}) as response:
            raw = b"".join(response.iter_raw())
    assert response.status_code == 200
    assert response.headers["content-encoding"] == encoding
    assert len(raw) < len(plain.content)
    if encoding == "gzip":
        assert json.loads(gzip.decompress(raw)) == plain.json()
    else:
        assert raw.startswith(b"\x28\xb5\x2f\xfd")  # the zstd frame magic number


def test_a_body_over_the_cap_never_reaches_the_app(stack: Stack):
    body = b'{"name": "' + b"x" * (70 * 1024) + b'"}'
    with stack.client() as http:
        refused = http.post(
            "/v1/orders",
            params={"probe": "oversized"},
            content=body,
            headers={"content-type": "application/json"},
        )
    assert refused.status_code == 413
    assert refused.json()["code"] == "PAYLOAD_TOO_LARGE"
    for replica in stack.replicas:
        assert "oversized" not in replica.access_log()


def test_a_streamed_body_over_the_cap_is_refused(stack: Stack):
    """No declared length: Caddy passes the body on until it crosses the cap, then cuts it off
    and answers 413 itself (the app never sees a complete request)."""

    def chunks() -> Iterator[bytes]:
        for _ in range(10):
            yield b"x" * 10 * 1024

    with stack.client() as http:
        refused = http.post(
            "/v1/orders",
            params={"probe": "streamed"},
            content=chunks(),
            headers={"content-type": "application/json"},
        )
    assert refused.status_code == 413
    assert refused.json()["code"] == "PAYLOAD_TOO_LARGE"
    for replica in stack.replicas:
        # A replica may see the first part of the body and answer the cut-off request with an
        # error nobody receives; it never accepts it.
        lines = [line for line in replica.access_log().splitlines() if "probe=streamed" in line]
        assert not any('"status": 2' in line for line in lines), lines


def test_the_app_believes_caddy_and_not_the_client(stack: Stack):
    spoofed = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "http"}
    with stack.client(follow_redirects=False) as http:
        redirect = http.get("/v1/pizzas/", params={"probe": "forwarded"}, headers=spoofed)
    # The app builds the redirect from what Caddy forwarded: https and Caddy's address.
    assert redirect.status_code == 307
    assert redirect.headers["location"] == f"{stack.base_url}/v1/pizzas?probe=forwarded"
    logs = "".join(replica.access_log() for replica in stack.replicas)
    lines = [line for line in logs.splitlines() if "probe=forwarded" in line]
    assert lines and all("127.0.0.1" in line and "203.0.113.9" not in line for line in lines)


def test_http_is_redirected_to_https(stack: Stack):
    with httpx.Client(timeout=15) as http:
        response = http.get(f"http://127.0.0.1:{stack.caddy.http_port}/v1/pizzas?limit=1")
    assert response.status_code in (301, 308)
    assert response.headers["location"] == f"{stack.base_url}/v1/pizzas?limit=1"


def test_the_plain_http_switch(stack: Stack):
    """HOST_DOMAIN=http://...: the same file serves plain http, without HSTS."""
    caddy = stack.start_caddy("http")
    with caddy.client() as http:
        menu = http.get("/v1/pizzas")
        image = http.get(IMAGE)
    assert menu.status_code == 200
    assert menu.json()["size"] >= 12
    assert menu.headers["x-content-type-options"] == "nosniff"
    assert "strict-transport-security" not in menu.headers
    assert image.headers["content-type"] == "image/jpeg"


def test_one_replica_killed_the_other_serves(stack: Stack):
    """Last in this module: it leaves one replica dead."""
    victim, survivor = stack.replicas
    victim.process.send_signal(signal.SIGKILL)
    victim.process.wait(timeout=10)

    with stack.client() as http:
        menu = http.get("/v1/pizzas", params={"limit": 1}).json()
        pizza_id = menu["results"][0]["id"]
        for index in range(8):
            response = http.get("/v1/pizzas", params={"probe": f"after-kill-{index}"})
            assert response.status_code == 200, response.text
        placed = http.post(
            "/v1/orders",
            params={"probe": "after-kill-order"},
            json=order_body(pizza_id=pizza_id),
            headers={"Idempotency-Key": "caddy-e2e-after-kill"},
        )
        assert placed.status_code == 201, placed.text
        assert http.get(placed.headers["location"]).status_code == 200

        # Caddy's active health check notices the dead replica and leaves it out.
        _wait_for_log(stack.caddy.log, f"127.0.0.1:{victim.port}", "health_checker")
        for index in range(4):
            assert http.get("/v1/pizzas", params={"probe": f"later-{index}"}).is_success
    assert "after-kill-order" in survivor.access_log()


def _wait_for_log(log: Path, *needles: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(all(needle in line for needle in needles) for line in log.read_text().splitlines()):
            return
        time.sleep(0.2)
    raise AssertionError(f"no log line with {needles} in {timeout}s:\n{log.read_text()[-4000:]}")


def test_a_staff_picture_upload_passes_caddy_and_is_served_by_it(stack: Stack):
    """Uploads get their own, larger body cap; the stored picture is then served by Caddy."""
    noise = Image.frombytes("RGB", (700, 700), os.urandom(700 * 700 * 3))
    buffer = io.BytesIO()
    noise.save(buffer, format="PNG")
    assert buffer.tell() > 1_000_000  # far over the 64 KiB cap of every other request
    key = {"Authorization": f"Bearer {ADMIN_KEY}"}
    with stack.client() as http:
        pizza = http.get("/v1/pizzas", params={"name": "meateor"}).json()["results"][0]
        uploaded = http.post(
            f"/v1/admin/pizzas/{pizza['id']}/images",
            files={"file": ("noise.png", buffer.getvalue(), "image/png")},
            headers=key,
        )
        assert uploaded.status_code in (200, 201), uploaded.text
        url = uploaded.json()["url"]
        picture = http.get(url)
        assert picture.status_code == 200
        assert picture.headers["content-type"] == "image/png"
        assert picture.headers.get("etag") or picture.headers.get("last-modified")

        too_big = http.post(
            f"/v1/admin/pizzas/{pizza['id']}/images",
            content=b"x" * (5308416 + 1),
            headers={**key, "content-type": "multipart/form-data; boundary=x"},
        )
        assert too_big.status_code == 413
        http.request(
            "DELETE", f"/v1/admin/pizzas/{pizza['id']}/images/{url.rsplit('/', 1)[-1]}", headers=key
        )
    for replica in stack.replicas:
        assert url not in replica.access_log()  # Caddy served the picture itself
