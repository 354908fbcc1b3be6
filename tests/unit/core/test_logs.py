from __future__ import annotations

import json
import logging

import structlog

from usersnack.logs import REDACTED, configure_logging


def _lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_structlog_and_stdlib_lines_are_json_with_the_bound_request_id(capsys):
    configure_logging("INFO")
    with structlog.contextvars.bound_contextvars(request_id="unit-1"):
        structlog.get_logger("usersnack.test").info("hello", pizzas=2)
        logging.getLogger("some.library").warning("plain %s", "stdlib")
    lines = [line for line in _lines(capsys.readouterr().err) if line.get("request_id") == "unit-1"]
    assert lines[0]["message"] == "hello" and lines[0]["pizzas"] == 2
    assert lines[1]["message"] == "plain stdlib" and lines[1]["level"] == "warning"
    assert list(lines[0])[:5] == ["timestamp", "level", "logger", "message", "request_id"]


def test_personal_data_keys_and_secrets_are_masked(capsys):
    secret = "s3cr3t-admin-key-0123456789abcdef0123456789"
    configure_logging("INFO", secrets=[secret])
    log = structlog.get_logger("usersnack.test")
    log.info("masked", contact_phones=["+436641234567"], delivery_address={"street": "X"})
    logging.getLogger("some.library").error("connecting with %s failed", secret)
    err = capsys.readouterr().err
    assert secret not in err and "+436641234567" not in err
    lines = _lines(err)
    masked = next(line for line in lines if line["message"] == "masked")
    assert masked["contact_phones"] == REDACTED and masked["delivery_address"] == REDACTED
    assert any(line["message"] == f"connecting with {REDACTED} failed" for line in lines)


def test_query_parameters_never_reach_the_log_even_at_debug():
    configure_logging("DEBUG")
    try:
        assert not logging.getLogger("tortoise.db_client").isEnabledFor(logging.DEBUG)
        assert logging.getLogger("usersnack").isEnabledFor(logging.DEBUG)
    finally:
        configure_logging("INFO")
