"""`python -m trainer_bot check`: one line per item, exit 0 / 1 / 2, no secrets printed.

The subprocess runs point it at a fake Telegram server, a fake `/v1/models` endpoint and
the real Postgres test database and Redis; the single checks are also called directly
for each way a service can fail (a closed port, a wrong token or key, an old schema).
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from tests.e2e.bot_process import PROJECT_ROOT, bot_env
from tests.fakes.telegram_server import DEFAULT_TOKEN, FakeTelegramServer
from tests.fakes.telegram_server import telegram_server as telegram_server  # the fixture
from tests.support.databases import create_postgres_database, drop_postgres_database
from tests.support.harness import make_settings
from trainer_bot.health import (
    check_configuration,
    check_database,
    check_llm,
    check_redis,
    check_telegram,
    hide_password,
    run_checks,
)

REDIS_URL = os.environ.get("TEST_CHECK_REDIS_URL", "redis://127.0.0.1:6379/12")  # PING only
PROXY_KEY = "sk-check-fake-proxy-key-0123456789abcdef"
WEBHOOK_SECRET = "check-webhook-secret-0123456789"
RUN_TIMEOUT = 60.0


class FakeModelsEndpoint:
    """The part of an OpenAI-compatible API that `check` calls: GET /v1/models.

    (tests/fakes/openai_server.py serves only POST /v1/chat/completions.)
    """

    def __init__(self, key: str = PROXY_KEY) -> None:
        self.key = key
        self.port = 0
        self.requests: list[dict[str, str]] = []
        self._runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    async def start(self) -> FakeModelsEndpoint:
        app = web.Application()
        app.router.add_get("/v1/models", self._models)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock).start()
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _models(self, request: web.Request) -> web.Response:
        self.requests.append(dict(request.headers))
        if request.headers.get("Authorization") != f"Bearer {self.key}":
            error = {"message": "Incorrect API key provided", "type": "invalid_request_error"}
            return web.json_response({"error": error}, status=401)
        models = [{"id": name, "object": "model"} for name in ("gpt-4o-mini", "gpt-4o")]
        return web.json_response({"object": "list", "data": models})


@pytest.fixture
async def models_endpoint() -> AsyncIterator[FakeModelsEndpoint]:
    endpoint = await FakeModelsEndpoint().start()
    try:
        yield endpoint
    finally:
        await endpoint.stop()


def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class CheckRun:
    returncode: int
    stdout: str
    stderr: str
    lines: dict[str, str] = field(default_factory=dict)


async def start_cli(command: str, tmp_path: Path, **values: Any) -> asyncio.subprocess.Process:
    """`python -m trainer_bot <command>` with exactly these settings (an empty working
    directory: a developer's .env cannot add any)."""
    env = bot_env(log_file="", **values)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")]))
    workdir = tmp_path / "cwd"
    workdir.mkdir(exist_ok=True)
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "trainer_bot",
        command,
        cwd=workdir,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finish(process: asyncio.subprocess.Process) -> CheckRun:
    try:
        out, err = await asyncio.wait_for(process.communicate(), RUN_TIMEOUT)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise AssertionError(f"the command did not finish within {RUN_TIMEOUT:.0f}s") from None
    assert process.returncode is not None
    return CheckRun(process.returncode, out.decode(), err.decode())


async def run_check(tmp_path: Path, **values: Any) -> CheckRun:
    run = await finish(await start_cli("check", tmp_path, **values))
    for line in run.stdout.splitlines():
        name, _, message = line.partition(": ")
        run.lines[name] = message
    return run


@pytest.fixture(scope="module")
async def unreachable_telegram_run(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[asyncio.subprocess.Process]:
    """`python -m trainer_bot run` with nothing listening at TELEGRAM_API_URL, started
    when the module starts (importing the bot costs seconds of CPU); collected below."""
    process = await start_cli(
        "run",
        tmp_path_factory.mktemp("unreachable_telegram"),
        bot_token=DEFAULT_TOKEN,
        telegram_api_url=f"http://127.0.0.1:{closed_port()}",
        database_url=database_url,
    )
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


@pytest.fixture(scope="module", autouse=True)
def _start_early(unreachable_telegram_run: asyncio.subprocess.Process) -> None:
    """Start the slow subprocess before the first test of the module."""


def assert_no_secrets(run: CheckRun, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in run.stdout + run.stderr, "a secret was printed"


async def test_all_good_exits_0_with_one_ok_line_per_item(
    tmp_path: Path,
    database_url: str,
    telegram_server: FakeTelegramServer,
    models_endpoint: FakeModelsEndpoint,
) -> None:
    run = await run_check(
        tmp_path,
        bot_token=telegram_server.token,
        telegram_api_url=telegram_server.url,
        database_url=database_url,
        redis_url=REDIS_URL,
        proxy_api_url=models_endpoint.base_url,
        proxy_api_key=PROXY_KEY,
        llm_model="gpt-4o-mini",
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert list(run.lines) == ["configuration", "database", "redis", "telegram", "llm"], run.stdout
    assert run.lines["configuration"] == "ok (polling mode)"
    assert run.lines["database"].startswith("ok (postgresql+asyncpg://"), run.stdout
    assert run.lines["database"].endswith("schema up to date)")
    assert run.lines["redis"] == f"ok ({REDIS_URL})"
    assert run.lines["telegram"] == "ok @fake_trainer_bot"
    assert run.lines["llm"] == f"ok ({models_endpoint.base_url}, model gpt-4o-mini)"
    assert not run.stderr.strip(), run.stderr
    assert_no_secrets(run, telegram_server.token.partition(":")[2], PROXY_KEY)
    assert [call.method for call in telegram_server.calls] == ["getMe"]
    assert models_endpoint.requests[-1]["Authorization"] == f"Bearer {PROXY_KEY}"


async def test_problems_exit_1_and_say_what_is_wrong(
    tmp_path: Path, telegram_server: FakeTelegramServer
) -> None:
    """A wrong token, nothing listening for Postgres, Redis and the LLM endpoint."""
    wrong_token = "987654321:WRONG-token-for-the-fake-server"
    db_port, redis_port, llm_port = closed_port(), closed_port(), closed_port()
    run = await run_check(
        tmp_path,
        bot_token=wrong_token,
        telegram_api_url=telegram_server.url,
        database_url=f"postgresql://trainer:db-password-1234@127.0.0.1:{db_port}/trainer_bot",
        redis_url=f"redis://:redis-password-1234@127.0.0.1:{redis_port}/0",
        proxy_api_url=f"http://127.0.0.1:{llm_port}/v1",
        proxy_api_key=PROXY_KEY,
        bot_mode="webhook",
        webhook_url="https://bot.example.com/telegram/webhook",
        webhook_secret=WEBHOOK_SECRET,
    )
    assert run.returncode == 1, run.stdout + run.stderr
    lines = run.lines
    assert lines["configuration"].startswith(
        "ok (webhook mode: https://bot.example.com/telegram/webhook, listening on "
        "0.0.0.0:8080/telegram/webhook"
    ), run.stdout
    assert lines["database"].startswith(
        f"unreachable (postgresql+asyncpg://trainer:***@127.0.0.1:{db_port}/trainer_bot): "
    ), run.stdout
    assert lines["redis"].startswith(f"unreachable (redis://:***@127.0.0.1:{redis_port}/0): ")
    assert lines["telegram"].startswith("token rejected (401 Unauthorized)"), run.stdout
    assert "@BotFather" in lines["telegram"]
    assert lines["llm"].startswith(f"unreachable (http://127.0.0.1:{llm_port}/v1): ")
    assert len(run.stdout.splitlines()) == 5 and "Traceback" not in run.stderr, run.stderr
    assert_no_secrets(
        run, wrong_token.partition(":")[2], PROXY_KEY, WEBHOOK_SECRET, "db-password-1234"
    )
    assert "redis-password-1234" not in run.stdout


async def test_invalid_configuration_exits_2_before_any_check(
    tmp_path: Path, telegram_server: FakeTelegramServer
) -> None:
    invalid, missing = await asyncio.gather(
        run_check(
            tmp_path,
            bot_token=telegram_server.token,
            telegram_api_url=telegram_server.url,
            bot_mode="webhook",
            webhook_url="http://bot.example.com/telegram/webhook",  # not https, no secret
        ),
        run_check(tmp_path, telegram_api_url=telegram_server.url),
    )
    assert invalid.returncode == 2, invalid.stdout + invalid.stderr
    assert len(invalid.stdout.splitlines()) == 1, invalid.stdout
    line = invalid.stdout.strip()
    assert line.startswith("configuration: invalid: "), line
    assert "WEBHOOK_URL: must start with https://" in line
    assert not telegram_server.calls, "checks ran on an invalid configuration"

    assert missing.returncode == 2, missing.stdout + missing.stderr
    assert missing.stdout.startswith("configuration: invalid: BOT_TOKEN is not set")


async def test_run_with_telegram_unreachable_exits_1_with_one_line(
    unreachable_telegram_run: asyncio.subprocess.Process,
) -> None:
    run = await finish(unreachable_telegram_run)
    assert run.returncode == 1, run.stderr
    assert "Traceback" not in run.stderr, run.stderr
    # Log records (stderr carries them too) precede the one line meant for the user.
    plain = [line for line in run.stderr.splitlines() if line.strip() and " - " not in line]
    assert len(plain) == 1, run.stderr
    assert plain[0].startswith("Start-up failed: cannot reach Telegram at http://127.0.0.1:")
    assert plain[0].endswith("check the network, or TELEGRAM_API_URL")
    assert DEFAULT_TOKEN.partition(":")[2] not in run.stderr + run.stdout


# --- the checks one by one, in-process ----------------------------------------------------


async def test_wrong_token_is_rejected(telegram_server: FakeTelegramServer) -> None:
    settings = make_settings(
        bot_token="111111111:another-bot-token-xyz", telegram_api_url=telegram_server.url
    )
    result = await check_telegram(settings)
    assert not result.ok
    assert result.line().startswith("telegram: token rejected (401 Unauthorized)")
    assert "another-bot-token-xyz" not in result.line()

    good = await check_telegram(
        make_settings(bot_token=telegram_server.token, telegram_api_url=telegram_server.url)
    )
    assert good.ok and good.line() == "telegram: ok @fake_trainer_bot"


async def test_unreachable_telegram() -> None:
    port = closed_port()
    result = await check_telegram(make_settings(telegram_api_url=f"http://127.0.0.1:{port}"))
    assert not result.ok
    assert result.message.startswith(f"unreachable (http://127.0.0.1:{port}): ConnectError")


async def test_database_unreachable_old_schema_and_ok(database_url: str) -> None:
    port = closed_port()
    down = await check_database(
        make_settings(database_url=f"postgresql://u:pw-123456@127.0.0.1:{port}/db")
    )
    assert not down.ok and down.message.startswith(
        f"unreachable (postgresql+asyncpg://u:***@127.0.0.1:{port}/db): "
    ), down.message
    assert "pw-123456" not in down.message

    empty_url = await create_postgres_database("trainer_bot_check_empty")
    try:
        old = await check_database(make_settings(database_url=empty_url))
    finally:
        await drop_postgres_database(empty_url)
    assert not old.ok and old.message.startswith("schema is not up to date"), old.message
    assert "python -m trainer_bot migrate" in old.message

    current = await check_database(make_settings(database_url=database_url))
    assert current.ok and current.message.endswith("schema up to date)"), current.message


async def test_sqlite_file_missing_is_reported_without_creating_it(tmp_path: Path) -> None:
    path = tmp_path / "data" / "bot.sqlite3"
    result = await check_database(make_settings(database_url=f"sqlite:///{path}"))
    assert not result.ok and result.message.startswith(f"missing: {path} does not exist")
    assert not path.parent.exists()


async def test_redis_unreachable_disabled_and_ok() -> None:
    port = closed_port()
    down = await check_redis(make_settings(redis_url=f"redis://127.0.0.1:{port}/0"))
    assert not down.ok and down.message.startswith(f"unreachable (redis://127.0.0.1:{port}/0): ")
    disabled = await check_redis(make_settings(redis_url=None))
    assert disabled.ok and disabled.message.startswith("disabled: in-memory state")
    up = await check_redis(make_settings(redis_url=REDIS_URL))
    assert up.ok and up.message == f"ok ({REDIS_URL})"


async def test_llm_key_rejected_unreachable_and_disabled(
    models_endpoint: FakeModelsEndpoint,
) -> None:
    rejected = await check_llm(
        make_settings(proxy_api_url=models_endpoint.base_url, proxy_api_key="sk-wrong-key-000")
    )
    assert not rejected.ok
    assert rejected.message == (
        f"key rejected (401 from {models_endpoint.base_url}): check PROXY_API_KEY"
    )
    port = closed_port()
    down = await check_llm(
        make_settings(proxy_api_url=f"http://127.0.0.1:{port}/v1", proxy_api_key=PROXY_KEY)
    )
    assert not down.ok and down.message.startswith(f"unreachable (http://127.0.0.1:{port}/v1): ")
    wrong_path = await check_llm(
        make_settings(
            proxy_api_url=models_endpoint.base_url.removesuffix("/v1"), proxy_api_key=PROXY_KEY
        )
    )
    assert not wrong_path.ok and "404 Not Found (check PROXY_API_URL)" in wrong_path.message
    unlisted = await check_llm(
        make_settings(
            proxy_api_url=models_endpoint.base_url, proxy_api_key=PROXY_KEY, llm_model="gpt-9"
        )
    )
    assert unlisted.ok and unlisted.message.endswith("gpt-9 is not listed)")
    disabled = await check_llm(make_settings(proxy_api_key=None))
    assert disabled.ok and disabled.message.startswith("disabled: rule-based workouts")


async def test_run_checks_keeps_the_order_and_configuration_line() -> None:
    port = closed_port()
    settings = make_settings(
        database_url=f"postgresql://u@127.0.0.1:{port}/db",
        redis_url=None,
        telegram_api_url=f"http://127.0.0.1:{port}",
        proxy_api_key=None,
    )
    results = await run_checks(settings)
    assert [r.name for r in results] == ["configuration", "database", "redis", "telegram", "llm"]
    assert [r.ok for r in results] == [True, False, True, False, True]
    assert check_configuration(settings).line() == "configuration: ok (polling mode)"


def test_hide_password() -> None:
    assert hide_password("redis://:s3cret@host:6379/0") == "redis://:***@host:6379/0"
    assert hide_password("redis://user:s3cret@host/1") == "redis://user:***@host/1"
    assert hide_password("redis://host:6379/0") == "redis://host:6379/0"
