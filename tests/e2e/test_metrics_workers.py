"""/metrics adds up every worker's counts when PROMETHEUS_MULTIPROC_DIR is set."""

from __future__ import annotations

import sys

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.e2e.conftest import running_server, server_env

REQUESTS = 40


def _total(text: str, route: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "usersnack_http_requests_total" and sample.labels.get("route") == route
    )


async def test_two_workers_report_one_sum(clean_db, subprocess_env, tmp_path):
    metrics_dir = tmp_path / "prometheus"
    metrics_dir.mkdir()
    env = server_env(subprocess_env, PROMETHEUS_MULTIPROC_DIR=str(metrics_dir))
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "usersnack.main:app",
        "--port",
        env["PORT"],
        "--workers",
        "2",
    ]
    with running_server(command, env, tmp_path / "server.log") as base_url:
        for _ in range(REQUESTS):
            # A new connection each time, so the requests spread over both workers.
            assert httpx.get(f"{base_url}/v1/ingredients", timeout=10).status_code == 200
        text = httpx.get(f"{base_url}/metrics", timeout=10).text

    # Both workers write their values to the directory; /metrics reports the sum over them,
    # whichever worker served each request and whichever answered /metrics.
    assert len(list(metrics_dir.glob("counter_*.db"))) == 2
    assert _total(text, "/v1/ingredients") == REQUESTS
