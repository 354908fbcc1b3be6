"""The deployment files (Dockerfile, docker-compose.yml, Caddyfile, .env.sample) read as data,
for the tests that check they agree and the end-to-end test that runs them on loopback."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
CADDYFILE = REPO_ROOT / "Caddyfile"
COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"
DOCKERFILE = REPO_ROOT / "Dockerfile"
ENV_SAMPLE = REPO_ROOT / ".env.sample"

# {$NAME} or {$NAME:default}
_CADDY_VARIABLE = re.compile(r"\{\$([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}")
# ${NAME}, ${NAME:-default}, ${NAME-default}, ${NAME:?message}, ${NAME?message}; not $${...}
_COMPOSE_VARIABLE = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}")


def _without_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))


def caddyfile_variables() -> dict[str, str | None]:
    """Every {$VARIABLE} the Caddyfile reads, with its default (None when it has none)."""
    found: dict[str, str | None] = {}
    for name, default in _CADDY_VARIABLE.findall(_without_comments(CADDYFILE.read_text())):
        found[name] = default or found.get(name)
    return found


def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text())


def compose_variables() -> dict[str, tuple[str, str]]:
    """Every ${VARIABLE} docker-compose.yml interpolates: name -> (operator, default/message)."""
    return {
        name: (operator, value)
        for name, operator, value in _COMPOSE_VARIABLE.findall(
            _without_comments(COMPOSE_FILE.read_text())
        )
    }


def env_sample() -> dict[str, str]:
    """The variables .env.sample documents, with their sample values."""
    values: dict[str, str] = {}
    for line in ENV_SAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def env_sample_comments() -> dict[str, str]:
    """For each variable in .env.sample, the comment lines right above it."""
    comments: dict[str, str] = {}
    pending: list[str] = []
    for line in ENV_SAMPLE.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("#"):
            pending.append(stripped.lstrip("#").strip())
        elif stripped:
            comments[stripped.partition("=")[0].strip()] = " ".join(pending).strip()
        else:
            pending = []
    return comments


def dockerfile_instruction(name: str) -> str:
    """The last `name` instruction of the Dockerfile, continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    lines = [line for line in joined.splitlines() if line.startswith(f"{name} ")]
    assert lines, f"the Dockerfile has no {name}"
    return lines[-1][len(name) + 1 :].strip()


def dockerfile_cmd() -> list[str]:
    """The image's CMD (exec form)."""
    return json.loads(dockerfile_instruction("CMD"))


def app_server_command(python: str) -> list[str]:
    """The image's CMD, run by `python` (HOST and PORT come from the environment)."""
    command = dockerfile_cmd()
    assert command[:3] == ["python", "-m", "usersnack.server"], command
    return [python, *command[1:]]


def shell_words(command: str | list[str]) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else list(command)
