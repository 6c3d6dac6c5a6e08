"""Reminders settings: the time zone (asked once), the rule, the hour."""

from __future__ import annotations

from operator import itemgetter

from aiogram import F
from aiogram.enums import ContentType
from aiogram_dialog import Dialog, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Cancel, Group, Row, Select, Start, SwitchTo
from aiogram_dialog.widgets.text import Const, Format

from dialogs.common import ERROR_KEY, ERROR_LINE
from dialogs.reminders import handlers
from dialogs.reminders.getters import days_getter, hour_getter, settings_getter
from dialogs.reminders.keys import (
    BACK_ID,
    BY_DAYS_ID,
    DAY_ID,
    DAY_ITEMS,
    DAYS_DONE_ID,
    ENABLED,
    HAS_DAYS,
    HOUR_ID,
    HOUR_ITEMS,
    NEXT_WORKOUT_ID,
    NOTICE,
    OFF_ID,
    STATUS,
    TO_MAIN_ID,
    ZONE,
    ZONE_BY,
    ZONE_ID,
    ZONE_LEAVE_ID,
)
from dialogs.reminders.texts import HOUR_CHOICES, WEEKDAYS
from dialogs.states import RemindersSG, TimezoneSG
from dialogs.zone_picker import zone_windows

TO_MAIN = SwitchTo(
    Const("◀️ Назад"), id=TO_MAIN_ID, state=RemindersSG.main, on_click=handlers.on_leave_step
)


def reminders_dialog() -> Dialog:
    return Dialog(
        Window(
            Format(f"{{{NOTICE}}}\n", when=F[NOTICE]),
            Const("🔔 <b>Напоминания</b>\n"),
            Format(f"{{{STATUS}}}\n"),
            Const(
                "Напомню одним коротким сообщением в выбранный час — по дням недели или "
                "в день, когда откроется новая тренировка. Не чаще раза в день и никогда "
                "ночью."
            ),
            SwitchTo(
                Const("📅 По дням недели"),
                id=BY_DAYS_ID,
                state=RemindersSG.days,
                on_click=handlers.on_by_days,
            ),
            SwitchTo(
                Const("🏁 Когда откроется новая тренировка"),
                id=NEXT_WORKOUT_ID,
                state=RemindersSG.hour,
                on_click=handlers.on_next_workout,
            ),
            Button(Const("🔕 Выключить"), id=OFF_ID, on_click=handlers.on_off, when=F[ENABLED]),
            Start(Format(f"🕐 Часовой пояс: {{{ZONE}}}"), id=ZONE_ID, state=TimezoneSG.choose),
            Cancel(Const("◀️ В профиль"), id=BACK_ID),
            MessageInput(handlers.on_text_on_settings, content_types=ContentType.ANY),
            state=RemindersSG.main,
            getter=settings_getter,
            preview_data={
                NOTICE: "✅ Готово: напомню по пн, ср, пт в 09:00 по Екатеринбургу.",
                STATUS: "🔔 Сейчас: по пн, ср, пт в 09:00 по Екатеринбургу.",
                ENABLED: True,
                ZONE: "Екатеринбург",
            },
        ),
        Window(
            Const("📅 <b>В какие дни напоминать?</b>\n"),
            Const("Отметь дни тренировок и нажми «Дальше»."),
            ERROR_LINE,
            Row(
                Select(
                    Format("{item[1]}"),
                    id=DAY_ID,
                    item_id_getter=itemgetter(0),
                    items=DAY_ITEMS,
                    on_click=handlers.on_day,
                ),
            ),
            Button(Const("Дальше ▶️"), id=DAYS_DONE_ID, on_click=handlers.on_days_done),
            TO_MAIN,
            MessageInput(handlers.on_text_on_settings, content_types=ContentType.ANY),
            state=RemindersSG.days,
            getter=days_getter,
            preview_data={
                DAY_ITEMS: [
                    (str(day), f"✅ {name}" if day in (0, 2, 4) else name)
                    for day, name in enumerate(WEEKDAYS)
                ],
                HAS_DAYS: True,
                ERROR_KEY: None,
            },
        ),
        Window(
            Const("⏰ <b>Во сколько напоминать?</b>\n"),
            Format(f"Время — {{{ZONE_BY}}}. Ночью, с 22:00 до 08:00, я не напоминаю.\n"),
            ERROR_LINE,
            Const("Выбери час кнопкой или напиши числом, например <code>9</code>."),
            Group(
                Select(
                    Format("{item[1]}"),
                    id=HOUR_ID,
                    item_id_getter=itemgetter(0),
                    items=HOUR_ITEMS,
                    on_click=handlers.on_hour,
                ),
                width=4,
            ),
            TO_MAIN,
            MessageInput(handlers.on_hour_typed, content_types=ContentType.ANY),
            state=RemindersSG.hour,
            getter=hour_getter,
            preview_data={
                HOUR_ITEMS: HOUR_CHOICES,
                ZONE_BY: "по Екатеринбургу",
                ERROR_KEY: "🌙 Это ночь — в это время я не напоминаю. Выбери час с 08:00 до 21:00.",
            },
        ),
        *zone_windows(
            RemindersSG.zone,
            RemindersSG.zone_offset,
            handlers.on_zone_saved,
            Cancel(Const("◀️ В профиль"), id=ZONE_LEAVE_ID),
        ),
        on_start=handlers.on_reminders_start,
    )
