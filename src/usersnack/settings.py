"""Settings for the app, Aerich and the tests: one source, read from the environment and `.env`.

`TORTOISE_ORM` at the bottom is what `[tool.aerich]` in pyproject.toml points at, so migrations
always run against the same database the app would use.
"""

from __future__ import annotations

import json
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import parse_qs, unquote, urlsplit

import phonenumbers
from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError

REPO_ROOT = Path(__file__).resolve().parents[2]
MODEL_MODULES = ["usersnack.models", "aerich.models"]


MIN_ADMIN_KEY_LENGTH = 32
# Generous for people ordering food, tight for a script placing orders in a loop.
DEFAULT_PRODUCTION_ORDER_RATE_LIMIT = "30/minute"
DEV_FRONTEND_ORIGINS = ("http://localhost:5173", "http://127.0.0.1:5173")
_PLACEHOLDER_WORDS = ("change", "placeholder", "example", "secret", "password", "xxx", "todo")


def looks_like_placeholder(value: str) -> bool:
    """True for empty values and the sample values people forget to replace."""
    lowered = value.strip().lower()
    return not lowered or any(word in lowered for word in _PLACEHOLDER_WORDS)


LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


class Environment(str, Enum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class DatabaseNotConfigured(RuntimeError):
    """No DATABASE_URL and no POSTGRES_HOST: only the dev server and the tests start one."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=REPO_ROOT / ".env",
        env_file_encoding="utf-8",
        extra="ignore",
        # `SERVE_MEDIA=` in .env means "not set", as in .env.sample.
        env_ignore_empty=True,
    )

    environment: Environment = Environment.DEVELOPMENT

    database_url: str | None = None
    postgres_host: str | None = None
    postgres_port: int = 5432
    postgres_db: str = "usersnack"
    postgres_user: str = "postgres"
    postgres_password: str = ""
    db_pool_min_size: int = Field(default=1, ge=1, le=100)
    db_pool_max_size: int = Field(default=10, ge=1, le=100)
    # asyncpg's command timeout: a query that hangs (say, the database went away mid-request)
    # fails after this many seconds instead of holding the request forever.
    db_command_timeout: float = Field(default=10.0, gt=0)
    # How long a request waits for a pooled connection (including reconnecting one after an
    # outage) before it fails with 503, instead of queueing forever behind a stuck pool.
    db_pool_acquire_timeout: float = Field(default=5.0, gt=0)

    embedded_postgres_dir: Path = REPO_ROOT / ".data" / "postgres"
    # Only the test suite reads this: run the tests on that server instead of an embedded one.
    test_database_url: str | None = None

    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    reload: bool = False

    serve_media: bool | None = None
    media_root: Path = REPO_ROOT / "media"
    media_url: str = "/media/"

    phone_default_region: str = "AT"
    max_request_body_bytes: int = Field(default=64 * 1024, ge=1024)

    # Staff API key (Authorization: Bearer ...). Unset: the admin API is off.
    admin_api_key: SecretStr | None = None
    # Browser origins allowed to call the API (comma-separated or a JSON list). Unset: the local
    # front-end dev server in development, none in production; "*" is refused in production.
    cors_origins: Annotated[list[str] | None, NoDecode] = None
    # Proxies whose X-Forwarded-For/-Proto are believed (comma-separated IPs or CIDRs).
    forwarded_allow_ips: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["127.0.0.1", "::1"]
    )

    # Lowest level written to the (JSON) log on stderr.
    log_level: LogLevel = "INFO"
    # One JSON line per request (method, path, route, status, duration, request id).
    access_log: bool = True
    # POST /v1/orders per client address: "30/minute", "5/second;100/hour", or "0" for off.
    # Unset: off in development and test, DEFAULT_PRODUCTION_ORDER_RATE_LIMIT in production.
    order_rate_limit: str | None = None
    # Where rate-limit counters live, so every app process shares them (redis://host:6379/0).
    # Unset: in each process's memory.
    redis_url: str | None = None
    # A client must send a request's whole body within this many seconds, or get 408.
    request_body_timeout: float = Field(default=15.0, gt=0)
    # The production server (python -m usersnack.server) closes a connection that has not sent
    # a complete request head within this many seconds, and an idle keep-alive one after
    # KEEP_ALIVE_TIMEOUT; on SIGTERM it lets requests in flight finish for SHUTDOWN_TIMEOUT.
    request_header_timeout: float = Field(default=10.0, gt=0)
    keep_alive_timeout: int = Field(default=5, ge=1)
    shutdown_timeout: int = Field(default=20, ge=1)
    web_concurrency: int = Field(default=1, ge=1, le=64)

    @field_validator("database_url", "test_database_url", "postgres_host", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("admin_api_key", mode="before")
    @classmethod
    def _blank_key_is_unset(cls, value: Any) -> Any:
        # A key of spaces would let a blank Bearer token in; it means "admin API off".
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("cors_origins", "forwarded_allow_ips", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                try:
                    return json.loads(text)
                except json.JSONDecodeError:
                    raise ValueError("write a JSON list or comma-separated values") from None
            return [item.strip() for item in text.split(",") if item.strip()]
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: Any) -> Any:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("embedded_postgres_dir", "media_root")
    @classmethod
    def _relative_to_repo(cls, value: Path) -> Path:
        return value if value.is_absolute() else REPO_ROOT / value

    @field_validator("order_rate_limit", "redis_url", mode="before")
    @classmethod
    def _blank_is_default(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator("order_rate_limit")
    @classmethod
    def _rate_limit_shape(cls, value: str | None) -> str | None:
        if value is None or value == "0":
            return value
        from limits import parse_many

        try:
            parse_many(value)
        except ValueError:
            raise ValueError(
                'ORDER_RATE_LIMIT must look like "30/minute" or "5/second;100/hour", or be "0"'
            ) from None
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in ("redis", "rediss", "unix"):
            raise ValueError("REDIS_URL must start with redis://, rediss:// or unix://")
        return value

    @field_validator("database_url", "test_database_url")
    @classmethod
    def _known_scheme(cls, value: str | None) -> str | None:
        if value is not None and urlsplit(value).scheme not in ("postgres", "postgresql"):
            raise ValueError("DATABASE_URL must start with postgres:// or postgresql://")
        return value

    @field_validator("phone_default_region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        region = value.strip().upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValueError(f"unknown phone region {value!r}")
        return region

    @field_validator("media_url")
    @classmethod
    def _media_url_shape(cls, value: str) -> str:
        if not value.startswith("/") or not value.endswith("/"):
            raise ValueError("MEDIA_URL must start and end with '/'")
        return value

    @model_validator(mode="after")
    def _pool_bounds(self) -> Settings:
        if self.db_pool_min_size > self.db_pool_max_size:
            raise ValueError("DB_POOL_MIN_SIZE must not exceed DB_POOL_MAX_SIZE")
        return self

    @model_validator(mode="after")
    def _safe_in_production(self) -> Settings:
        """Production refuses the defaults that are only fine on a developer's machine."""
        if not self.is_production:
            return self
        if self.admin_api_key is not None:
            key = self.admin_api_key.get_secret_value()
            if len(key) < MIN_ADMIN_KEY_LENGTH or looks_like_placeholder(key):
                raise ValueError(
                    f"ADMIN_API_KEY must be a random secret of at least {MIN_ADMIN_KEY_LENGTH} "
                    "characters in production (e.g. `openssl rand -hex 32`)"
                )
        password = self.postgres_password
        if self.database_url is not None:
            password = unquote(urlsplit(self.database_url).password or "")
        if self.database_configured and looks_like_placeholder(password):
            raise ValueError("the database password is a placeholder; set a real one")
        if "*" in (self.cors_origins or []):
            raise ValueError("CORS_ORIGINS must list origins in production, not '*'")
        return self

    @property
    def is_production(self) -> bool:
        return self.environment is Environment.PRODUCTION

    @property
    def is_test(self) -> bool:
        return self.environment is Environment.TEST

    @property
    def allowed_origins(self) -> list[str]:
        if self.cors_origins is not None:
            return self.cors_origins
        return [] if self.is_production else list(DEV_FRONTEND_ORIGINS)

    def secret_values(self) -> list[str]:
        """Values that must never appear in a log line (the logger masks them)."""
        values = []
        if self.admin_api_key is not None:
            values.append(self.admin_api_key.get_secret_value())
        if self.database_configured:
            values.append(str(self.database_credentials().get("password") or ""))
        return [value for value in values if value]

    @property
    def effective_order_rate_limit(self) -> str | None:
        """The order rate limit in force, or None when there is none."""
        if self.order_rate_limit is None:
            return DEFAULT_PRODUCTION_ORDER_RATE_LIMIT if self.is_production else None
        return None if self.order_rate_limit == "0" else self.order_rate_limit

    @property
    def media_enabled(self) -> bool:
        """In production Caddy serves /media; everywhere else the app does, unless told."""
        if self.serve_media is not None:
            return self.serve_media
        return not self.is_production

    @property
    def database_configured(self) -> bool:
        return self.database_url is not None or self.postgres_host is not None

    def database_credentials(self) -> dict[str, Any]:
        if self.database_url is not None:
            return credentials_from_url(self.database_url)
        if self.postgres_host is not None:
            return {
                "host": self.postgres_host,
                "port": self.postgres_port,
                "user": self.postgres_user,
                "password": self.postgres_password,
                "database": self.postgres_db,
            }
        raise DatabaseNotConfigured(
            "No database configured: set DATABASE_URL (or POSTGRES_HOST), "
            "or start the app with ./scripts/run.sh, which starts an embedded PostgreSQL."
        )

    def tortoise_config(self) -> dict[str, Any]:
        credentials = {
            **self.database_credentials(),
            "acquire_timeout": self.db_pool_acquire_timeout,
            "minsize": self.db_pool_min_size,
            "maxsize": self.db_pool_max_size,
            "command_timeout": self.db_command_timeout,
            "timeout": self.db_command_timeout,
            "reset": keep_session_state,
        }
        return {
            "connections": {
                "default": {"engine": "usersnack.db_engine", "credentials": credentials}
            },
            "apps": {"models": {"models": MODEL_MODULES, "default_connection": "default"}},
            "use_tz": True,
            "timezone": "UTC",
        }


async def keep_session_state(connection: Any) -> None:
    """Pool reset hook that skips asyncpg's reset query on every release.

    The default sends `RESET ALL; UNLISTEN *; CLOSE ALL; ...` each time a connection goes back
    to the pool: a round trip per request. Pooled connections here never change session
    state (LISTEN has its own connection), and asyncpg still rolls back an open transaction.
    """


def credentials_from_url(url: str) -> dict[str, Any]:
    """Split a postgres URL into asyncpg credentials; `?host=/dir` selects a Unix socket."""
    parts = urlsplit(url)
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    host = query.pop("host", None) or parts.hostname or "127.0.0.1"
    database = unquote(parts.path.lstrip("/")) or "postgres"
    credentials: dict[str, Any] = {
        "host": host,
        "port": int(query.pop("port", None) or parts.port or 5432),
        "user": unquote(parts.username or "") or "postgres",
        "password": unquote(parts.password or ""),
        "database": database,
    }
    if "sslmode" in query:
        credentials["ssl"] = query.pop("sslmode")
    return credentials


def url_from_credentials(credentials: dict[str, Any], *, database: str | None = None) -> str:
    """The inverse of `credentials_from_url`, for handing a database to a child process."""
    from urllib.parse import quote

    user = quote(str(credentials.get("user") or "postgres"), safe="")
    password = quote(str(credentials.get("password") or ""), safe="")
    auth = f"{user}:{password}@" if password else f"{user}@"
    name = quote(database or str(credentials["database"]), safe="")
    host = str(credentials["host"])
    port = credentials.get("port", 5432)
    if host.startswith("/"):
        return f"postgresql://{auth}/{name}?host={quote(host)}&port={port}"
    return f"postgresql://{auth}{host}:{port}/{name}"


@lru_cache
def get_settings() -> Settings:
    return Settings()


class InvalidSettings(SystemExit):
    """Start-up stops here: one line naming the variable, and a non-zero exit status."""

    def __init__(self, line: str) -> None:
        super().__init__(line)
        self.line = line


def describe_invalid_settings(error: ValidationError | SettingsError) -> str:
    """One line naming the first bad variable, e.g. `invalid setting PORT: Input should ...`."""
    if isinstance(error, SettingsError):
        return f"usersnack: invalid settings: {error}"
    first = error.errors()[0]
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    location = [str(part) for part in first.get("loc", ()) if not isinstance(part, int)]
    more = f" (and {error.error_count() - 1} more)" if error.error_count() > 1 else ""
    if not location:
        return f"usersnack: invalid settings: {message}{more}"
    return f"usersnack: invalid setting {location[0].upper()}: {message}{more}"


def load_settings(*, require_database: bool = False) -> Settings:
    """`get_settings()` for a process that is starting: raises InvalidSettings, never a trace."""
    try:
        settings = get_settings()
    except (ValidationError, SettingsError) as error:
        raise InvalidSettings(describe_invalid_settings(error)) from None
    if require_database and not settings.database_configured:
        hint = "" if settings.is_production else "; ./scripts/run.sh starts an embedded one"
        raise InvalidSettings(
            "usersnack: missing setting DATABASE_URL: set DATABASE_URL (or POSTGRES_HOST) to "
            f"your PostgreSQL server{hint}"
        )
    return settings


def aerich_config() -> dict[str, Any]:
    settings = get_settings()
    if not settings.database_configured:
        # Aerich only needs the model list to write a migration; it connects when it applies one.
        return {
            "connections": {"default": "postgres://postgres@127.0.0.1:5432/usersnack"},
            "apps": {"models": {"models": MODEL_MODULES, "default_connection": "default"}},
        }
    return settings.tortoise_config()


def __getattr__(name: str) -> Any:
    # Computed on access, not at import, so importing settings never fails on a bad environment
    # and tests can change the environment before Aerich reads it.
    if name == "TORTOISE_ORM":
        return aerich_config()
    raise AttributeError(name)
