"""Long polling in-process: the real application polls the fake Bot API server, and a stop
in the middle of an update lets that update finish before connections close."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.e2e.bot_process import delete_fsm_keys
from tests.fakes.telegram_server import FakeTelegramServer
from tests.fakes.telegram_server import telegram_server as telegram_server  # the fixture
from tests.support.harness import make_settings
from trainer_bot.app import build_application
from trainer_bot.runners.polling import serve_polling

REDIS_URL = os.environ.get("TEST_WEBHOOK_REDIS_URL", "redis://127.0.0.1:6379/12")
STEP_TIMEOUT = 10.0


async def test_stop_lets_updates_in_progress_finish(
    telegram_server: FakeTelegramServer,
    database_url: str,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    settings = make_settings(
        bot_token=telegram_server.token,
        telegram_api_url=telegram_server.url,
        database_url=database_url,
        redis_url=REDIS_URL,
    )
    app = await build_application(settings)
    entered = asyncio.Event()

    async def slow(
        handler: Callable[[Any, dict[str, Any]], Awaitable[Any]],
        event: Any,
        data: dict[str, Any],
    ) -> Any:
        entered.set()
        await asyncio.sleep(0.5)  # still working when the stop comes
        return await handler(event, data)

    app.dispatcher.update.outer_middleware(slow)
    user_id = 7_200_000_001
    telegram_server.add_user(user_id, first_name="Пётр")
    polling = asyncio.create_task(serve_polling(app, handle_signals=False))
    try:
        await telegram_server.send_command(user_id, "start")
        await asyncio.wait_for(entered.wait(), STEP_TIMEOUT)
        assert not telegram_server.calls_of("sendMessage")
        await app.dispatcher.stop_polling()
        await asyncio.wait_for(polling, STEP_TIMEOUT)
    finally:
        polling.cancel()
        await app.close()
        await delete_fsm_keys(REDIS_URL, {user_id})
    message = telegram_server.last_message(user_id)
    assert message is not None and "Привет, Пётр!" in (message.text or ""), (
        "the update in progress was cut off by the stop"
    )
