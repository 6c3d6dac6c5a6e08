"""Webhook mode in-process: the aiohttp app of `trainer_bot.runners.webhook` on aiohttp's
test server.

The real application (`build_application`: Postgres test database, Redis, dialogs) talks to
the fake Telegram server; updates are POSTed to the webhook endpoint the way Telegram
posts them, with (or without) the secret-token header.
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.e2e.bot_process import delete_fsm_keys
from tests.fakes.telegram_server import ChatMessage, FakeTelegramServer
from tests.fakes.telegram_server import telegram_server as telegram_server  # the fixture
from tests.support.harness import make_settings
from trainer_bot.app import Application, StartupError, build_application
from trainer_bot.config import Settings
from trainer_bot.db.engine import create_engine
from trainer_bot.db.models import TelegramFile
from trainer_bot.middlewares.throttling import THROTTLED_TEXT
from trainer_bot.runners.webhook import (
    HEALTH_PATH,
    SECRET_HEADER,
    create_webhook_app,
    register_webhook,
    run_webhook,
)
from trainer_bot.services.welcome import WELCOME_FILE_KEY

# A Redis db index of its own: the bot keeps its fixed "fsm" key prefix.
REDIS_URL = os.environ.get("TEST_WEBHOOK_REDIS_URL", "redis://127.0.0.1:6379/12")
SECRET = "webhook-test-secret_0123456789-abcdef"
WEBHOOK_URL = "https://bot.example.com/telegram/webhook"
PATH = "/telegram/webhook"
STEP_TIMEOUT = 5.0


def webhook_settings(telegram: FakeTelegramServer, database_url: str, **extra: Any) -> Settings:
    return make_settings(
        bot_token=telegram.token,
        telegram_api_url=telegram.url,
        database_url=database_url,
        redis_url=REDIS_URL,
        bot_mode="webhook",
        webhook_url=WEBHOOK_URL,
        webhook_secret=SECRET,
        webhook_path=PATH,
        **{"throttle_burst": 100, **extra},  # scripted users are faster than any human
    )


def latest_update(telegram: FakeTelegramServer) -> dict[str, Any]:
    """The update the fake just made for a user action (nobody polls in webhook mode)."""
    return max(telegram.pending_updates, key=lambda update: update["update_id"])


async def wait_message(
    telegram: FakeTelegramServer, user_id: int, expected: str, *, newer_than: int = 0
) -> ChatMessage:
    deadline = time.monotonic() + STEP_TIMEOUT
    while True:
        message = telegram.last_message(user_id)
        if message and message.message_id > newer_than and expected in (message.text or ""):
            return message
        if time.monotonic() > deadline:
            recent = "\n  ".join(call.short() for call in telegram.bot_calls[-8:])
            raise AssertionError(f"{expected!r} not shown; recent calls:\n  {recent}")
        await asyncio.sleep(0.02)


@dataclass
class Webhook:
    application: Application
    client: TestClient[Any, Any]
    telegram: FakeTelegramServer
    user_ids: set[int]

    async def post(self, update: dict[str, Any], secret: str | None = SECRET) -> int:
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        response = await self.client.post(PATH, json=update, headers=headers)
        await response.read()
        return response.status

    def new_user(self, user_id: int, first_name: str) -> int:
        self.user_ids.add(user_id)
        self.telegram.add_user(user_id, first_name=first_name)
        return user_id


async def start_webhook(
    settings: Settings, telegram: FakeTelegramServer, **options: float
) -> Webhook:
    application = await build_application(settings)
    client = TestClient(TestServer(create_webhook_app(application, **options)))
    await client.start_server()
    await register_webhook(application)
    return Webhook(application, client, telegram, set())


async def stop_webhook(webhook: Webhook) -> None:
    await webhook.client.close()  # aiohttp's shutdown: updates, workouts, dispatcher
    await webhook.application.close()
    await delete_fsm_keys(REDIS_URL, webhook.user_ids)


@pytest.fixture
async def webhook(
    telegram_server: FakeTelegramServer,
    database_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[Webhook]:
    async with session_factory() as session:  # a file_id of another fake must not be reused
        await session.execute(delete(TelegramFile).where(TelegramFile.key == WELCOME_FILE_KEY))
        await session.commit()
    started = await start_webhook(webhook_settings(telegram_server, database_url), telegram_server)
    try:
        yield started
    finally:
        await stop_webhook(started)


async def test_updates_need_the_secret_header(webhook: Webhook) -> None:
    telegram = webhook.telegram
    (registration,) = telegram.calls_of("setWebhook")
    assert registration.params["url"] == WEBHOOK_URL
    assert registration.params["secret_token"] == SECRET
    assert registration.params.get("drop_pending_updates") is not True
    allowed = set(registration.params["allowed_updates"])
    assert {"message", "callback_query"} <= allowed and "aiogd_update" not in allowed, allowed
    assert telegram.webhook_url == WEBHOOK_URL
    assert telegram.calls_of("setMyCommands"), "the command list was not set"

    user_id = webhook.new_user(7_100_000_001, "Олег")
    sent = await telegram.send_command(user_id, "start")
    update = latest_update(telegram)
    mark = telegram.mark()
    assert await webhook.post(update, secret=None) == 401
    assert await webhook.post(update, secret="wrong-secret") == 401
    assert await webhook.post(update, secret=SECRET + "x") == 401
    assert await webhook.post(update, secret="сек рет") == 401  # non-ASCII: 401, not 500
    await asyncio.sleep(0.3)
    assert not telegram.calls[mark:], [call.short() for call in telegram.calls[mark:]]

    assert await webhook.post(update) == 200
    greeting = await wait_message(telegram, user_id, "Привет, Олег!", newer_than=sent)
    kinds = [m.kind for m in telegram.chat(user_id).values() if m.sender == "bot"]
    assert kinds == ["video_note", "text"], kinds
    assert "🚀 Начать" in [button.text for button in greeting.buttons]


async def test_healthz_reports_database_and_redis(
    webhook: Webhook, monkeypatch: pytest.MonkeyPatch
) -> None:
    response = await webhook.client.get(HEALTH_PATH)
    assert response.status == 200
    assert await response.json() == {"database": "ok", "redis": "ok"}

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    dead_engine = create_engine(f"postgresql+asyncpg://nobody@127.0.0.1:{port}/nothing")
    dead_redis = Redis.from_url(f"redis://127.0.0.1:{port}/0")
    try:
        monkeypatch.setattr(webhook.application, "engine", dead_engine)
        response = await webhook.client.get(HEALTH_PATH)
        assert response.status == 503
        assert await response.json() == {"database": "unavailable", "redis": "ok"}

        monkeypatch.setattr(webhook.application.state, "redis", dead_redis)
        response = await webhook.client.get(HEALTH_PATH)
        assert response.status == 503
        assert await response.json() == {"database": "unavailable", "redis": "unavailable"}

        monkeypatch.undo()
        monkeypatch.setattr(webhook.application.state, "redis", None)
        response = await webhook.client.get(HEALTH_PATH)
        assert response.status == 200
        assert await response.json() == {"database": "ok", "redis": "disabled"}
    finally:
        monkeypatch.undo()
        await dead_engine.dispose()
        await dead_redis.aclose()


async def test_shutdown_lets_updates_in_progress_finish(
    telegram_server: FakeTelegramServer,
    database_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    webhook = await start_webhook(webhook_settings(telegram_server, database_url), telegram_server)
    entered = asyncio.Event()

    async def slow(
        handler: Callable[[Any, dict[str, Any]], Awaitable[Any]],
        event: Any,
        data: dict[str, Any],
    ) -> Any:
        entered.set()
        await asyncio.sleep(0.5)  # still working when the shutdown begins
        return await handler(event, data)

    webhook.application.dispatcher.update.outer_middleware(slow)
    try:
        user_id = webhook.new_user(7_100_000_002, "Инна")
        await telegram_server.send_command(user_id, "start")
        assert await webhook.post(latest_update(telegram_server)) == 200
        await asyncio.wait_for(entered.wait(), STEP_TIMEOUT)
        assert not telegram_server.calls_of("sendMessage")
    finally:
        started = time.monotonic()
        await stop_webhook(webhook)
    took = time.monotonic() - started
    message = telegram_server.last_message(user_id)
    assert message is not None and "Привет, Инна!" in (message.text or ""), (
        "the update in progress was cut off by the shutdown"
    )
    assert took < 5, f"the shutdown took {took:.1f}s"


async def test_the_running_bot_throttles_a_flooding_user(
    telegram_server: FakeTelegramServer,
    database_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """THROTTLE_* reach the running bot: a flood is cut at the burst, others are served."""
    settings = webhook_settings(telegram_server, database_url, throttle_burst=3)
    webhook = await start_webhook(settings, telegram_server)
    try:
        flooder = webhook.new_user(7_100_000_003, "Флуд")
        calm = webhook.new_user(7_100_000_004, "Вера")
        for _ in range(10):
            await telegram_server.send_text(flooder, "эй")
            assert await webhook.post(latest_update(telegram_server)) == 200
        await telegram_server.send_command(calm, "start")
        assert await webhook.post(latest_update(telegram_server)) == 200
        await wait_message(telegram_server, calm, "Привет, Вера!")
        await wait_message(telegram_server, flooder, THROTTLED_TEXT)
        await asyncio.sleep(0.3)  # whatever the flood still makes the bot say
    finally:
        await stop_webhook(webhook)
    said = [m.text for m in telegram_server.chat(flooder).values() if m.sender == "bot"]
    assert said.count(THROTTLED_TEXT) == 1, said
    assert len(said) <= 3 * 2 + 1, f"more than the burst got through: {said}"


async def test_start_up_failures_are_one_readable_error(
    telegram_server: FakeTelegramServer,
    database_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        settings = webhook_settings(
            telegram_server, database_url, webhook_host="127.0.0.1", webhook_port=port
        )
        with pytest.raises(StartupError, match=rf"^Cannot listen on 127\.0\.0\.1:{port} "):
            await run_webhook(settings)
    assert not telegram_server.calls_of("setWebhook")

    telegram_server.fail_next(
        "setWebhook",
        status=400,
        description="Bad Request: bad webhook: An HTTPS URL must be provided for webhook",
    )
    with socket.socket() as free:
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    settings = webhook_settings(
        telegram_server, database_url, webhook_host="127.0.0.1", webhook_port=port
    )
    with pytest.raises(StartupError, match=r"^Telegram refused WEBHOOK_URL: .*HTTPS URL must be"):
        await run_webhook(settings)
