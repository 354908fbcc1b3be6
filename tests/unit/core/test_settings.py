from __future__ import annotations

import pytest
from pydantic import ValidationError

from usersnack.settings import Settings


@pytest.fixture(autouse=True)
def _no_process_settings(monkeypatch):
    """These tests read only what they pass, not what the test session put in the environment."""
    for name in (
        "DATABASE_URL",
        "POSTGRES_HOST",
        "SERVE_MEDIA",
        "CORS_ORIGINS",
        "ADMIN_API_KEY",
        "ORDER_RATE_LIMIT",
        "REDIS_URL",
    ):
        monkeypatch.delenv(name, raising=False)


STRONG_KEY = "9f2c4e7a1b3d5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6"


def production(**values: object) -> Settings:
    values.setdefault("database_url", "postgresql://app:Zq8vR2mT7wK4@db:5432/usersnack")
    return Settings(_env_file=None, environment="production", **values)


def test_database_url_forms():
    settings = Settings(_env_file=None, database_url="postgres://u:p%40ss@h:6543/d")
    assert settings.database_credentials() == {
        "host": "h",
        "port": 6543,
        "user": "u",
        "password": "p@ss",
        "database": "d",
    }
    socket = Settings(_env_file=None, database_url="postgresql://postgres@/d?host=/tmp/s&port=5")
    assert socket.database_credentials()["host"] == "/tmp/s"
    with pytest.raises(ValidationError):
        Settings(_env_file=None, database_url="mysql://x@y/z")


def test_postgres_parts_when_no_url():
    settings = Settings(_env_file=None, postgres_host="db", postgres_password="pw")
    assert settings.database_credentials()["host"] == "db"


def test_production_accepts_real_secrets():
    settings = production(admin_api_key=STRONG_KEY, cors_origins="https://shop.example.org")
    assert settings.allowed_origins == ["https://shop.example.org"]
    assert not settings.media_enabled


@pytest.mark.parametrize(
    "values",
    [
        {"admin_api_key": "short"},
        {"admin_api_key": "change-me-" + "x" * 40},
        {"cors_origins": "*"},
        {"database_url": "postgresql://app:change-me@db/usersnack"},
        {"database_url": None, "postgres_host": "db", "postgres_password": ""},
    ],
)
def test_production_refuses_insecure_values(values):
    with pytest.raises(ValidationError):
        production(**values)


def test_development_defaults():
    settings = Settings(_env_file=None)
    assert settings.allowed_origins == ["http://localhost:5173", "http://127.0.0.1:5173"]
    assert settings.media_enabled
    assert Settings(_env_file=None, cors_origins='["http://a", "http://b"]').cors_origins == [
        "http://a",
        "http://b",
    ]


def test_a_blank_admin_key_turns_the_admin_api_off():
    assert Settings(_env_file=None, admin_api_key="   ").admin_api_key is None
    assert Settings(_env_file=None, admin_api_key="k").admin_api_key.get_secret_value() == "k"


def test_order_rate_limit_is_off_in_development_and_on_in_production():
    assert Settings(_env_file=None).effective_order_rate_limit is None
    assert production().effective_order_rate_limit == "30/minute"
    assert production(order_rate_limit="0").effective_order_rate_limit is None
    assert production(order_rate_limit="").effective_order_rate_limit == "30/minute"
    limited = Settings(_env_file=None, order_rate_limit="5/second;100/hour")
    assert limited.effective_order_rate_limit == "5/second;100/hour"


@pytest.mark.parametrize(
    "values",
    [{"order_rate_limit": "lots"}, {"order_rate_limit": "5 per fortnight"}, {"redis_url": "x"}],
)
def test_rate_limit_settings_are_checked(values):
    with pytest.raises(ValidationError):
        Settings(_env_file=None, **values)


def test_the_pool_wait_reaches_the_engine():
    settings = Settings(
        _env_file=None, database_url="postgresql://u@h/d", db_pool_acquire_timeout=3
    )
    connection = settings.tortoise_config()["connections"]["default"]
    assert connection["engine"] == "usersnack.db_engine"
    assert connection["credentials"]["acquire_timeout"] == 3
