"""One database session per update, opened here and nowhere else."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

# Middleware data key: callbacks to run once the update is done (see `after_update`).
AFTER_UPDATE_KEY = "after_update"


def after_update(data: dict[str, Any], callback: Callable[[], None]) -> None:
    """Run `callback` when the update being handled is done: its dialog state saved and its
    session closed, whether it succeeded or failed. Outside an update: at once.

    Background work an update starts (a workout generation) begins after the update, so
    its CPU time never delays the answer to the user's click.
    """
    pending: list[Callable[[], None]] | None = data.get(AFTER_UPDATE_KEY)
    if pending is None:
        callback()
    else:
        pending.append(callback)


class DbSessionMiddleware(BaseMiddleware):
    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._session_factory = session_factory

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        # Background dialog updates re-enter here: reuse the session if one is open.
        if "session" in data:
            return await handler(event, data)
        pending: list[Callable[[], None]] = []
        data[AFTER_UPDATE_KEY] = pending
        try:
            async with self._session_factory() as session:
                data["session"] = session
                try:
                    return await handler(event, data)
                finally:
                    # Error handlers run after this scope with the same data: a closed
                    # session left here would silently open a connection nobody closes.
                    # They get their own session from this middleware on dp.errors instead.
                    del data["session"]
        finally:
            del data[AFTER_UPDATE_KEY]
            for callback in pending:
                callback()
