"""Tests that need a system program (caddy, chromium, node, wrk, ...).

A user without the program gets a skip that says how to install it; CI sets
USERSNACK_REQUIRE_SYSTEM_TESTS=1 (after installing them from .ci/system-packages.txt), and
there a missing program fails the test, so CI proves every test ran.
"""

from __future__ import annotations

import os
import shutil

import pytest

REQUIRE_FLAG = "USERSNACK_REQUIRE_SYSTEM_TESTS"


def require_program(name: str, *, install: str) -> str:
    """The path of `name`, or skip (fail under CI) with `install` as the hint."""
    path = shutil.which(name)
    if path:
        return path
    message = f"needs the `{name}` program: {install}"
    if os.environ.get(REQUIRE_FLAG) == "1":
        pytest.fail(f"{message} ({REQUIRE_FLAG}=1 requires every system test to run)")
    pytest.skip(message)
