"""Refuses button data that no dialog could have rendered, before any dialog work is done.

aiogram-dialog hands every button press of an open dialog to the current window, which
ignores data none of its widgets claims and answers the press silently: a forged or garbled
press would go unnoticed. Every button we render carries `<intent id>\\x1d<widget id>` or
`<intent id>\\x1d<widget id>:<item>`, so data whose widget id no dialog declares cannot
come from one of our screens, and neither can `<button id>:<anything>`: such a press is
answered, logged once, and dropped. (Presses a widget does exist for but that carry a bad
item, such as a forged exercise position, are refused by the handlers that read the item.)
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiogram import BaseMiddleware, Router
from aiogram.types import CallbackQuery, TelegramObject
from aiogram_dialog import Dialog
from aiogram_dialog.utils import remove_intent_id
from aiogram_dialog.widgets.kbd import Button, Keyboard

from dialogs.fallback import UNKNOWN_BUTTON_TEXT

logger = logging.getLogger(__name__)


class UnknownButtonGuard(BaseMiddleware):
    """An outer middleware for `callback_query`, registered before `setup_dialogs`."""

    def __init__(self, dialogs: Iterable[Dialog], plain: Iterable[str] = ()) -> None:
        self._dialogs = tuple(dialogs)
        self._keyboards: dict[str, Keyboard] = {}  # widget id -> the keyboard declaring it
        # Exact data of buttons on messages sent outside dialogs (the reminder's).
        self._plain = frozenset(plain)

    @classmethod
    def for_router(cls, router: Router, plain: Iterable[str] = ()) -> UnknownButtonGuard:
        return cls((r for r in router.chain_tail if isinstance(r, Dialog)), plain)

    def _keyboard(self, widget_id: str) -> Keyboard | None:
        keyboard = self._keyboards.get(widget_id)
        if keyboard is None and widget_id:
            for dialog in self._dialogs:
                widget = dialog.find(widget_id)
                if isinstance(widget, Keyboard):
                    # Only ids that exist are cached: forged ids cannot grow the dict.
                    keyboard = self._keyboards[widget_id] = widget
                    break
        return keyboard

    def knows(self, callback_data: str) -> bool:
        """Could one of our screens have rendered a button with this data?"""
        if callback_data in self._plain:
            return True
        _, widget_data = remove_intent_id(callback_data)
        widget_id, item_separator, _ = widget_data.partition(":")
        keyboard = self._keyboard(widget_id)
        if keyboard is None:
            return False
        # A single button sends its bare id; only item widgets (Select...) add ":<item>".
        return not (item_separator and isinstance(keyboard, Button))

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if not isinstance(event, CallbackQuery) or self.knows(event.data or ""):
            return await handler(event, data)
        logger.warning(
            "User %s pressed a button no screen has: %r",
            event.from_user.id,
            (event.data or "")[:64],
        )
        await event.answer(UNKNOWN_BUTTON_TEXT)
        return None
