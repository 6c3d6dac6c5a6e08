"""All configuration in one place: environment variables and `.env`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import AnyHttpUrl, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "data" / "trainer_bot.sqlite3"

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
BotMode = Literal["polling", "webhook"]
# Telegram's `secret_token` of setWebhook: 1-256 characters, A-Z, a-z, 0-9, _ and -.
WEBHOOK_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")


def normalize_database_url(url: str) -> str:
    """Pick the async driver for plain URLs such as the seed's `postgresql://...`."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError("DATABASE_URL must look like postgresql://user:pass@host:5432/db")
    async_drivers = {
        "postgres": "postgresql+asyncpg",
        "postgresql": "postgresql+asyncpg",
        "postgresql+psycopg2": "postgresql+asyncpg",
        "sqlite": "sqlite+aiosqlite",
    }
    scheme = async_drivers.get(scheme, scheme)
    if scheme not in {"postgresql+asyncpg", "sqlite+aiosqlite"}:
        raise ValueError("DATABASE_URL must be a postgresql:// or sqlite:// URL")
    return f"{scheme}://{rest}"


class DatabaseSettings(BaseSettings):
    """What migrations need: the database alone, so `make migrate` needs no bot token."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", case_sensitive=False
    )

    database_url: str = f"sqlite+aiosqlite:///{DEFAULT_SQLITE_PATH}"

    @field_validator("database_url")
    @classmethod
    def _database_driver(cls, value: str) -> str:
        return normalize_database_url(value.strip())


class Settings(DatabaseSettings):
    bot_token: SecretStr
    redis_url: str | None = None
    telegram_api_url: AnyHttpUrl | None = None

    proxy_api_url: AnyHttpUrl = AnyHttpUrl("https://api.proxyapi.ru/openai/v1")
    proxy_api_key: SecretStr | None = None
    llm_model: str = "gpt-4o-mini"
    # Per HTTP attempt; well under the total budget so a timed-out attempt can be retried.
    llm_timeout_seconds: float = Field(default=20.0, gt=0, le=300)
    llm_total_budget_seconds: float = Field(default=45.0, gt=0, le=600)
    llm_max_completion_tokens: int = Field(default=1200, ge=200, le=16000)
    # Prices in USD per 1M tokens, used only to estimate the cost in logs.
    llm_input_price_per_mtok: float = Field(default=0.15, ge=0)
    llm_output_price_per_mtok: float = Field(default=0.60, ge=0)
    # Stream the answer (server-sent events) and show the workout in a Telegram draft as
    # it is written; a proxy that does not stream turns it off for the process by itself.
    llm_stream: bool = True

    workout_cooldown_hours: float = Field(default=12, ge=0, le=24 * 14)
    timezone: str = "Europe/Moscow"
    # Workout jobs (trainer_bot/services/workout_jobs.py): the owner heartbeats every
    # `heartbeat` seconds; a job silent for `stale` seconds is taken over by any process's
    # sweeper, which looks every `sweep` seconds. The composing screen says the coach needs
    # longer after `slow_notice` seconds.
    workout_job_heartbeat_seconds: float = Field(default=3.0, gt=0, le=60)
    workout_job_stale_seconds: float = Field(default=10.0, gt=0, le=600)
    workout_job_sweep_seconds: float = Field(default=5.0, gt=0, le=600)
    workout_slow_notice_seconds: float = Field(default=10.0, gt=0, le=600)
    # Reminders (trainer_bot/services/reminder_sender.py): every process looks for due
    # reminders every `sweep` seconds and all processes together send at most `rate` a
    # second (Telegram allows about 30 messages a second per bot).
    reminder_sweep_seconds: float = Field(default=30.0, gt=0, le=3600)
    reminder_rate_per_second: float = Field(default=25.0, gt=0, le=30)

    # Per-user rate limit (token bucket): `throttle_burst` updates at once, refilled at
    # `throttle_rate` per second. 0 turns it off (load tests, scripted clients).
    throttle_burst: int = Field(default=8, ge=0, le=10_000)
    throttle_rate: float = Field(default=2.0, gt=0, le=10_000)

    log_level: LogLevel = "INFO"
    log_file: Path | None = PROJECT_ROOT / "logs" / "trainer_bot.log"

    # How updates arrive: long polling (default) or a webhook served by aiohttp.
    bot_mode: BotMode = "polling"
    webhook_url: AnyHttpUrl | None = None  # the public HTTPS URL Telegram POSTs updates to
    webhook_secret: SecretStr | None = None  # Telegram's secret_token, checked on every POST
    webhook_host: str = "0.0.0.0"  # the listen address (all interfaces, as in a container)
    webhook_port: int = Field(default=8080, ge=1, le=65535)
    webhook_path: str = "/telegram/webhook"

    @field_validator("bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value().strip()
        bot_id, sep, secret = token.partition(":")
        if not (sep and bot_id.isdigit() and len(secret) >= 10):
            raise ValueError("does not look like 123456789:ABC... (copy it from @BotFather)")
        return SecretStr(token)

    @field_validator("redis_url", "proxy_api_key", "telegram_api_url", "log_file", mode="before")
    @classmethod
    def _empty_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("redis_url")
    @classmethod
    def _redis_scheme(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("REDIS_URL must look like redis://localhost:6379/0")
        return value

    @field_validator("bot_mode", mode="before")
    @classmethod
    def _lower_mode(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @field_validator("webhook_url", "webhook_secret", mode="before")
    @classmethod
    def _empty_webhook_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("webhook_url")
    @classmethod
    def _webhook_https(cls, value: AnyHttpUrl | None) -> AnyHttpUrl | None:
        if value is not None and value.scheme != "https":
            raise ValueError(
                "must start with https:// (Telegram delivers webhooks over HTTPS only)"
            )
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret_shape(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not WEBHOOK_SECRET_RE.fullmatch(value.get_secret_value()):
            raise ValueError(
                "must be 1-256 characters of A-Z, a-z, 0-9, _ and - "
                "(generate one with: openssl rand -hex 32)"
            )
        return value

    @field_validator("webhook_path")
    @classmethod
    def _webhook_path_shape(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith("/") or any(char.isspace() for char in value):
            raise ValueError("must be a URL path such as /telegram/webhook")
        return value

    @model_validator(mode="after")
    def _webhook_settings_complete(self) -> Settings:
        if self.bot_mode != "webhook":
            return self
        missing = [
            name
            for name, value in (
                ("WEBHOOK_URL", self.webhook_url),
                ("WEBHOOK_SECRET", self.webhook_secret),
            )
            if value is None
        ]
        if missing:
            raise ValueError(
                f"BOT_MODE=webhook needs {' and '.join(missing)}: WEBHOOK_URL is the public "
                "https:// address Telegram sends updates to, WEBHOOK_SECRET a random string "
                "(openssl rand -hex 32) that Telegram sends back with every update"
            )
        return self


def describe_settings_error(error: Exception) -> str:
    """One readable line per problem, without echoing secret values."""
    from pydantic import ValidationError

    if not isinstance(error, ValidationError):
        return f"Configuration error: {error}"
    problems = []
    for item in error.errors():
        name = ".".join(str(part) for part in item["loc"]).upper()
        if name == "BOT_TOKEN" and item["type"] == "missing":
            problems.append(
                "BOT_TOKEN is not set: create a bot with @BotFather in Telegram (/newbot), "
                "then put BOT_TOKEN=<token> into .env"
            )
        else:
            message = item["msg"].removeprefix("Value error, ")
            problems.append(f"{name}: {message}" if name else message)
    return "Configuration error: " + "; ".join(problems)
