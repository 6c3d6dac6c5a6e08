"""Rest between sets: one short message when the rest is over.

«⏱ Отдых» starts a timer in this process: it sleeps the exercise's rest and sends one
message («Время следующего подхода: …»), nothing in between (Telegram allows about one
message a second per chat, and a ticking edit would spend it). A new timer of the same
user replaces the old one. Timers live in memory only: a restart loses them, which costs
the user one message they can do without (the screen still shows the rest time).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from aiogram import Bot

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[object]]


class RestTimers:
    def __init__(self, sleep: Sleep = asyncio.sleep) -> None:
        self._sleep = sleep  # tests pass one that does not wait
        self._timers: dict[int, asyncio.Task[None]] = {}

    def start(self, bot: Bot, chat_id: int, telegram_id: int, seconds: int, text: str) -> None:
        """Send `text` to the chat after `seconds`; replaces the user's running timer."""
        self.cancel(telegram_id)
        self._timers[telegram_id] = asyncio.create_task(
            self._ring(bot, chat_id, telegram_id, seconds, text), name=f"rest-{telegram_id}"
        )

    def cancel(self, telegram_id: int) -> None:
        task = self._timers.pop(telegram_id, None)
        if task is not None and not task.done():
            task.cancel()

    def running(self, telegram_id: int) -> bool:
        task = self._timers.get(telegram_id)
        return task is not None and not task.done()

    async def wait_all(self) -> None:
        """Until every running timer has rung (tests, with a sleep that does not wait)."""
        while self._timers:
            await asyncio.gather(*self._timers.values(), return_exceptions=True)

    async def close(self) -> None:
        """On shutdown: drop the timers (a lost rest message costs nothing)."""
        for task in list(self._timers.values()):
            task.cancel()
        await asyncio.gather(*self._timers.values(), return_exceptions=True)
        self._timers.clear()

    async def _ring(
        self, bot: Bot, chat_id: int, telegram_id: int, seconds: int, text: str
    ) -> None:
        try:
            await self._sleep(seconds)
            await bot.send_message(chat_id=chat_id, text=text)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            logger.warning("Rest timer of user %s could not ring: %r", telegram_id, error)
        finally:
            if self._timers.get(telegram_id) is asyncio.current_task():
                del self._timers[telegram_id]
