"""A bad or missing setting stops the real start commands with one line naming it."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.e2e.conftest import REPO_ROOT, free_port

STRONG_DB = "postgresql://app:Zq8vR2mT7wK4@db.invalid:5432/usersnack"


def _start(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        command,
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        check=False,
    )


def _uvicorn() -> list[str]:
    return [sys.executable, "-m", "uvicorn", "usersnack.main:app", "--port", str(free_port())]


def _the_one_line(result: subprocess.CompletedProcess) -> str:
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stdout, result.stdout
    assert len(lines) == 1, result.stdout
    return lines[0]


@pytest.mark.parametrize(
    ("variables", "expected"),
    [
        ({"PORT": "eighty"}, "usersnack: invalid setting PORT: Input should be a valid integer"),
        ({"DB_POOL_MAX_SIZE": "0"}, "usersnack: invalid setting DB_POOL_MAX_SIZE: "),
        ({"ENVIRONMENT": "staging"}, "usersnack: invalid setting ENVIRONMENT: Input should be"),
        (
            {"DATABASE_URL": "mysql://x@y/z"},
            "usersnack: invalid setting DATABASE_URL: DATABASE_URL",
        ),
        ({"CORS_ORIGINS": '["http://a'}, "usersnack: invalid setting CORS_ORIGINS: write a JSON"),
        ({"LOG_LEVEL": "chatty"}, "usersnack: invalid setting LOG_LEVEL: "),
        (
            {"ENVIRONMENT": "production", "DATABASE_URL": STRONG_DB, "ADMIN_API_KEY": "short"},
            "usersnack: invalid settings: ADMIN_API_KEY must be a random secret",
        ),
        ({"DATABASE_URL": ""}, "usersnack: missing setting DATABASE_URL: set DATABASE_URL"),
    ],
)
def test_uvicorn_stops_with_one_line(subprocess_env, variables, expected):
    env = subprocess_env(**variables)
    env.setdefault("DATABASE_URL", STRONG_DB)
    if variables.get("DATABASE_URL") == "":
        env.pop("DATABASE_URL")

    line = _the_one_line(_start(_uvicorn(), env))

    assert line.startswith(expected), line


def test_run_script_stops_with_one_line(subprocess_env):
    env = subprocess_env(PORT="65536", ENVIRONMENT="development")
    line = _the_one_line(_start(["./scripts/run.sh"], env))
    assert line == "usersnack: invalid setting PORT: Input should be less than or equal to 65535"


def test_run_script_names_a_production_refusal(subprocess_env):
    env = subprocess_env(ENVIRONMENT="production", DATABASE_URL=STRONG_DB, CORS_ORIGINS="*")
    line = _the_one_line(_start(["./scripts/run.sh"], env))
    assert (
        line == "usersnack: invalid settings: CORS_ORIGINS must list origins in production, not '*'"
    )
