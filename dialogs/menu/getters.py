"""Main menu and profile getters."""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram.types import User as TelegramUser
from aiogram_dialog import DialogManager

from dialogs.menu.keys import (
    HOME_UNKNOWN,
    JUST_REGISTERED,
    NAME,
    NOTICE,
    PLANNED_WORKOUT_ID,
    PROFILE,
    PROFILE_NOTICE,
    REBUILD_OFFER,
    REMINDERS_LABEL,
    ZONE_LABEL,
)
from dialogs.profile_text import answers_text
from trainer_bot.services.bot_services import BotServices


async def menu_getter(
    dialog_manager: DialogManager,
    services: BotServices,
    event_from_user: TelegramUser,
    **_: Any,
) -> dict[str, Any]:
    start_data = dialog_manager.start_data if isinstance(dialog_manager.start_data, dict) else {}
    planned_id = await services.workouts.planned_id(event_from_user.id)
    return {
        NAME: escape(event_from_user.first_name or "спортсмен"),
        JUST_REGISTERED: bool(start_data.get(JUST_REGISTERED)),
        NOTICE: start_data.get(NOTICE),
        PLANNED_WORKOUT_ID: planned_id,
        REBUILD_OFFER: bool(start_data.get(REBUILD_OFFER)) and planned_id is not None,
    }


async def profile_getter(
    dialog_manager: DialogManager,
    services: BotServices,
    event_from_user: TelegramUser,
    **_: Any,
) -> dict[str, Any]:
    notice = dialog_manager.dialog_data.get(PROFILE_NOTICE)
    profile = await services.users.profile(event_from_user.id)
    if profile is None:
        return {
            PROFILE: "Анкета ещё не заполнена.",
            PROFILE_NOTICE: notice,
            HOME_UNKNOWN: False,
            **await _time_labels(services, event_from_user.id),
        }
    return {
        PROFILE: answers_text(profile.answers_data(), ask_unknown=True),
        PROFILE_NOTICE: notice,
        HOME_UNKNOWN: profile.home_equipment_unknown,
        **await _time_labels(services, event_from_user.id),
    }


async def _time_labels(services: BotServices, telegram_id: int) -> dict[str, str]:
    """The reminders and time zone buttons say what is set."""
    zone = await services.zone(telegram_id)
    reminders = await services.reminders.settings(telegram_id)
    on = reminders is not None and reminders.enabled
    return {
        REMINDERS_LABEL: f"🔔 Напоминания: {'вкл.' if on else 'выкл.'}",
        ZONE_LABEL: f"🕐 Часовой пояс: {zone.name}",
    }
