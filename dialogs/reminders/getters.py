"""Reminders getters: the current settings and the choices. Read-only."""

from __future__ import annotations

from typing import Any

from aiogram.types import User as TelegramUser
from aiogram_dialog import DialogManager

from dialogs.common import ERROR_KEY
from dialogs.reminders.keys import (
    DAY_ITEMS,
    DAYS,
    ENABLED,
    HAS_DAYS,
    HOUR_ITEMS,
    NOTICE,
    STATUS,
    ZONE,
    ZONE_BY,
)
from dialogs.reminders.texts import HOUR_CHOICES, WEEKDAYS, status_text
from trainer_bot.services.bot_services import BotServices


async def settings_getter(
    dialog_manager: DialogManager,
    services: BotServices,
    event_from_user: TelegramUser,
    **_: Any,
) -> dict[str, Any]:
    zone = await services.zone(event_from_user.id)
    settings = await services.reminders.settings(event_from_user.id)
    return {
        STATUS: status_text(settings, zone),
        ENABLED: settings is not None and settings.enabled,
        ZONE: zone.name,
        NOTICE: dialog_manager.dialog_data.get(NOTICE),
    }


def chosen_days(manager: DialogManager) -> list[int]:
    days = manager.dialog_data.get(DAYS)
    return [day for day in days if isinstance(day, int)] if isinstance(days, list) else []


async def days_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    chosen = set(chosen_days(dialog_manager))
    return {
        DAY_ITEMS: [
            (str(day), f"✅ {name}" if day in chosen else name) for day, name in enumerate(WEEKDAYS)
        ],
        HAS_DAYS: bool(chosen),
        ERROR_KEY: dialog_manager.dialog_data.get(ERROR_KEY),
    }


async def hour_getter(
    dialog_manager: DialogManager,
    services: BotServices,
    event_from_user: TelegramUser,
    **_: Any,
) -> dict[str, Any]:
    zone = await services.zone(event_from_user.id)
    return {
        HOUR_ITEMS: HOUR_CHOICES,
        ZONE_BY: zone.by,
        ERROR_KEY: dialog_manager.dialog_data.get(ERROR_KEY),
    }
