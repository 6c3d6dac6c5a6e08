"""Updates being handled right now, so a shutdown can let them finish.

aiogram runs each update as a task (polling's `handle_as_tasks`, the webhook handler's
background processing) but keeps those tasks in private attributes. This outer update
middleware, registered first, records the task handling each update instead.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

logger = logging.getLogger(__name__)

# The graceful shutdown's bound for updates in progress; compose's stop_grace_period (30 s)
# covers it and the workout generations' own 10 s.
UPDATE_GRACE_SECONDS = 15.0


class InFlightUpdates(BaseMiddleware):
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def tasks(self) -> set[asyncio.Task[Any]]:
        """A copy: the tasks handling an update at this moment."""
        return set(self._tasks)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        task = asyncio.current_task()
        if task is None:  # not reachable under asyncio; nothing to track then
            return await handler(event, data)
        self._tasks.add(task)
        try:
            return await handler(event, data)
        finally:
            self._tasks.discard(task)

    async def finish(self, grace_seconds: float) -> None:
        """Let the updates in progress finish (bounded), then cancel the rest."""
        # Tasks created just before the stop have not entered this middleware yet.
        await asyncio.sleep(0)
        tasks = self._tasks - {asyncio.current_task()}
        if not tasks:
            return
        logger.info("Finishing %d update(s) in progress", len(tasks))
        _, pending = await asyncio.wait(tasks, timeout=grace_seconds)
        if pending:
            logger.warning(
                "Cancelling %d update(s) still running after %.0f s", len(pending), grace_seconds
            )
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
