"""Swap handlers: the reason, then the alternative; the swap is one service call."""

from __future__ import annotations

import logging
from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Button, Select

from dialogs.common import ERROR_KEY
from dialogs.fallback import UNDERSTOOD_TEXT
from dialogs.states import SwapSG
from dialogs.swap.keys import POSITION, REASON, WORKOUT_ID
from dialogs.swap.texts import CLOSED_TEXTS
from trainer_bot.db.enums import SwapReason
from trainer_bot.services.bot_services import services_of
from trainer_bot.services.swaps import SwapOutcome

logger = logging.getLogger(__name__)
REASONS = frozenset(reason.value for reason in SwapReason)


async def on_reason(
    callback: CallbackQuery, widget: Select[str], manager: DialogManager, value: str
) -> None:
    if value not in REASONS:
        return
    manager.dialog_data[REASON] = value
    manager.dialog_data.pop(ERROR_KEY, None)
    await manager.switch_to(SwapSG.choice)


async def on_option(
    callback: CallbackQuery, widget: Select[int], manager: DialogManager, exercise_id: int
) -> None:
    start = manager.start_data if isinstance(manager.start_data, dict) else {}
    workout_id, position = start.get(WORKOUT_ID), start.get(POSITION)
    reason = manager.dialog_data.get(REASON)
    if not isinstance(workout_id, int) or not isinstance(position, int) or reason not in REASONS:
        await manager.done()
        return
    outcome = await services_of(manager).swaps.swap(
        callback.from_user.id, workout_id, position, exercise_id, SwapReason(reason)
    )
    if outcome is SwapOutcome.SWAPPED:
        # Back to the exercise screen, which now shows the new exercise.
        await manager.done()
        return
    logger.info("User %s: swap refused (%s)", callback.from_user.id, outcome.value)
    manager.dialog_data[ERROR_KEY] = CLOSED_TEXTS[outcome]


async def on_cancel(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await manager.done()


async def on_back(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop(ERROR_KEY, None)
    await manager.switch_to(SwapSG.reason)


async def on_text(message: Message, widget: Any, manager: DialogManager) -> None:
    """Text where buttons are expected: one line on what works; the screen comes again."""
    await message.answer(UNDERSTOOD_TEXT)
