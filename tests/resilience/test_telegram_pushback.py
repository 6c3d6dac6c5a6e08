"""Telegram pushes back: flood control (429 `retry_after`) and "message is not modified".

A real aiogram Bot talks HTTP to the fake Bot API server; the real Dispatcher (with
aiogram-dialog's real MessageManager) polls it. Failures are injected with
`server.fail_next(...)`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramRetryAfter
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.errors import TEMPORARY_FAILURE_TEXT, UNEXPECTED_FAILURE_TEXT
from tests.fakes.telegram_server import (
    FakeTelegramServer,
    telegram_server,  # noqa: F401 - the fixture
)
from tests.resilience.support import LiveBot, LiveChat, http_bot, new_user_id
from tests.support.harness import make_settings
from trainer_bot.app import StateBackend, create_bot, create_state_backend
from trainer_bot.telegram_retry import TelegramRetryMiddleware

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of a message"
)
FAILURE_TEXTS = (UNEXPECTED_FAILURE_TEXT, TEMPORARY_FAILURE_TEXT)


@pytest.fixture
def state(redis: Redis, redis_prefix: str) -> StateBackend:
    return create_state_backend(redis, shared_locks=True, key_prefix=redis_prefix)


@pytest.fixture
async def live(
    telegram_server: FakeTelegramServer,  # noqa: F811
    res_session_factory: async_sessionmaker[AsyncSession],
    state: StateBackend,
) -> AsyncIterator[LiveBot]:
    settings = make_settings(bot_token=telegram_server.token, telegram_api_url=telegram_server.url)
    bot = create_bot(settings)  # the real one: with the retry middleware
    async with LiveBot.build(
        telegram_server, bot, res_session_factory, state, settings=settings
    ) as running:
        yield running


def failures_seen(chat: LiveChat) -> list[str]:
    """Failure texts the user saw: in messages or in callback alerts."""
    seen = [text for text in chat.texts() if text in FAILURE_TEXTS]
    answers = chat.server.callback_answers.values()
    return seen + [a["text"] for a in answers if a["text"] in FAILURE_TEXTS]


def statuses(server: FakeTelegramServer, method: str) -> list[int]:
    return [call.status for call in server.calls_of(method)]


async def test_baseline_aiogram_alone_turns_a_429_into_a_failure_for_the_user(
    telegram_server: FakeTelegramServer,  # noqa: F811
    res_session_factory: async_sessionmaker[AsyncSession],
    state: StateBackend,
) -> None:
    """Why the retry middleware exists: without it a single 429 loses the greeting."""
    async with LiveBot.build(
        telegram_server, http_bot(telegram_server), res_session_factory, state
    ) as live:
        chat = LiveChat(live, new_user_id())
        telegram_server.fail_next("sendMessage", status=429, retry_after=1)
        # The video note, then the failure text instead of the greeting.
        await chat.say("/start", UNEXPECTED_FAILURE_TEXT, new_messages=2)
    assert not any("Привет" in text for text in chat.texts())
    assert statuses(telegram_server, "sendMessage") == [429, 200]


async def test_flood_control_on_send_is_waited_out_and_the_message_arrives(
    live: LiveBot,
) -> None:
    chat = LiveChat(live, new_user_id())
    live.server.fail_next("sendMessage", status=429, retry_after=1)
    greeting = await chat.say("/start", "Привет, Иван", new_messages=2)  # video note, greeting
    assert "🚀 Начать" in [button.text for button in greeting.buttons]
    assert failures_seen(chat) == []
    refused, delivered = live.server.calls_of("sendMessage")[:2]
    assert (refused.status, delivered.status) == (429, 200)
    assert delivered.at - refused.at >= 0.9, "retried before retry_after passed"


async def test_flood_control_on_edit_is_waited_out(live: LiveBot) -> None:
    chat = LiveChat(live, new_user_id())
    await chat.say("/start", "Привет", new_messages=2)  # the video note, the greeting
    live.server.fail_next("editMessageText", status=429, retry_after=1)
    await chat.press("🚀 Начать", "Укажи пол")
    assert statuses(live.server, "editMessageText") == [429, 200]
    assert failures_seen(chat) == []


async def test_message_is_not_modified_is_ignored(
    live: LiveBot, caplog: pytest.LogCaptureFixture
) -> None:
    chat = LiveChat(live, new_user_id())
    await chat.say("/start", "Привет", new_messages=2)  # the video note, the greeting
    live.server.fail_next("editMessageText", status=400, description=NOT_MODIFIED)
    with caplog.at_level(logging.WARNING):
        query_id = await live.server.click_button(chat.user_id, "🚀 Начать")
        await live.server.wait_for("answerCallbackQuery")
        await live.server.wait_idle(quiet=0.2)
    assert query_id in live.server.callback_answers, "the press was never answered"
    assert failures_seen(chat) == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    # The bot carries on: the wizard is where the press took it.
    await chat.say("/start", "Укажи пол", new_messages=2)  # "Продолжим анкету", the step
    await chat.press("👨 Мужской", "Сколько тебе лет")
    assert failures_seen(chat) == []


# --- the middleware on its own, against the same server ------------------------------------


class RecordedSleep:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture
async def bare_bot(
    telegram_server: FakeTelegramServer,  # noqa: F811
) -> AsyncIterator[tuple[Bot, RecordedSleep, int]]:
    user_id = new_user_id()
    await telegram_server.send_text(user_id, "привет")  # the chat exists
    sleep = RecordedSleep()
    bot = http_bot(telegram_server)
    bot.session.middleware(TelegramRetryMiddleware(sleep=sleep))
    try:
        yield bot, sleep, user_id
    finally:
        await bot.session.close()


def retry_log(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "trainer_bot.telegram_retry"]


async def test_retry_twice_then_deliver(
    bare_bot: tuple[Bot, RecordedSleep, int],
    telegram_server: FakeTelegramServer,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot, sleep, user_id = bare_bot
    telegram_server.fail_next("sendMessage", times=2, status=429, retry_after=2)
    with caplog.at_level(logging.INFO):
        await bot.send_message(user_id, "Тренировка готова")
    assert sleep.delays == [2, 2]
    assert telegram_server.last_message(user_id).text == "Тренировка готова"
    assert [r.levelno for r in retry_log(caplog)] == [logging.INFO, logging.INFO]


async def test_give_up_after_two_retries_with_one_log_line(
    bare_bot: tuple[Bot, RecordedSleep, int],
    telegram_server: FakeTelegramServer,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot, sleep, user_id = bare_bot
    telegram_server.fail_next("sendMessage", times=3, status=429, retry_after=1)
    with caplog.at_level(logging.WARNING), pytest.raises(TelegramRetryAfter):
        await bot.send_message(user_id, "раз")
    assert sleep.delays == [1, 1]
    assert len(retry_log(caplog)) == 1 and "giving up" in retry_log(caplog)[0].getMessage()


async def test_a_long_wait_is_not_waited(
    bare_bot: tuple[Bot, RecordedSleep, int],
    telegram_server: FakeTelegramServer,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    bot, sleep, user_id = bare_bot
    telegram_server.fail_next("sendMessage", status=429, retry_after=30)
    started = time.monotonic()
    with caplog.at_level(logging.WARNING), pytest.raises(TelegramRetryAfter):
        await bot.send_message(user_id, "раз")
    assert sleep.delays == [] and time.monotonic() - started < 1
    assert len(retry_log(caplog)) == 1


async def test_a_draft_429_is_left_to_the_draft_presenter(
    bare_bot: tuple[Bot, RecordedSleep, int],
    telegram_server: FakeTelegramServer,  # noqa: F811
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A stale draft is not re-sent: the presenter waits and sends the newest one."""
    bot, sleep, user_id = bare_bot
    telegram_server.fail_next("sendMessageDraft", status=429, retry_after=1)
    with pytest.raises(TelegramRetryAfter):
        await bot.send_message_draft(user_id, draft_id=5, text="Жим")
    assert sleep.delays == [] and retry_log(caplog) == []
    assert len(telegram_server.calls_of("sendMessageDraft")) == 1


async def test_other_errors_are_not_retried(
    bare_bot: tuple[Bot, RecordedSleep, int],
    telegram_server: FakeTelegramServer,  # noqa: F811
) -> None:
    bot, sleep, user_id = bare_bot
    telegram_server.fail_next("sendMessage", status=400, description=NOT_MODIFIED)
    with pytest.raises(Exception, match="message is not modified"):
        await bot.send_message(user_id, "раз")
    assert sleep.delays == [] and statuses(telegram_server, "sendMessage") == [400]


async def test_create_bot_retries_flood_control() -> None:
    bot = create_bot(make_settings())
    try:
        assert any(isinstance(m, TelegramRetryMiddleware) for m in bot.session.middleware)
    finally:
        await bot.session.close()
