"""`python -m usersnack.wait_for_db`: what the compose `migrate` service runs before migrating."""

from __future__ import annotations

import logging
import subprocess
import sys

from usersnack.settings import Settings
from usersnack.wait_for_db import wait_for_database


def _settings(url: str) -> Settings:
    return Settings(_env_file=None, database_url=url)


async def test_a_running_database_is_ready(database_url):
    assert await wait_for_database(_settings(database_url), timeout=10)


async def test_nothing_listening_gives_up_after_the_timeout(free_tcp_port, caplog):
    url = f"postgresql://postgres@127.0.0.1:{free_tcp_port}/usersnack"
    with caplog.at_level(logging.INFO, logger="usersnack.wait_for_db"):
        assert not await wait_for_database(_settings(url), timeout=1.5)
    assert "retrying" in caplog.text
    assert "not reachable after" in caplog.text


async def test_a_refusal_is_not_retried(database_url, caplog):
    from usersnack.settings import credentials_from_url, url_from_credentials

    url = url_from_credentials(credentials_from_url(database_url), database="no_such_database")
    with caplog.at_level(logging.INFO, logger="usersnack.wait_for_db"):
        assert not await wait_for_database(_settings(url), timeout=60)
    assert "retrying" not in caplog.text
    assert "refused the connection" in caplog.text


def test_the_command_exit_status(database_url, subprocess_env, free_tcp_port):
    command = [sys.executable, "-m", "usersnack.wait_for_db", "--timeout", "1"]
    ready = subprocess.run(command, env=subprocess_env(DATABASE_URL=database_url), timeout=60)
    assert ready.returncode == 0
    gone = f"postgresql://postgres@127.0.0.1:{free_tcp_port}/usersnack"
    not_ready = subprocess.run(
        command, env=subprocess_env(DATABASE_URL=gone), capture_output=True, timeout=60
    )
    assert not_ready.returncode == 1
    assert b"not reachable" in not_ready.stderr
