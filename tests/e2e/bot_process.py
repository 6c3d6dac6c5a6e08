"""The real bot (`python -m trainer_bot run`) as a subprocess, against fake servers.

`e2e_bot` starts a fake Telegram Bot API server and a fake OpenAI-compatible server in the
test's event loop, then the bot process pointed at them, at the migrated test database
(`database_url`) and at a dedicated Redis db index; it yields once the bot is polling.

    async def test_x(e2e_bot: E2EBot) -> None:
        user = e2e_bot.new_user("Иван")
        with e2e_bot.process.diagnosed():  # failures carry the bot's stderr and log tail
            await e2e_bot.telegram.send_command(user, "start")
            ...

Teardown sends SIGINT, waits, kills if needed, and deletes only the FSM keys of the users
this test made (`fsm:<chat_id>:<user_id>:...` in the e2e Redis db index).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from redis.asyncio import Redis
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.fakes.openai_server import FakeOpenAIServer, plan_responder
from tests.fakes.telegram_server import FakeTelegramServer
from trainer_bot.config import Settings
from trainer_bot.db.models import TelegramFile
from trainer_bot.services.welcome import WELCOME_FILE_KEY

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# The bot keeps its own key prefix ("fsm"), so e2e runs get a Redis db index of their own.
E2E_REDIS_URL = os.environ.get("TEST_E2E_REDIS_URL", "redis://127.0.0.1:6379/14")
FSM_PREFIX = "fsm"
FAKE_PROXY_API_KEY = "sk-e2e-fake-proxy-key-0123456789abcdef"
START_TIMEOUT = 90.0  # a ceiling: importing aiogram alone can take ~8 s of CPU
STOP_TIMEOUT = 10.0
TAIL_LINES = 40
LINE_WIDTH = 400  # aiogram-dialog DEBUG lines repr whole Chat objects


def bot_env(**values: str | Path | None) -> dict[str, str]:
    """os.environ without any setting the bot reads (a developer's real BOT_TOKEN,
    DATABASE_URL, ...), plus `values` (upper-cased names; None leaves a variable unset)."""
    settings_names = {name.lower() for name in Settings.model_fields}
    env = {key: value for key, value in os.environ.items() if key.lower() not in settings_names}
    env["PYTHONUNBUFFERED"] = "1"
    # Scripted users answer every screen within milliseconds, far above a human's rate:
    # a generous limit keeps throttling switched on without tripping it.
    env["THROTTLE_BURST"] = "100"
    # The fakes live on 127.0.0.1: never route them through a proxy from the environment.
    for name in ("NO_PROXY", "no_proxy"):
        env[name] = ",".join(filter(None, [env.get(name), "127.0.0.1", "localhost"]))
    for name, value in values.items():
        if value is not None:
            env[name.upper()] = str(value)
    return env


# Loaded here, not in the child: a forked child must not import (the import lock may be
# held by another thread at fork time).
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None
_PR_SET_PDEATHSIG = 1


def _child_setup(niceness: int) -> Callable[[], None]:
    def setup() -> None:  # pragma: no cover - runs in the child between fork and exec
        if niceness:
            os.nice(niceness)
        if _LIBC is not None:
            # The bot gets SIGTERM if pytest dies, instead of polling a dead fake forever.
            _LIBC.prctl(_PR_SET_PDEATHSIG, int(signal.SIGTERM))

    return setup


@dataclass(frozen=True)
class FinishedRun:
    returncode: int
    stdout: str
    stderr: str
    log: str


@dataclass
class BotProcess:
    """A started bot process; stdout and stderr go to files (no pipe to fill up)."""

    popen: subprocess.Popen[bytes]
    stderr_path: Path
    stdout_path: Path
    log_file: Path | None

    @classmethod
    def start(
        cls, env: Mapping[str, str], workdir: Path, *, cwd: Path = PROJECT_ROOT, niceness: int = 0
    ) -> BotProcess:
        """Start the bot; `niceness` > 0 yields the CPU to the other processes (the
        start-up alone costs seconds of CPU importing aiogram)."""
        workdir.mkdir(parents=True, exist_ok=True)
        stderr_path, stdout_path = workdir / "bot.stderr", workdir / "bot.stdout"
        log_file = env.get("LOG_FILE")
        # Popen in the event loop thread: PDEATHSIG follows the thread that forked.
        with stderr_path.open("wb") as stderr, stdout_path.open("wb") as stdout:
            popen = subprocess.Popen(
                [sys.executable, "-m", "trainer_bot", "run"],
                cwd=cwd,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                preexec_fn=_child_setup(niceness),
            )
        return cls(popen, stderr_path, stdout_path, Path(log_file) if log_file else None)

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def returncode(self) -> int | None:
        return self.popen.poll()

    def stderr_text(self) -> str:
        return _read(self.stderr_path)

    def stdout_text(self) -> str:
        return _read(self.stdout_path)

    def log_text(self) -> str:
        return _read(self.log_file) if self.log_file is not None else ""

    def diagnostics(self, lines: int = TAIL_LINES) -> str:
        """The tail of stderr (which also carries every log record) and stdout; the log
        file only when it says something stderr does not."""
        state = "running" if self.returncode is None else f"exited with {self.returncode}"
        parts = [f"--- bot process {self.pid}: {state} ---"]
        stderr, log = self.stderr_text(), self.log_text()
        sources = [("stderr", stderr), ("stdout", self.stdout_text())]
        if log.strip() and log.strip() not in stderr:
            sources.append((f"log {self.log_file}", log))
        for title, text in sources:
            if text.strip():
                tail = [
                    line if len(line) <= LINE_WIDTH else line[:LINE_WIDTH] + " [...]"
                    for line in text.rstrip().splitlines()[-lines:]
                ]
                parts.append(f"--- {title} (last {lines} lines) ---\n" + "\n".join(tail))
        return "\n".join(parts)

    @contextlib.contextmanager
    def diagnosed(self) -> Iterator[None]:
        """Re-raise a failed assertion (or a lookup/timeout) with the bot's output tail."""
        try:
            yield
        except (AssertionError, LookupError, TimeoutError) as error:
            raise AssertionError(
                f"{type(error).__name__}: {error}\n{self.diagnostics()}"
            ) from error

    async def wait_exit(self, timeout: float) -> int | None:  # noqa: ASYNC109
        """The exit code, or None if the process is still running after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:  # poll(): no child watcher, works with any event loop
            code = self.returncode
            if code is not None or time.monotonic() >= deadline:
                return code
            await asyncio.sleep(0.05)

    def set_niceness(self, niceness: int) -> None:
        """Change the CPU priority (lowering it back may need privileges: best effort)."""
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, self.pid, niceness)

    async def finished(self, timeout: float = START_TIMEOUT) -> FinishedRun:  # noqa: ASYNC109
        """Wait for the process to exit by itself (a start-up failure); its output."""
        code = await self.wait_exit(timeout)
        if code is None:
            await self.stop()
            raise AssertionError(
                f"the bot did not exit within {timeout:.0f}s\n{self.diagnostics()}"
            )
        return FinishedRun(code, self.stdout_text(), self.stderr_text(), self.log_text())

    async def stop(self, timeout: float = STOP_TIMEOUT) -> tuple[int, bool]:  # noqa: ASYNC109
        """SIGINT (Ctrl+C), wait, then SIGKILL; returns (exit code, whether it was killed)."""
        if self.returncode is None:
            self.popen.send_signal(signal.SIGINT)
        code = await self.wait_exit(timeout)
        if code is not None:
            return code, False
        self.popen.kill()
        return await asyncio.to_thread(self.popen.wait), True


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return ""


async def fsm_keys(redis_url: str, user_ids: set[int]) -> list[str]:
    """`fsm:<chat_id>:<user_id>:...` keys of these users (private chats: both ids match)."""
    wanted = {str(user_id) for user_id in user_ids}
    client = Redis.from_url(redis_url)
    try:
        found = []
        async for raw in client.scan_iter(match=f"{FSM_PREFIX}:*", count=1000):
            key = raw.decode()
            parts = key.split(":")
            if len(parts) > 2 and (parts[1] in wanted or parts[2] in wanted):
                found.append(key)
        return found
    finally:
        await client.aclose()


async def delete_fsm_keys(redis_url: str, user_ids: set[int]) -> int:
    """Delete the FSM keys of these users only; returns how many there were."""
    keys = await fsm_keys(redis_url, user_ids) if user_ids else []
    if keys:
        client = Redis.from_url(redis_url)
        try:
            await client.delete(*keys)
        finally:
            await client.aclose()
    return len(keys)


@dataclass
class E2EBot:
    """The running bot and the fakes it talks to."""

    process: BotProcess
    telegram: FakeTelegramServer
    llm: FakeOpenAIServer
    env: dict[str, str]
    user_ids: set[int] = field(default_factory=set)

    @property
    def token(self) -> str:
        return self.telegram.token

    def new_user(self, first_name: str = "Тест") -> int:
        """A fresh Telegram user (random id, so parallel runs never share Redis keys)."""
        while (user_id := random.randint(5_000_000_000, 6_999_999_999)) in self.user_ids:
            pass
        self.user_ids.add(user_id)
        self.telegram.add_user(user_id, first_name=first_name)
        return user_id


@pytest.fixture
async def e2e_bot(
    database_url: str,
    session_factory: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> AsyncIterator[E2EBot]:
    """The real bot polling the fake Telegram server; stopped with SIGINT afterwards.

    `session_factory` (conftest) truncates the per-test tables the bot wrote after the test.
    """
    async with session_factory() as session:  # a file_id from another fake must not be reused
        await session.execute(delete(TelegramFile).where(TelegramFile.key == WELCOME_FILE_KEY))
        await session.commit()
    telegram = await FakeTelegramServer().start()
    llm = await FakeOpenAIServer().start()
    llm.responder = plan_responder
    env = bot_env(
        bot_token=telegram.token,
        database_url=database_url,
        redis_url=E2E_REDIS_URL,
        telegram_api_url=telegram.url,
        proxy_api_url=llm.base_url,
        proxy_api_key=FAKE_PROXY_API_KEY,
        log_file=tmp_path / "logs" / "trainer_bot.log",
        log_level="DEBUG",  # the most verbose logs make the token-leak check meaningful
        workout_cooldown_hours="12",
    )
    process = BotProcess.start(env, tmp_path / "bot")
    bot = E2EBot(process, telegram, llm, env)
    try:
        await _wait_until_polling(bot)
        yield bot
    finally:
        code, killed = await process.stop()
        await delete_fsm_keys(E2E_REDIS_URL, bot.user_ids)
        await llm.stop()
        await telegram.stop()
    assert not killed, f"the bot ignored SIGINT for {STOP_TIMEOUT:.0f}s\n{process.diagnostics()}"
    assert code == 0, f"the bot exited with {code} after SIGINT\n{process.diagnostics()}"
    assert not telegram.internal_errors, "the fake Telegram server failed:\n" + "\n".join(
        telegram.internal_errors
    )


async def _wait_until_polling(bot: E2EBot) -> None:
    polling = asyncio.ensure_future(bot.telegram.wait_polling(timeout=START_TIMEOUT))
    try:
        while not polling.done():
            if bot.process.returncode is not None:
                raise AssertionError(f"the bot exited during start-up\n{bot.process.diagnostics()}")
            await asyncio.wait({polling}, timeout=0.05)
        polling.result()
    except AssertionError as error:
        if "--- bot process" in str(error):
            raise
        raise AssertionError(f"{error}\n{bot.process.diagnostics()}") from error
    finally:
        polling.cancel()
