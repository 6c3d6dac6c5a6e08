"""Reminders settings: choosing the rule and the hour, switching off."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram.types import User as TelegramUser
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Select

from dialogs.common import ERROR_KEY
from dialogs.reminders.getters import chosen_days
from dialogs.reminders.keys import DAYS, MODE, NOTICE
from dialogs.reminders.texts import HOUR_FORMAT_TEXT, NIGHT_TEXT, parse_hour, rule_text
from dialogs.states import RemindersSG
from trainer_bot.db.enums import ReminderMode
from trainer_bot.services.bot_services import services_of
from trainer_bot.services.reminder_schedule import days_mask, is_daytime_hour
from trainer_bot.services.reminders import NightHourError
from trainer_bot.time_zones import UserZone


async def on_reminders_start(start_data: Any, manager: DialogManager) -> None:
    """The time zone is asked once, before the first reminder: reminders come at the
    user's own hour."""
    user = getattr(manager.event, "from_user", None)  # every event but an ErrorEvent has one
    if isinstance(user, TelegramUser) and not (await services_of(manager).zone(user.id)).chosen:
        await manager.switch_to(RemindersSG.zone)


async def on_zone_saved(manager: DialogManager, zone: UserZone) -> None:
    manager.dialog_data[NOTICE] = f"✅ Часовой пояс: {zone.name}."
    await manager.switch_to(RemindersSG.main)


async def on_by_days(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop(ERROR_KEY, None)
    manager.dialog_data.pop(NOTICE, None)
    manager.dialog_data[MODE] = ReminderMode.DAYS.value
    settings = await services_of(manager).reminders.settings(callback.from_user.id)
    chosen = list(settings.weekdays) if settings and settings.mode is ReminderMode.DAYS else []
    manager.dialog_data[DAYS] = chosen


async def on_next_workout(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop(ERROR_KEY, None)
    manager.dialog_data.pop(NOTICE, None)
    manager.dialog_data[MODE] = ReminderMode.NEXT_WORKOUT.value


async def on_day(
    callback: CallbackQuery, widget: Select[str], manager: DialogManager, item_id: str
) -> None:
    if not item_id.isdigit() or int(item_id) > 6:
        return
    day = int(item_id)
    days = set(chosen_days(manager))
    days.symmetric_difference_update({day})
    manager.dialog_data[DAYS] = sorted(days)
    manager.dialog_data.pop(ERROR_KEY, None)


async def on_days_done(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    if not chosen_days(manager):
        manager.dialog_data[ERROR_KEY] = "Отметь хотя бы один день."
        return
    manager.dialog_data.pop(ERROR_KEY, None)
    await manager.switch_to(RemindersSG.hour)


async def _save_hour(manager: DialogManager, telegram_id: int, hour: int) -> None:
    if not is_daytime_hour(hour):
        manager.dialog_data[ERROR_KEY] = NIGHT_TEXT
        return
    mode = ReminderMode(manager.dialog_data.get(MODE, ReminderMode.DAYS.value))
    services = services_of(manager)
    try:
        settings = await services.reminders.save(
            telegram_id, mode, hour, days_mask(chosen_days(manager))
        )
    except NightHourError:
        manager.dialog_data[ERROR_KEY] = NIGHT_TEXT
        return
    except ValueError:
        manager.dialog_data[ERROR_KEY] = "Отметь хотя бы один день."
        await manager.switch_to(RemindersSG.days)
        return
    if settings is None:
        manager.dialog_data[ERROR_KEY] = "Сначала заполним анкету — /start."
        return
    zone = await services.zone(telegram_id)
    manager.dialog_data.pop(ERROR_KEY, None)
    manager.dialog_data[NOTICE] = f"✅ Готово: напомню {rule_text(settings, zone)}."
    await manager.switch_to(RemindersSG.main)


async def on_hour(
    callback: CallbackQuery, widget: Select[str], manager: DialogManager, item_id: str
) -> None:
    if item_id.isdigit():
        await _save_hour(manager, callback.from_user.id, int(item_id))


async def on_hour_typed(message: Message, widget: MessageInput, manager: DialogManager) -> None:
    if message.from_user is None:
        return
    hour = parse_hour(message.text)
    if hour is None:
        manager.dialog_data[ERROR_KEY] = HOUR_FORMAT_TEXT
        return
    await _save_hour(manager, message.from_user.id, hour)


async def on_off(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await services_of(manager).reminders.switch_off(callback.from_user.id)
    manager.dialog_data[NOTICE] = "🔕 Напоминания выключены."


async def on_leave_step(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop(ERROR_KEY, None)
    manager.dialog_data.pop(NOTICE, None)


async def on_text_on_settings(
    message: Message, widget: MessageInput, manager: DialogManager
) -> None:
    manager.dialog_data[NOTICE] = "Здесь всё настраивается кнопками 👇"
