"""UserSnack benchmark: the app against this machine's physical limit, in one run.

Starts PostgreSQL (DATABASE_URL, or a throwaway embedded one) with the fixture menu, the app as
production runs it (uvicorn, uvloop, httptools, no access log, --workers N), and a reference
server (plain Starlette returning the app's own response bytes from memory) under the same
flags. wrk loads each endpoint at 32 connections; app and reference alternate, three rounds,
and the medians are compared. It also counts the SQL statements one request of each kind sends.

    ./scripts/bench.sh [--workers 1] [--duration 8] [--rounds 3] [--connections 32]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO_ROOT / "src"), str(REPO_ROOT)]

from usersnack.embedded_db import EmbeddedPostgres, ensure_database  # noqa: E402

HERE = Path(__file__).resolve().parent
TARGETS = {"GET /v1/pizzas": 0.70, "GET /v1/pizzas/{id}": 0.70, "POST /v1/orders": 0.12}


@dataclass
class Endpoint:
    label: str
    method: str
    path: str
    body: bytes | None = None


@dataclass
class Result:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(url: str, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"server exited:\n{log.read_text()}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"server did not start:\n{log.read_text()}")


@contextmanager
def server(app: str, env: dict[str, str], workers: int, log: Path, probe: str) -> Iterator[str]:
    port = free_port()
    command = [
        sys.executable, "-m", "uvicorn", app,
        "--host", "127.0.0.1", "--port", str(port),
        "--loop", "uvloop", "--http", "httptools", "--no-access-log",
        "--workers", str(workers),
    ]  # fmt: skip
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base + probe, process, log)
        yield base
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def run_wrk(
    base: str, endpoint: Endpoint, *, connections: int, duration: int, run_id: str
) -> Result:
    command = [
        "wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s",
    ]  # fmt: skip
    env = dict(os.environ)
    if endpoint.method == "POST":
        command += ["-s", str(HERE / "post_order.lua")]
        env["USERSNACK_BENCH_ORDER"] = (endpoint.body or b"").decode()
        env["USERSNACK_BENCH_RUN"] = run_id
    command.append(base + endpoint.path)
    output = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=duration + 60, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses:\s+(\d+)", output))
    # Connections refused, reset or timed out count too: an error is an error.
    socket_errors = re.search(r"Socket errors:(.*)", output)
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return Result(rps, _percentile(output, "50%"), _percentile(output, "99%"), errors)


def _percentile(output: str, label: str) -> float:
    match = re.search(rf"^\s+{re.escape(label)}\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def prepare_database(env: dict[str, str]) -> None:
    subprocess.run(
        [sys.executable, "-m", "aerich", "upgrade"], cwd=REPO_ROOT, env=env, check=True,
        capture_output=True,
    )  # fmt: skip
    subprocess.run(
        [sys.executable, "scripts/load_fixtures.py"], cwd=REPO_ROOT, env=env, check=True,
        capture_output=True,
    )  # fmt: skip


def choose_endpoints(base: str) -> list[Endpoint]:
    pizzas = httpx.get(base + "/v1/pizzas", params={"limit": 100}).json()["results"]
    pizza = next(
        p
        for p in pizzas
        if len(httpx.get(f"{base}/v1/pizzas/{p['id']}/extras").json()["results"]) >= 2
    )
    extras = httpx.get(f"{base}/v1/pizzas/{pizza['id']}/extras").json()["results"][:2]
    order = {
        "name": "Bench Marker",
        "contact_phones": ["+43 664 1234567"],
        "delivery_address": {
            "street": "Mariahilfer Strasse", "house_number": "12A", "apt": "4",
            "city": "Wien", "country": "Austria",
        },
        "packages": [
            {
                "pizza_id": pizza["id"],
                "quantity": 1,
                "garnishes": [{"extra_id": extra["id"], "quantity": 1} for extra in extras],
            }
        ],
    }  # fmt: skip
    return [
        Endpoint("GET /v1/pizzas", "GET", "/v1/pizzas"),
        Endpoint("GET /v1/pizzas/{id}", "GET", f"/v1/pizzas/{pizza['id']}"),
        Endpoint("GET /v1/pizzas/{id}/extras", "GET", f"/v1/pizzas/{pizza['id']}/extras"),
        Endpoint("POST /v1/orders", "POST", "/v1/orders", json.dumps(order).encode()),
    ]


def capture_responses(base: str, endpoints: list[Endpoint], path: Path) -> None:
    """The app's own bytes for each endpoint, for the reference server to return."""
    captured = []
    for endpoint in endpoints:
        headers = {"Content-Type": "application/json"}
        if endpoint.method == "POST":
            headers["Idempotency-Key"] = f"capture-{uuid.uuid4()}"
        response = httpx.request(
            endpoint.method, base + endpoint.path, content=endpoint.body, headers=headers
        )
        keep = {
            k: v for k, v in response.headers.items() if k in ("etag", "cache-control", "location")
        }
        captured.append(
            {
                "method": endpoint.method,
                "path": endpoint.path,
                "status": response.status_code,
                "headers": keep,
                "body": base64.b64encode(response.content).decode(),
            }
        )
    path.write_text(json.dumps(captured))


def count_statements(env: dict[str, str], endpoints: list[Endpoint]) -> dict[str, tuple[int, int]]:
    """Statements per request, cold (menu not cached) and warm, counted in-process."""
    for key, value in env.items():
        os.environ[key] = value
    # Quiet: the app's JSON log lines (and, once it has set up logging in this process, one per
    # HTTP call the benchmark makes) would otherwise land between the figures.
    os.environ["LOG_LEVEL"] = "WARNING"
    from tests.statements import count_statements as counting
    from usersnack.main import create_app
    from usersnack.settings import get_settings

    get_settings.cache_clear()

    async def measure() -> dict[str, tuple[int, int]]:
        app = create_app(get_settings())
        counts = {}
        transport = httpx.ASGITransport(app=app)
        async with app.router.lifespan_context(app):
            # Count after the change feed is up: connecting to it reloads the menu once.
            await asyncio.wait_for(app.state.menu_watcher.connected.wait(), 30)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                for endpoint in endpoints:
                    found = []
                    for _ in ("cold", "warm"):
                        if not found:
                            app.state.menu_cache.invalidate()
                        headers = {"Content-Type": "application/json"}
                        if endpoint.method == "POST":
                            headers["Idempotency-Key"] = str(uuid.uuid4())
                        with counting() as statements:
                            response = await client.request(
                                endpoint.method, endpoint.path, content=endpoint.body,
                                headers=headers,
                            )  # fmt: skip
                        assert response.status_code < 300, response.text
                        found.append(len(statements))
                    counts[endpoint.label] = (found[0], found[1])
        return counts

    return asyncio.run(measure())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=32)
    options = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing: apt-get install wrk (scripts/bench.sh does it)", file=sys.stderr)
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="usersnack-bench-"))
    embedded = None
    url = os.environ.get("DATABASE_URL")
    if not url:
        embedded = EmbeddedPostgres(workdir / "pg", throwaway=True)
        embedded.start()
        url = embedded.url("usersnack_bench")
    # Embedded PostgreSQL trusts local connections; the password only satisfies production's
    # refusal of an empty one.
    if "@" in url and ":" not in url.split("://", 1)[1].split("@", 1)[0]:
        url = url.replace("://postgres@", f"://postgres:{secrets.token_hex(16)}@", 1)
    asyncio.run(ensure_database(url))
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO_ROOT / "src"),
        "DATABASE_URL": url,
        "ENVIRONMENT": "production",
        "DB_POOL_MAX_SIZE": "20",
        # "No access log", as the production command has: uvicorn's is off by its
        # flag, the app's own per-request line by this setting. Metrics stay on.
        "ACCESS_LOG": "false",
        # The order rate limiter runs (its cost is part of an order) but never refuses: one
        # load generator from one address would otherwise measure 429s.
        "ORDER_RATE_LIMIT": "100000000/minute",
    }
    env.pop("ADMIN_API_KEY", None)
    try:
        prepare_database(env)
        with server(
            "usersnack.main:app", env, options.workers, workdir / "app.log", "/health"
        ) as base:
            endpoints = choose_endpoints(base)
            capture_responses(base, endpoints, workdir / "responses.json")
        statements = count_statements(env, endpoints)
        reference_env = {
            **env,
            "PYTHONPATH": str(HERE),
            "USERSNACK_BENCH_RESPONSES": str(workdir / "responses.json"),
        }
        results: dict[tuple[str, str], list[Result]] = {}
        for round_number in range(options.rounds):
            for kind, app, run_env, probe in (
                ("app", "usersnack.main:app", env, "/health"),
                ("reference", "reference_app:app", reference_env, "/v1/pizzas"),
            ):
                log = workdir / f"{kind}-{round_number}.log"
                with server(app, run_env, options.workers, log, probe) as base:
                    for endpoint in endpoints:
                        run_wrk(
                            base,
                            endpoint,
                            connections=options.connections,
                            duration=1,
                            run_id="warmup",
                        )
                        result = run_wrk(
                            base, endpoint, connections=options.connections,
                            duration=options.duration, run_id=f"{kind}-{round_number}",
                        )  # fmt: skip
                        results.setdefault((endpoint.label, kind), []).append(result)
                        print(
                            f"round {round_number + 1} {kind:9} {endpoint.label:28} "
                            f"{result.requests_per_second:9.0f} req/s",
                            flush=True,
                        )
        report(endpoints, results, statements, options)
    finally:
        if embedded is not None:
            embedded.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


def report(endpoints, results, statements, options) -> None:  # noqa: ANN001
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")),
        platform.processor(),
    )  # fmt: skip
    print()
    print(f"machine: {os.cpu_count()} cores, {cpu}; Python {platform.python_version()}")
    print(
        f"wrk -t1 -c{options.connections} -d{options.duration}s; uvicorn --workers "
        f"{options.workers} --loop uvloop --http httptools --no-access-log; "
        f"{options.rounds} rounds, app and reference alternating; medians"
    )
    print()
    header = (
        "| endpoint | app req/s | app p50 ms | app p99 ms | reference req/s | ref p50 ms "
        "| ref p99 ms | ratio | target | SQL cold/warm |"
    )
    print(header)
    print("|" + "---|" * 10)
    for endpoint in endpoints:
        app = results[(endpoint.label, "app")]
        ref = results[(endpoint.label, "reference")]
        app_rps = statistics.median(r.requests_per_second for r in app)
        ref_rps = statistics.median(r.requests_per_second for r in ref)
        ratio = app_rps / ref_rps
        target = TARGETS.get(endpoint.label)
        verdict = f"{target:.2f} {'met' if ratio >= target else 'MISSED'}" if target else "-"
        errors = sum(r.errors for r in app)
        cold, warm = statements[endpoint.label]
        print(
            f"| {endpoint.label} | {app_rps:.0f} | {statistics.median(r.p50_ms for r in app):.2f} "
            f"| {statistics.median(r.p99_ms for r in app):.2f} | {ref_rps:.0f} "
            f"| {statistics.median(r.p50_ms for r in ref):.2f} "
            f"| {statistics.median(r.p99_ms for r in ref):.2f} | {ratio:.2f} | {verdict} "
            f"| {cold}/{warm} |" + (f" ({errors} errors)" if errors else "")
        )


if __name__ == "__main__":
    sys.exit(main())
