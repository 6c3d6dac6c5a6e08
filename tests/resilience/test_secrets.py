"""Secrets: after a full run (registration, an LLM workout, an exercise, completion) with
a fake bot token and a fake ProxyAPI key, neither appears in the log file or in anything
the bot sent to Telegram.

The bot runs in this process (real Dispatcher, real aiogram Bot over HTTP to the fake
Telegram server, the real LLM client over HTTP to the fake OpenAI server), with logging set
up exactly as `python -m trainer_bot run` does it, at DEBUG.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.fakes.openai_server import FakeOpenAIServer, openai_server_fixture, plan_responder
from tests.fakes.telegram_server import (
    FakeTelegramServer,
    telegram_server,  # noqa: F401 - the fixture
)
from tests.resilience.support import LiveBot, LiveChat, new_user_id, workouts_of
from tests.support.harness import make_settings
from trainer_bot.app import create_bot, create_state_backend, create_workout_service
from trainer_bot.health import settings_secrets
from trainer_bot.logging_setup import setup_logging

openai_server = openai_server_fixture
FAKE_API_KEY = "sk-resilience-fake-proxy-key-0123456789abcdef"


class RawRecords(logging.Handler):
    """Every record as formatted without redaction: shows what the redactor had to hide."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(name)s - %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {
        name: logging.getLogger(name).level for name in ("httpx", "httpcore", "aiohttp.access")
    }
    try:
        yield
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
            if handler not in handlers:
                handler.close()
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)
        for name, value in levels.items():
            logging.getLogger(name).setLevel(value)


async def test_no_secret_in_the_log_file_or_in_what_the_bot_sent(
    telegram_server: FakeTelegramServer,  # noqa: F811
    openai_server: FakeOpenAIServer,
    res_session_factory: async_sessionmaker[AsyncSession],
    redis: Redis,
    redis_prefix: str,
    tmp_path: Path,
    restore_logging: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    openai_server.responder = plan_responder
    log_file = tmp_path / "logs" / "trainer_bot.log"
    settings = make_settings(
        bot_token=telegram_server.token,
        telegram_api_url=telegram_server.url,
        proxy_api_url=openai_server.base_url,
        proxy_api_key=FAKE_API_KEY,
        log_level="DEBUG",
        log_file=log_file,
    )
    setup_logging(settings.log_level, settings.log_file, settings_secrets(settings))
    raw = RawRecords()
    logging.getLogger().addHandler(raw)

    service, llm_client = create_workout_service(settings, res_session_factory)
    assert llm_client is not None
    bot = create_bot(settings)
    state = create_state_backend(redis, shared_locks=True, key_prefix=redis_prefix)
    try:
        async with LiveBot.build(
            telegram_server, bot, res_session_factory, state, settings=settings, service=service
        ) as live:
            chat = LiveChat(live, new_user_id())
            await chat.register()
            # Streamed: the workout comes as a new message, replacing its draft.
            workout = await chat.press("🏋️ Получить тренировку", "Разминка", new_messages=1)
            first = next(b.text for b in workout.buttons if b.text.startswith("1. "))
            await chat.press(first, "Как выполнять")
            await chat.press("◀️ К тренировке", "Разминка")
            await chat.press("✅ Завершить тренировку", "Отличная работа")
            await chat.say("/profile", "Твой профиль")
    finally:
        await llm_client.aclose()
        for handler in logging.getLogger().handlers:
            handler.flush()

    (saved,) = await workouts_of(res_session_factory, chat.user_id)
    assert saved.status == "completed"
    assert openai_server.requests, "the LLM was never called"
    assert FAKE_API_KEY in openai_server.requests[0].headers.get("Authorization", "")

    token = telegram_server.token
    secrets = {
        "bot token": token,
        "bot token secret": token.partition(":")[2],
        "API key": FAKE_API_KEY,
    }
    log_text = log_file.read_text(encoding="utf-8")
    assert "llm" in log_text.lower(), "the log says nothing about the workout"
    assert len(log_text.splitlines()) > 50, "the DEBUG log is suspiciously short"
    for name, secret in secrets.items():
        assert secret not in log_text, f"the {name} is in the log file"
    for call in telegram_server.calls:
        sent = json.dumps(call.params, ensure_ascii=False, default=str)
        for name, secret in secrets.items():
            assert secret not in sent, f"the {name} was sent to Telegram in {call.method}"
        for upload in call.files.values():
            assert all(secret.encode() not in upload.data for secret in secrets.values())

    redacted_away = [line[:160] for line in raw.lines if any(s in line for s in secrets.values())]
    with capsys.disabled():
        print(
            f"\n[secrets] {len(log_text.splitlines())} log lines, none with a secret; "
            f"{len(redacted_away)} records carried one before redaction"
            + "".join(f"\n  {line}" for line in redacted_away[:5])
        )
