"""The reliability suite: real server processes and real PostgreSQL, under stress.

Every test here is marked `reliability` (run only these: `./scripts/test.sh -m reliability`).
Tests record their figures with the `figures` fixture; they are printed at the end of the run,
whatever pytest's output capture, and RELIABILITY.md quotes the last run's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
_FIGURES: list[tuple[str, dict[str, object]]] = []


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.reliability)


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Callable[..., None]:
    """figures(title, **numbers): keep a row of figures for the end-of-run report."""

    def record(title: str, **numbers: object) -> None:
        _FIGURES.append((f"{title} ({request.node.name})", numbers))

    return record


def pytest_terminal_summary(terminalreporter) -> None:  # noqa: ANN001 - pytest's reporter
    if not _FIGURES:
        return
    terminalreporter.section("reliability figures")
    for title, numbers in _FIGURES:
        terminalreporter.write_line(title)
        width = max(len(name) for name in numbers)
        for name, value in numbers.items():
            shown = f"{value:.2f}" if isinstance(value, float) else str(value)
            terminalreporter.write_line(f"    {name.replace('_', ' '):<{width}}  {shown}")
