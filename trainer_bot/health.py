"""Health checks: `python -m trainer_bot check` and the webhook server's `/healthz`.

`run_checks(settings)` answers, one `CheckResult` per item, whether the database (reachable,
schema current), Redis, Telegram (getMe with BOT_TOKEN) and the LLM endpoint (GET /models
with PROXY_API_KEY) work. Every check is bounded by a short timeout and turns any failure
into one readable line; no line carries a secret (URLs are shown with passwords masked,
and `redact` is the last line of defence).

`service_status(engine, redis)` is the cheap probe behind `/healthz`: SELECT 1 and PING.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from redis.asyncio import Redis
from redis.exceptions import AuthenticationError, RedisError
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from trainer_bot.config import Settings
from trainer_bot.db.engine import create_engine
from trainer_bot.db.migrations import pending_migrations

# Re-exported: the `check` command and the start-up probe redact with it.
from trainer_bot.redaction import redact as redact

logger = logging.getLogger(__name__)

CHECK_TIMEOUT = 5.0  # seconds for one network step of a check
PROBE_TIMEOUT = 3.0  # seconds for each /healthz probe
TELEGRAM_API = "https://api.telegram.org"
MIGRATE_HINT = "run `python -m trainer_bot migrate` (with Docker Compose: docker compose up -d)"

# Shorter values are not blanked out of text: they would mangle ordinary words.
MIN_REDACTED_LENGTH = 8

OK = "ok"
DISABLED = "disabled"
UNAVAILABLE = "unavailable"


@dataclass(frozen=True, slots=True)
class CheckResult:
    name: str
    ok: bool
    message: str

    def line(self) -> str:
        return f"{self.name}: {self.message}"


# --- secrets ---------------------------------------------------------------------------


def settings_secrets(settings: Settings) -> list[str]:
    """The secrets to blank out of logs and output: the token, the ProxyAPI key and the
    webhook secret. Database and Redis passwords are not here: URLs are shown through
    `hide_password`, and a short password such as "trainer" would mangle every line."""
    found = [settings.bot_token.get_secret_value()]
    for secret in (settings.proxy_api_key, settings.webhook_secret):
        if secret is not None:
            found.append(secret.get_secret_value())
    return [value for value in found if len(value) >= MIN_REDACTED_LENGTH]


def hide_password(url: str) -> str:
    """The URL with its password (if any) shown as ***."""
    parts = urlsplit(url)
    if not parts.password:
        return url
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def _reason(error: BaseException) -> str:
    """One line about an exception: the driver's own error, not SQLAlchemy's wrapper."""
    if isinstance(error, DBAPIError) and error.orig is not None:
        error = error.orig
    if isinstance(error, TimeoutError) and not str(error):
        return "no answer in time"
    words = " ".join(str(error).split())
    if len(words) > 200:
        words = words[:197] + "..."
    name = type(error).__name__
    return f"{name}: {words}" if words else name


# --- /healthz ----------------------------------------------------------------------------


async def ping_database(engine: AsyncEngine, timeout: float = PROBE_TIMEOUT) -> None:  # noqa: ASYNC109
    async with asyncio.timeout(timeout), engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def ping_redis(redis: Redis, timeout: float = PROBE_TIMEOUT) -> None:  # noqa: ASYNC109
    async with asyncio.timeout(timeout):
        await redis.ping()


async def service_status(engine: AsyncEngine, redis: Redis | None) -> dict[str, str]:
    """{"database": "ok"|"unavailable", "redis": "ok"|"disabled"|"unavailable"}; the
    reasons go to the log only (the answer may be public)."""

    async def database() -> str:
        try:
            await ping_database(engine)
        except Exception as error:  # any failure means "unavailable"
            logger.warning("Health check: the database is unavailable: %s", _reason(error))
            return UNAVAILABLE
        return OK

    async def redis_state() -> str:
        if redis is None:
            return DISABLED
        try:
            await ping_redis(redis)
        except Exception as error:
            logger.warning("Health check: Redis is unavailable: %s", _reason(error))
            return UNAVAILABLE
        return OK

    database_state, redis_result = await asyncio.gather(database(), redis_state())
    return {"database": database_state, "redis": redis_result}


def is_healthy(status: dict[str, str]) -> bool:
    return all(value in (OK, DISABLED) for value in status.values())


# --- `python -m trainer_bot check` -------------------------------------------------------


def check_configuration(settings: Settings) -> CheckResult:
    if settings.bot_mode == "webhook":
        listen = f"{settings.webhook_host}:{settings.webhook_port}{settings.webhook_path}"
        note = "" if settings.redis_url else "; without REDIS_URL run a single replica only"
        return CheckResult(
            "configuration",
            True,
            f"ok (webhook mode: {settings.webhook_url}, listening on {listen}{note})",
        )
    return CheckResult("configuration", True, "ok (polling mode)")


async def check_database(settings: Settings) -> CheckResult:
    url = make_url(settings.database_url)
    shown = url.render_as_string(hide_password=True)
    options: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite":
        database = url.database
        if database and database != ":memory:" and not await asyncio.to_thread(_exists, database):
            return CheckResult(
                "database", False, f"missing: {url.database} does not exist; {MIGRATE_HINT}"
            )
    else:
        options["connect_args"] = {"timeout": CHECK_TIMEOUT}
    engine = create_engine(settings.database_url, **options)
    try:
        async with asyncio.timeout(CHECK_TIMEOUT * 2):
            pending = await pending_migrations(engine)
    except (OSError, TimeoutError) as error:
        return CheckResult("database", False, f"unreachable ({shown}): {_reason(error)}")
    except Exception as error:  # e.g. a wrong password: one readable line
        return CheckResult("database", False, f"cannot connect ({shown}): {_reason(error)}")
    finally:
        await engine.dispose()
    if pending:
        return CheckResult("database", False, f"schema is not up to date ({shown}): {MIGRATE_HINT}")
    return CheckResult("database", True, f"ok ({shown}, schema up to date)")


async def check_redis(settings: Settings) -> CheckResult:
    if not settings.redis_url:
        return CheckResult(
            "redis", True, "disabled: in-memory state (REDIS_URL is not set; lost on restart)"
        )
    shown = hide_password(settings.redis_url)
    client = Redis.from_url(
        settings.redis_url, socket_connect_timeout=CHECK_TIMEOUT, socket_timeout=CHECK_TIMEOUT
    )
    try:
        async with asyncio.timeout(CHECK_TIMEOUT * 2):
            await client.ping()
    except AuthenticationError as error:
        return CheckResult("redis", False, f"authentication failed ({shown}): {_reason(error)}")
    except (RedisError, OSError, TimeoutError) as error:
        return CheckResult("redis", False, f"unreachable ({shown}): {_reason(error)}")
    finally:
        await client.aclose()
    return CheckResult("redis", True, f"ok ({shown})")


async def check_telegram(settings: Settings) -> CheckResult:
    """getMe with BOT_TOKEN at TELEGRAM_API_URL (or api.telegram.org), as the bot calls it."""
    base = str(settings.telegram_api_url or TELEGRAM_API).rstrip("/")
    token = settings.bot_token.get_secret_value()
    # trust_env=False: the bot's aiohttp session ignores HTTP(S)_PROXY as well.
    async with httpx.AsyncClient(timeout=CHECK_TIMEOUT, trust_env=False) as client:
        try:
            response = await client.get(f"{base}/bot{token}/getMe")
        except httpx.HTTPError as error:
            return CheckResult(
                "telegram", False, f"unreachable ({base}): {redact(_reason(error), [token])}"
            )
    body = _json(response)
    description = str(body.get("description") or response.reason_phrase)
    if response.status_code in (401, 404):
        return CheckResult(
            "telegram",
            False,
            f"token rejected ({response.status_code} {description}): copy BOT_TOKEN again "
            "from @BotFather",
        )
    result = body.get("result")
    if response.status_code == 200 and body.get("ok") and isinstance(result, dict):
        return CheckResult("telegram", True, f"ok @{result.get('username')}")
    return CheckResult(
        "telegram", False, f"unexpected answer from {base}: {response.status_code} {description}"
    )


async def check_llm(settings: Settings) -> CheckResult:
    """GET {PROXY_API_URL}/models with PROXY_API_KEY (costs nothing, proves key and URL)."""
    if settings.proxy_api_key is None:
        return CheckResult("llm", True, "disabled: rule-based workouts (PROXY_API_KEY is not set)")
    base = str(settings.proxy_api_url).rstrip("/")
    key = settings.proxy_api_key.get_secret_value()
    headers = {"Authorization": f"Bearer {key}"}
    async with httpx.AsyncClient(timeout=CHECK_TIMEOUT) as client:
        try:
            response = await client.get(f"{base}/models", headers=headers)
        except httpx.HTTPError as error:
            return CheckResult(
                "llm", False, f"unreachable ({base}): {redact(_reason(error), [key])}"
            )
    if response.status_code in (401, 403):
        return CheckResult(
            "llm", False, f"key rejected ({response.status_code} from {base}): check PROXY_API_KEY"
        )
    if response.status_code != 200:
        return CheckResult(
            "llm",
            False,
            f"unexpected answer from {base}/models: {response.status_code} "
            f"{response.reason_phrase} (check PROXY_API_URL)",
        )
    listed = {
        str(item.get("id")) for item in _json(response).get("data") or [] if isinstance(item, dict)
    }
    model = settings.llm_model
    note = f"model {model}" if not listed or model in listed else f"{model} is not listed"
    return CheckResult("llm", True, f"ok ({base}, {note})")


async def run_checks(settings: Settings) -> list[CheckResult]:
    """All checks, run concurrently, reported in a fixed order."""
    remote = await asyncio.gather(
        check_database(settings),
        check_redis(settings),
        check_telegram(settings),
        check_llm(settings),
    )
    return [check_configuration(settings), *remote]


def _exists(path: str) -> bool:
    return Path(path).exists()


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
