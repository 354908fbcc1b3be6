"""JSON logs, one object per line, for the app, uvicorn and every stdlib logger.

structlog renders everything: app code logs with `structlog.get_logger(...)` (key-value
events), and records from the standard `logging` module (uvicorn, Tortoise, asyncpg, our own
`logging.getLogger` users) are routed through structlog's `ProcessorFormatter`, so a log
shipper sees one format. The request id set by `RequestContextMiddleware` is added to
every line logged while that request runs.

Personal data stays out: nothing here logs request bodies or headers, keys that name personal
data are masked, and the configured secrets (admin key, database password) are replaced
wherever they would appear in a rendered line.
"""

from __future__ import annotations

import logging
import sys
from contextvars import ContextVar
from datetime import datetime, timezone
from collections.abc import Iterable
from typing import Any, TextIO

import orjson
import structlog
from structlog._log_levels import map_method_name
from structlog.typing import EventDict, Processor

REDACTED = "[redacted]"

# Event keys whose values are personal data or credentials, whatever logs them.
SENSITIVE_KEYS = frozenset(
    {
        "authorization",
        "admin_api_key",
        "api_key",
        "password",
        "contact_phones",
        "phone",
        "phones",
        "delivery_address",
        "address",
        "street",
        "customer_name",
    }
)

_HANDLER_NAME = "usersnack-json"


class _CurrentStderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at emit time (test runners swap it per test)."""

    def __init__(self) -> None:
        super().__init__()
        self.set_name(_HANDLER_NAME)

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:  # logging.StreamHandler.__init__ assigns it
        pass


def redact_sensitive_keys(_: Any, __: str, event_dict: EventDict) -> EventDict:
    for key in event_dict.keys() & SENSITIVE_KEYS:
        event_dict[key] = REDACTED
    return event_dict


class SecretMasker:
    """Replaces each secret wherever it appears in the rendered line (the last processor)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        # Short values would mask innocent text ("pw" in "pwned"); real secrets are long.
        self.secrets = sorted({secret for secret in secrets if len(secret) >= 6}, key=len)[::-1]

    def __call__(self, _: Any, __: str, line: Any) -> Any:
        if isinstance(line, str):
            for secret in self.secrets:
                line = line.replace(secret, REDACTED)
        return line


# The current request's id, set by RequestContextMiddleware. A plain ContextVar rather than
# structlog's bound context variables: setting it is the only per-request cost.
current_request_id: ContextVar[str | None] = ContextVar("usersnack_request_id", default=None)


def add_request_id(_: Any, __: str, event_dict: EventDict) -> EventDict:
    request_id = current_request_id.get()
    if request_id is not None:
        event_dict.setdefault("request_id", request_id)
    return event_dict


def _drop_color_message(_: Any, __: str, event_dict: EventDict) -> EventDict:
    # uvicorn puts a second, ANSI-coloured copy of its message in `extra`.
    event_dict.pop("color_message", None)
    return event_dict


_LEADING_KEYS = ("timestamp", "level", "logger", "message", "request_id")


def _leading_keys_first(_: Any, __: str, event_dict: EventDict) -> EventDict:
    # The same keys at the start of every line make a stream of them easy to read by eye.
    ordered = {key: event_dict.pop(key) for key in _LEADING_KEYS if key in event_dict}
    ordered.update(event_dict)
    return ordered


def _shared_processors() -> list[Processor]:
    """What records from the standard `logging` module go through before rendering."""
    return [
        structlog.contextvars.merge_contextvars,
        add_request_id,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _drop_color_message,
        redact_sensitive_keys,
    ]


def _utc_timestamp() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")[:-6] + "Z"


def _app_event_fields(logger: Any, method_name: str, event_dict: EventDict) -> EventDict:
    """For app events, what _shared_processors adds to a stdlib record, in one step (an event
    is logged on every order): request id, level, logger name, timestamp, personal data
    masked. The leading keys come first, in _LEADING_KEYS order."""
    request_id = current_request_id.get()
    fields: EventDict = {
        "timestamp": _utc_timestamp(),
        "level": map_method_name(method_name),
        "logger": logger.name,
        "message": event_dict.pop("event", None),
    }
    if "request_id" in event_dict or request_id is not None:
        fields["request_id"] = event_dict.pop("request_id", request_id)
    fields.update(event_dict)
    for key in fields.keys() & SENSITIVE_KEYS:
        fields[key] = REDACTED
    return fields


def _json_fallback(value: Any) -> str:
    return repr(value)


def render_json(event_dict: EventDict, **_: Any) -> str:
    """One log line's JSON (orjson: a log line is written for every order)."""
    return orjson.dumps(event_dict, default=_json_fallback, option=orjson.OPT_NON_STR_KEYS).decode()


class _StderrLogger:
    """structlog's output for app events: the rendered line, straight to the current stderr."""

    def __init__(self, name: str | None = None) -> None:
        self.name = name

    def msg(self, message: str) -> None:
        sys.stderr.write(message + "\n")

    debug = info = warning = warn = error = critical = exception = fatal = msg


def _stderr_logger(*args: Any) -> _StderrLogger:
    return _StderrLogger(args[0] if args and isinstance(args[0], str) else None)


def configure_logging(level: str = "INFO", *, secrets: Iterable[str] = ()) -> None:
    """Send every log line to stderr as JSON; safe to call again (it replaces its own set-up).

    App events (structlog) are rendered and written directly, which costs a fraction of the
    stdlib logging pipeline on hot paths such as placing an order; records from the standard
    `logging` module get the same processors through a ProcessorFormatter.
    """
    shared = _shared_processors()
    rendering: list[Processor] = [
        structlog.processors.format_exc_info,
        structlog.processors.EventRenamer("message"),
        _leading_keys_first,
        structlog.processors.JSONRenderer(serializer=render_json),
        SecretMasker(secrets),
    ]
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.StackInfoRenderer(),
            structlog.processors.format_exc_info,
            _app_event_fields,
            structlog.processors.JSONRenderer(serializer=render_json),
            SecretMasker(secrets),
        ],
        logger_factory=_stderr_logger,
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, *rendering],
    )
    handler = _CurrentStderrHandler()
    handler.setFormatter(formatter)

    root = logging.getLogger()
    for existing in list(root.handlers):
        # Ours from an earlier call, or a plain console handler (basicConfig) that would print
        # every line a second time in another format. Test-capture handlers (subclasses) stay.
        if existing.get_name() == _HANDLER_NAME or type(existing) is logging.StreamHandler:
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level.upper())

    # uvicorn installs its own handlers and formats; hand its records to the root handler.
    for name in ("uvicorn", "uvicorn.error", "asyncio", "tortoise", "aerich"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # Tortoise logs every query with its parameters at DEBUG: names, phone numbers and
    # addresses. Those lines never reach the log, whatever LOG_LEVEL says.
    logging.getLogger("tortoise.db_client").setLevel(max(logging.INFO, root.level))
    # The app writes its own access line (with the request id, route and duration), so
    # uvicorn's would only repeat it without them.
    access = logging.getLogger("uvicorn.access")
    access.handlers.clear()
    access.propagate = False
    access.disabled = True


class AccessLog:
    """The one access line per request, written straight to stderr as JSON.

    The same format as every other line (see configure_logging), without the stdlib logging
    pipeline: at thousands of requests a second that pipeline cost more than serving a cached
    menu page. Turned off by ACCESS_LOG=false (for example behind a proxy that logs requests).
    """

    def __init__(
        self, *, enabled: bool = True, level: str = "INFO", secrets: Iterable[str] = ()
    ) -> None:
        threshold = logging.getLevelName(level.upper())
        self.info_enabled = enabled and threshold <= logging.INFO
        self.error_enabled = enabled and threshold <= logging.ERROR
        self._masker = SecretMasker(secrets)

    def wanted(self, status: int) -> bool:
        return self.error_enabled if status >= 500 else self.info_enabled

    def write(self, request_id: str, status: int, fields: dict[str, Any]) -> None:
        is_error = status >= 500
        line = render_json(
            {
                "timestamp": _utc_timestamp(),
                "level": "error" if is_error else "info",
                "logger": "usersnack.access",
                "message": "request",
                "request_id": request_id,
                **fields,
                "status": status,
            }
        )
        sys.stderr.write(self._masker(None, "", line) + "\n")
