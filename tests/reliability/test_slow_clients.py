"""Slow and silent clients cannot hold the production server (python -m usersnack.server).

A body trickling in a byte a second gets 408 after REQUEST_BODY_TIMEOUT; a request head
trickling in gets 408 after REQUEST_HEADER_TIMEOUT; connections that send nothing are closed
after it; and other clients are served all the while.
"""

from __future__ import annotations

import json
import socket
import threading
import time

import httpx
import pytest

from tests.e2e.conftest import production_command, server_env, server_process
from tests.reliability.traffic import OrderPlan

TIMEOUT_SECONDS = 2
IDLE_CONNECTIONS = 200
# Bounds a broken run only: the server should act after TIMEOUT_SECONDS.
GIVE_UP_SECONDS = 30
SETTINGS = {
    "REQUEST_BODY_TIMEOUT": str(TIMEOUT_SECONDS),
    "REQUEST_HEADER_TIMEOUT": str(TIMEOUT_SECONDS),
    "KEEP_ALIVE_TIMEOUT": str(TIMEOUT_SECONDS),
}


@pytest.fixture
async def server(clean_db, subprocess_env, tmp_path):  # noqa: ANN001, ANN201
    from usersnack.fixtures.loader import load_menu

    await load_menu()
    env = server_env(subprocess_env, **SETTINGS)
    with server_process(production_command(), env, tmp_path / "app.log") as process:
        yield process


def _connect(base_url: str) -> socket.socket:
    host, port = base_url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=GIVE_UP_SECONDS)
    return sock


def _trickle(sock: socket.socket, data: bytes, stop: threading.Event) -> None:
    """Send `data` a byte a second until it is all sent, the server hangs up, or `stop`.

    The bytes go out half a second off the server's whole-second deadlines: a byte arriving
    just after the server answered and closed would make its kernel reset the connection,
    and ours would then drop the answer before the test could read it.
    """
    for index in range(len(data)):
        if stop.wait(0.5 if index == 0 else 1.0):
            return
        try:
            sock.sendall(data[index : index + 1])
        except OSError:
            return


def _read_until_closed(sock: socket.socket) -> bytes:
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass  # cut off all the same; the assertions on `received` say whether 408 came first
    return received


def _slow_request(base_url: str, head: bytes, body: bytes) -> tuple[bytes, float]:
    """Send `head` at once (or trickled, if body is empty) and `body` trickled; return what the
    server answered before closing, and after how many seconds."""
    sock = _connect(base_url)
    stop = threading.Event()
    started = time.monotonic()
    if body:
        sock.sendall(head + body[:1])
        trickler = threading.Thread(target=_trickle, args=(sock, body[1:], stop))
    else:
        sock.sendall(head[:1])
        trickler = threading.Thread(target=_trickle, args=(sock, head[1:], stop))
    trickler.start()
    try:
        answer = _read_until_closed(sock)
        return answer, time.monotonic() - started
    finally:
        stop.set()
        trickler.join()
        sock.close()


def _status_and_body(answer: bytes) -> tuple[int, dict]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), json.loads(body)


async def test_a_body_sent_a_byte_a_second_is_cut_off_with_408(server, figures):
    order = OrderPlan(server.base_url, seed=8).order()
    body = json.dumps(order.body).encode()
    head = (
        b"POST /v1/orders HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n" % len(body)
    )
    answer, seconds = _slow_request(server.base_url, head, body)

    status, error = _status_and_body(answer)
    assert (status, error["code"]) == (408, "REQUEST_TIMEOUT"), answer
    assert b"connection: close" in answer.lower()
    assert httpx.get(f"{server.base_url}/health").status_code == 200
    figures("slow body", body_bytes=len(body), seconds_until_cut_off=seconds)


async def test_a_head_sent_a_byte_a_second_is_cut_off_with_408(server, figures):
    head = b"GET /v1/pizzas HTTP/1.1\r\nHost: test\r\nX-Slow: " + b"x" * 100 + b"\r\n\r\n"
    answer, seconds = _slow_request(server.base_url, head, b"")

    status, error = _status_and_body(answer)
    assert (status, error["code"]) == (408, "REQUEST_TIMEOUT"), answer
    figures("slow request head", seconds_until_cut_off=seconds)


async def test_silent_connections_are_closed_and_others_are_served_meanwhile(server, figures):
    plan = OrderPlan(server.base_url, seed=9)
    idle = [_connect(server.base_url) for _ in range(IDLE_CONNECTIONS)]
    try:
        opened = time.monotonic()
        served = []
        with httpx.Client(base_url=server.base_url, timeout=GIVE_UP_SECONDS) as http:
            while time.monotonic() - opened < TIMEOUT_SECONDS / 2:
                order = plan.order()
                served.append(
                    http.post(
                        "/v1/orders", json=order.body, headers={"Idempotency-Key": order.key}
                    ).status_code
                )
                served.append(http.get("/v1/pizzas").status_code)
        closed_after = []
        for sock in idle:
            assert sock.recv(1) == b""  # the server closed it, having been sent nothing
            closed_after.append(time.monotonic() - opened)
    finally:
        for sock in idle:
            sock.close()

    assert served and set(served) == {200, 201}, served
    figures(
        "silent connections",
        connections_opened=IDLE_CONNECTIONS,
        requests_served_while_they_were_open=len(served),
        seconds_until_the_last_was_closed=max(closed_after),
    )
