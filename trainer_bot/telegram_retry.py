"""Retry Bot API calls that Telegram refused with flood control (429 `retry_after`).

aiogram raises `TelegramRetryAfter` and retries nothing; without this middleware a single
429 on `sendMessage` turns into a failed update and an error text for the user. Registered
on the bot session, it waits the `retry_after` Telegram asked for and sends the same call
again, at most `max_retries` times and only while the total wait stays within
`max_total_delay` seconds (a handler must not hang for a minute holding the user's lock).
When it gives up it writes one log line and re-raises. Drafts (sendMessageDraft) are left
alone: a stale draft is not worth re-sending, their presenter waits and sends the newest
(trainer_bot/services/workout_draft.py).

    bot.session.middleware(TelegramRetryMiddleware())
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import GetUpdates, SendMessageDraft
from aiogram.methods.base import TelegramType

if TYPE_CHECKING:
    from aiogram import Bot
    from aiogram.methods import Response, TelegramMethod

logger = logging.getLogger(__name__)

DEFAULT_MAX_RETRIES = 2
DEFAULT_MAX_TOTAL_DELAY = 5.0  # seconds

Sleep = Callable[[float], Awaitable[object]]


class TelegramRetryMiddleware(BaseRequestMiddleware):
    def __init__(
        self,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_total_delay: float = DEFAULT_MAX_TOTAL_DELAY,
        *,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if max_retries < 0 or max_total_delay < 0:
            raise ValueError("max_retries and max_total_delay must not be negative")
        self.max_retries = max_retries
        self.max_total_delay = max_total_delay
        self._sleep = sleep

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        # (a flag: no narrowing of `method`) Polling has its own back-off; drafts, their
        # presenter's.
        own_backoff = isinstance(method, (GetUpdates, SendMessageDraft))
        if own_backoff:
            return await make_request(bot, method)
        waited = 0.0
        attempt = 0
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as error:
                delay = float(error.retry_after)
                name = type(method).__name__
                if attempt >= self.max_retries or waited + delay > self.max_total_delay:
                    logger.warning(
                        "Telegram flood control on %s: asked to wait %s s, giving up "
                        "after %d retries (%.1f s waited)",
                        name,
                        error.retry_after,
                        attempt,
                        waited,
                    )
                    raise
                attempt += 1
                waited += delay
                logger.info(
                    "Telegram flood control on %s: retry %d in %s s",
                    name,
                    attempt,
                    error.retry_after,
                )
                await self._sleep(delay)
