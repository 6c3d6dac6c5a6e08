"""Choosing the user's time zone: the city buttons and «Другой» with a typed UTC offset.

Shared by the profile's «🕐 Часовой пояс» (dialogs/timezone/) and the reminders set-up,
which asks it once before the first reminder (dialogs/reminders/). `zone_windows` makes
the two windows for the states of the dialog that uses them; `on_saved` decides where the
user goes once the zone is saved.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from operator import itemgetter
from typing import Any

from aiogram.enums import ContentType
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram.types import User as TelegramUser
from aiogram_dialog import DialogManager, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Group, Select, SwitchTo
from aiogram_dialog.widgets.text import Const, Format

from dialogs.common import ERROR_KEY, ERROR_LINE
from trainer_bot.services.bot_services import BotServices, services_of
from trainer_bot.time_zones import CITIES, OFFSET_HINT, OffsetError, UserZone, parse_offset

ZoneSaved = Callable[[DialogManager, UserZone], Awaitable[None]]

# Getter keys and widget ids.
CITY_ITEMS = "zone_cities"
CURRENT = "zone_current"
CITY_ID = "zone_city"
OTHER_ID = "zone_other"
OFFSET_BACK_ID = "zone_offset_back"

CITY_CHOICES = [(str(index), name) for index, (_, name) in enumerate(CITIES)]
NO_PROFILE_TEXT = "Сначала заполним анкету — /start."


def current_text(zone: UserZone) -> str:
    suffix = "" if zone.chosen else " (по умолчанию)"
    return f"Сейчас: <b>{zone.name}</b>{suffix}."


async def zone_getter(
    dialog_manager: DialogManager,
    services: BotServices,
    event_from_user: TelegramUser,
    **_: Any,
) -> dict[str, Any]:
    zone = await services.zone(event_from_user.id)
    return {
        CITY_ITEMS: CITY_CHOICES,
        CURRENT: current_text(zone),
        ERROR_KEY: dialog_manager.dialog_data.get(ERROR_KEY),
    }


async def _save(manager: DialogManager, telegram_id: int, value: str, on_saved: ZoneSaved) -> None:
    zone = await services_of(manager).reminders.set_timezone(telegram_id, value)
    manager.dialog_data.pop(ERROR_KEY, None)
    if zone is None:
        manager.dialog_data[ERROR_KEY] = NO_PROFILE_TEXT
        return
    await on_saved(manager, zone)


def zone_windows(choose: State, offset: State, on_saved: ZoneSaved, back: Any) -> list[Window]:
    """The city buttons (`choose`) and the typed offset (`offset`); `back` is the widget
    that leaves the choice (a Cancel, or a SwitchTo)."""

    async def on_city(
        callback: CallbackQuery, widget: Any, manager: DialogManager, item_id: str
    ) -> None:
        if not item_id.isdigit() or int(item_id) >= len(CITIES):
            return
        await _save(manager, callback.from_user.id, CITIES[int(item_id)][0], on_saved)

    async def on_offset(message: Message, widget: MessageInput, manager: DialogManager) -> None:
        if message.from_user is None:
            return
        try:
            value = parse_offset(message.text)
        except OffsetError as error:
            manager.dialog_data[ERROR_KEY] = str(error)
            return
        await _save(manager, message.from_user.id, value, on_saved)

    async def on_other(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
        manager.dialog_data.pop(ERROR_KEY, None)

    return [
        Window(
            Const("🕐 <b>Часовой пояс</b>\n"),
            Const(
                "В каком городе ты живёшь (или в каком часовом поясе)? По нему я называю "
                "время: когда откроется тренировка, когда напомнить, даты в истории.\n"
            ),
            Format(f"{{{CURRENT}}}"),
            ERROR_LINE,
            Group(
                Select(
                    Format("{item[1]}"),
                    id=CITY_ID,
                    item_id_getter=itemgetter(0),
                    items=CITY_ITEMS,
                    on_click=on_city,
                ),
                width=3,
            ),
            SwitchTo(Const("🌐 Другой"), id=OTHER_ID, state=offset, on_click=on_other),
            back,
            MessageInput(_explain_buttons, content_types=ContentType.ANY),
            state=choose,
            getter=zone_getter,
            preview_data={
                CITY_ITEMS: CITY_CHOICES,
                CURRENT: "Сейчас: <b>Москва</b> (по умолчанию).",
                ERROR_KEY: None,
            },
        ),
        Window(
            Const("🌐 <b>Другой часовой пояс</b>\n"),
            ERROR_LINE,
            Const(OFFSET_HINT),
            Const("Например, для Лондона зимой — <code>0</code>, для Дубая — <code>+4</code>."),
            SwitchTo(Const("◀️ К городам"), id=OFFSET_BACK_ID, state=choose),
            MessageInput(on_offset, content_types=ContentType.ANY),
            state=offset,
            getter=zone_getter,
            preview_data={ERROR_KEY: "Такого смещения нет: бывает от −12 до +14 часов."},
        ),
    ]


async def _explain_buttons(message: Message, widget: MessageInput, manager: DialogManager) -> None:
    manager.dialog_data[ERROR_KEY] = (
        "Выбери город кнопкой — или «🌐 Другой», чтобы написать смещение."
    )
