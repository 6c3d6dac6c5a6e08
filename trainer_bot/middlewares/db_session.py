"""One database session per update, opened here and nowhere else, and the update's services.

The session is lazy: an update that runs no query checks out no connection. The update's
`BotServices` (bound to that session) goes into the update's data under `SERVICES_KEY`;
it is the only way dialogs reach the database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject

from trainer_bot.services.bot_services import SERVICES_KEY, AfterUpdate, AppServices


class DbSessionMiddleware(BaseMiddleware):
    def __init__(self, services: AppServices) -> None:
        self._services = services

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        # Background dialog updates re-enter here: reuse the services if they are bound.
        if SERVICES_KEY in data:
            return await handler(event, data)
        pending: AfterUpdate = []
        try:
            async with self._services.session_factory() as session:
                data[SERVICES_KEY] = self._services.for_update(session, data["bot"], pending)
                try:
                    return await handler(event, data)
                finally:
                    # Error handlers run after this scope with the same data: services on a
                    # closed session left here would silently open a connection nobody
                    # closes. They get their own from this middleware on dp.errors instead.
                    del data[SERVICES_KEY]
        finally:
            for callback in pending:
                callback()
