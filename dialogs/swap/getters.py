"""Swap getters: the exercise's alternatives. Read-only."""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram.types import User as TelegramUser
from aiogram_dialog import DialogManager

from dialogs.common import ERROR_KEY
from dialogs.swap.keys import (
    HAS_OPTIONS,
    LINES,
    NAME,
    OPEN,
    OPTIONS,
    PAIN_NOTE,
    POSITION,
    REASON,
    WORKOUT_ID,
)
from dialogs.swap.texts import CLOSED_TEXTS, EQUIPMENT_NAMES, option_line
from trainer_bot.db.enums import SwapReason
from trainer_bot.services.bot_services import BotServices


def _start(manager: DialogManager) -> dict[str, Any]:
    return manager.start_data if isinstance(manager.start_data, dict) else {}


async def reason_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {NAME: escape(str(_start(dialog_manager).get(NAME, "")))}


async def options_getter(
    dialog_manager: DialogManager,
    services: BotServices,
    event_from_user: TelegramUser,
    **_: Any,
) -> dict[str, Any]:
    start = _start(dialog_manager)
    reason = SwapReason(dialog_manager.dialog_data.get(REASON, SwapReason.BUSY.value))
    workout_id, position = start.get(WORKOUT_ID), start.get(POSITION)
    error = dialog_manager.dialog_data.get(ERROR_KEY)
    base = {
        NAME: escape(str(start.get(NAME, ""))),
        PAIN_NOTE: reason is SwapReason.DISLIKE,
        ERROR_KEY: error,
    }
    if not isinstance(workout_id, int) or not isinstance(position, int):
        return {**base, OPEN: False, HAS_OPTIONS: False, OPTIONS: [], LINES: ""}
    choice = await services.swaps.options(event_from_user.id, workout_id, position, reason)
    if choice.refused is not None:
        return {
            **base,
            ERROR_KEY: error or CLOSED_TEXTS[choice.refused],
            OPEN: False,
            HAS_OPTIONS: False,
            OPTIONS: [],
            LINES: "",
        }
    return {
        **base,
        NAME: escape(choice.name),
        OPEN: True,
        HAS_OPTIONS: bool(choice.options),
        LINES: "\n".join(
            option_line(number, option) for number, option in enumerate(choice.options, 1)
        ),
        OPTIONS: [
            (option.exercise_id, f"{number}. {option.name} · {EQUIPMENT_NAMES[option.equipment]}")
            for number, option in enumerate(choice.options, 1)
        ],
    }
