"""docker-compose.yml, the Caddyfile, the Dockerfile and .env.sample agree with each other.

Docker does not run here, so these read the files as data (and have Caddy adapt its file);
tests/e2e/test_caddy_proxy.py runs the same Caddyfile and the image's command for real.
"""

from __future__ import annotations

import ipaddress
import json
import os
import subprocess
from pathlib import PurePosixPath
from typing import Any

import pytest

from tests.deployment import (
    CADDYFILE,
    REPO_ROOT,
    app_server_command,
    caddyfile_variables,
    compose,
    compose_variables,
    dockerfile_cmd,
    dockerfile_instruction,
    env_sample,
    env_sample_comments,
    shell_words,
)
from tests.system import require_program
from usersnack.admin.uploads import UPLOAD_BODY_LIMIT
from usersnack.settings import Settings

SERVICES = {"db", "migrate", "app", "caddy"}
APP_PORT = 8000


def _service(name: str) -> dict[str, Any]:
    return compose()["services"][name]


def _mounts(service: str) -> dict[str, tuple[str, str]]:
    """target -> (source, mode) for the service's volumes."""
    mounts = {}
    for entry in _service(service).get("volumes", []):
        source, target, *mode = entry.split(":")
        mounts[target] = (source, mode[0] if mode else "rw")
    return mounts


def _workdir() -> PurePosixPath:
    return PurePosixPath(dockerfile_instruction("WORKDIR"))


# --- .env.sample documents everything ---------------------------------------------------


def test_every_compose_variable_is_in_env_sample_with_the_same_default():
    sample = env_sample()
    variables = compose_variables()
    assert variables
    for name, (operator, value) in variables.items():
        assert name in sample, f"${{{name}}} in docker-compose.yml is not in .env.sample"
        if operator.endswith("-") and sample[name]:
            assert (
                value == sample[name]
            ), f"{name}: compose default {value!r}, sample {sample[name]!r}"


def test_every_caddyfile_variable_is_in_env_sample():
    sample = env_sample()
    variables = caddyfile_variables()
    assert {"HOST_DOMAIN", "APP_UPSTREAMS_SOURCE", "APP_UPSTREAMS", "MEDIA_ROOT"} <= set(variables)
    assert set(variables) <= set(sample), set(variables) - set(sample)


def test_every_env_sample_variable_has_a_comment_and_every_setting_is_there():
    comments = env_sample_comments()
    assert all(comments.values()), [name for name, text in comments.items() if not text]
    settings = {name.upper() for name in Settings.model_fields}
    assert settings <= set(env_sample()), settings - set(env_sample())


def test_caddy_in_compose_sets_only_variables_the_caddyfile_reads():
    environment = _service("caddy")["environment"]
    variables = caddyfile_variables()
    assert set(environment) <= set(variables), set(environment) - set(variables)
    # Those without a default in the Caddyfile must come from compose (or the static-only list).
    required = {name for name, default in variables.items() if default is None}
    assert required - set(environment) == {"APP_UPSTREAMS"}
    assert environment["APP_UPSTREAMS_SOURCE"] == "dynamic"


# --- docker-compose.yml ---------------------------------------------------------------------


def test_compose_services_and_their_order():
    services = compose()["services"]
    assert set(services) == SERVICES
    for name, service in services.items():
        assert service.get("restart") in {"unless-stopped", "always", "no"}, name
    assert _service("migrate")["restart"] == "no"
    assert _service("migrate")["depends_on"]["db"]["condition"] == "service_healthy"
    assert _service("app")["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert "app" in _service("caddy")["depends_on"]


def test_the_database_service():
    db = _service("db")
    image, _, tag = db["image"].partition(":")
    assert image == "postgres" and int(tag.split("-")[0].split(".")[0]) >= 15
    assert "pg_isready" in " ".join(shell_words(db["healthcheck"]["test"]))
    assert _mounts("db")["/var/lib/postgresql/data"][0] in compose()["volumes"]
    assert "ports" not in db


def test_migrate_waits_for_the_database_then_runs_aerich_once():
    command = " ".join(shell_words(_service("migrate")["command"]))
    assert "python -m usersnack.wait_for_db --timeout" in command
    assert command.index("wait_for_db") < command.index("aerich upgrade")
    assert "&&" in command  # no migration when the database never came


def test_app_replicas_can_scale_and_are_only_reached_through_caddy():
    app = _service("app")
    assert "container_name" not in app and "ports" not in app
    env = app["environment"]
    assert env["ENVIRONMENT"] == "production"
    assert env["SERVE_MEDIA"] == "false"
    assert env["POSTGRES_HOST"] == "db"
    assert env["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert _service("migrate")["environment"] == env
    assert app["image"] == _service("migrate")["image"]


def test_the_app_trusts_forwarded_headers_from_caddys_address_only():
    address = _service("caddy")["networks"]["web"]["ipv4_address"]
    assert _service("app")["environment"]["FORWARDED_ALLOW_IPS"] == address
    (config,) = compose()["networks"]["web"]["ipam"]["config"]
    subnet = ipaddress.ip_network(config["subnet"])
    dynamic = ipaddress.ip_network(config["ip_range"])
    assert ipaddress.ip_address(address) in subnet
    assert ipaddress.ip_address(address) not in dynamic  # no replica can be given it
    assert dynamic.subnet_of(subnet)
    assert "web" in _service("app")["networks"]
    assert "web" not in _service("db")["networks"]


def test_media_is_one_volume_written_by_the_app_and_served_read_only_by_caddy():
    app_media = _mounts("app")
    caddy_media = _mounts("caddy")
    media_root = _workdir() / "media"  # the app's MEDIA_ROOT default inside the image
    assert app_media[str(media_root)] == ("media", "rw")
    caddy_root = _service("caddy")["environment"]["MEDIA_ROOT"]
    assert caddy_media[caddy_root] == ("media", "ro")
    assert "media" in compose()["volumes"]


def test_caddy_keeps_its_state_and_reads_the_projects_caddyfile():
    mounts = _mounts("caddy")
    assert mounts["/etc/caddy/Caddyfile"] == ("./Caddyfile", "ro")
    assert mounts["/data"][0] in compose()["volumes"]
    assert mounts["/config"][0] in compose()["volumes"]
    ports = {str(port).split(":")[-1] for port in _service("caddy")["ports"]}
    assert {"80", "443", "443/udp"} <= ports


def test_no_secret_is_written_into_compose():
    for name, service in compose()["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if any(word in key for word in ("PASSWORD", "KEY", "SECRET")):
                assert str(value).startswith("${"), f"{name}.{key} is a literal"


# --- Dockerfile -----------------------------------------------------------------------------


def test_dockerfile_is_multi_stage_locked_and_unprivileged():
    text = (REPO_ROOT / "Dockerfile").read_text()
    assert text.count("\nFROM ") >= 2
    assert "--require-hashes" in text and "requirements-prod.lock" in text
    assert "requirements.lock" not in text.replace("requirements-prod.lock", "")
    user = dockerfile_instruction("USER")
    assert user not in {"root", "0"}
    assert "/health" in dockerfile_instruction("HEALTHCHECK")
    assert f":{APP_PORT}/" in dockerfile_instruction("HEALTHCHECK")


def test_dockerfile_copies_only_what_exists_and_never_the_env_file():
    text = (REPO_ROOT / "Dockerfile").read_text()
    for line in text.splitlines():
        if line.startswith("COPY ") and "--from=" not in line:
            *sources, _target = [word for word in line.split()[1:] if not word.startswith("--")]
            for source in sources:
                assert (REPO_ROOT / source).exists(), source
    ignored = (REPO_ROOT / ".dockerignore").read_text().splitlines()
    assert ".env" in ignored and ".venv" in ignored and ".data" in ignored


def test_the_image_command_serves_the_port_caddy_proxies_to():
    from usersnack.server import uvicorn_options

    assert dockerfile_cmd() == ["python", "-m", "usersnack.server"]
    env = dict(part.split("=", 1) for part in dockerfile_instruction("ENV").split())
    assert env["PORT"] == str(APP_PORT) and env["HOST"] == "0.0.0.0"
    assert dockerfile_instruction("EXPOSE") == str(APP_PORT)
    options = uvicorn_options(Settings(_env_file=None, host="0.0.0.0", web_concurrency=3))
    assert options["loop"] == "uvloop"
    assert options["http"].endswith("HeadTimeoutHttpToolsProtocol")  # httptools, with a deadline
    assert options["workers"] == 3  # WEB_CONCURRENCY
    assert options["proxy_headers"] is False  # the app's own middleware decides
    assert options["server_header"] is False
    assert app_server_command("python") == ["python", "-m", "usersnack.server"]


# --- the Caddyfile, adapted by Caddy itself -------------------------------------------------


def _adapt(tmp_path, **env: str) -> dict[str, Any]:  # noqa: ANN001
    caddy = require_program("caddy", install="apt-get install caddy")
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        **env,
    }
    result = subprocess.run(
        [caddy, "adapt", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "not formatted" not in result.stderr, "run `caddy fmt --overwrite Caddyfile`"
    return json.loads(result.stdout)


def _handlers(node: Any) -> list[dict[str, Any]]:
    """Every handler object anywhere below `node`."""
    found = []
    if isinstance(node, dict):
        if "handler" in node:
            found.append(node)
        for value in node.values():
            found += _handlers(value)
    elif isinstance(node, list):
        for value in node:
            found += _handlers(value)
    return found


def _site_routes(config: dict[str, Any]) -> list[dict[str, Any]]:
    (server,) = config["apps"]["http"]["servers"].values()
    (site,) = server["routes"]
    (subroute,) = site["handle"]
    return subroute["routes"]


def test_compose_mode_finds_the_replicas_by_service_name(tmp_path):
    config = _adapt(
        tmp_path,
        **{k: str(v) for k, v in _service("caddy")["environment"].items() if "${" not in str(v)},
        HOST_DOMAIN="shop.example.org",
    )
    (proxy,) = [h for h in _handlers(config) if h["handler"] == "reverse_proxy"]
    assert proxy["dynamic_upstreams"] == {
        "source": "a",
        "name": "app",
        "port": str(APP_PORT),
        "refresh": 5_000_000_000,
    }
    assert "app" in compose()["services"]
    assert proxy["load_balancing"]["retries"] >= 1
    assert proxy["load_balancing"]["try_duration"] > 0
    assert proxy["health_checks"]["passive"]["fail_duration"] > 0


def test_static_mode_health_checks_every_replica(tmp_path):
    config = _adapt(
        tmp_path,
        HOST_DOMAIN="http://localhost:8080",
        APP_UPSTREAMS_SOURCE="static",
        APP_UPSTREAMS="127.0.0.1:8001 127.0.0.1:8002",
    )
    (proxy,) = [h for h in _handlers(config) if h["handler"] == "reverse_proxy"]
    assert proxy["upstreams"] == [{"dial": "127.0.0.1:8001"}, {"dial": "127.0.0.1:8002"}]
    assert proxy["health_checks"]["active"]["uri"] == "/health"
    assert proxy["health_checks"]["active"]["expect_status"] == 200


def test_nothing_under_media_is_proxied(tmp_path):
    config = _adapt(tmp_path, HOST_DOMAIN="shop.example.org", MEDIA_ROOT="/srv/media")
    media_routes = [
        route
        for route in _site_routes(config)
        if any("/media/*" in matcher.get("path", []) for matcher in route.get("match", []))
    ]
    assert len(media_routes) == 1
    (route,) = media_routes
    assert {"/media", "/media/*"} <= set(route["match"][0]["path"])
    kinds = [handler["handler"] for handler in _handlers(route)]
    assert "file_server" in kinds and "reverse_proxy" not in kinds
    assert {"handler": "vars", "root": "/srv/media"} in _handlers(route)
    # Routes in one group are exclusive: the proxy route can never run for a /media request.
    groups = {r.get("group") for r in _site_routes(config) if "group" in r}
    assert route.get("group") in groups and len(groups) == 1


@pytest.mark.parametrize(
    ("host_domain", "listens"), [("shop.example.org", ":443"), ("http://localhost", ":80")]
)
def test_site_address_and_tls_switch(tmp_path, host_domain, listens):
    config = _adapt(tmp_path, HOST_DOMAIN=host_domain)
    (server,) = config["apps"]["http"]["servers"].values()
    assert server["listen"] == [listens]
    kinds = {handler["handler"] for handler in _handlers(config)}
    assert {"encode", "headers", "request_body", "file_server", "reverse_proxy"} <= kinds
    caps = sorted(h["max_size"] for h in _handlers(config) if h["handler"] == "request_body")
    # Every request but a staff picture upload, and the upload route (the app's own limits).
    assert caps == [Settings(_env_file=None).max_request_body_bytes, UPLOAD_BODY_LIMIT]
    (encode,) = [h for h in _handlers(config) if h["handler"] == "encode"]
    assert set(encode["encodings"]) == {"zstd", "gzip"}


def test_access_logs_are_json_on_stdout(tmp_path):
    config = _adapt(tmp_path, HOST_DOMAIN="shop.example.org")
    logs = config["logging"]["logs"]
    access = [log for log in logs.values() if any("access" in i for i in log.get("include", []))]
    assert access and all(
        log["writer"]["output"] == "stdout" and log["encoder"]["format"] == "json" for log in access
    )
