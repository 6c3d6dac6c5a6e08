"""Progress screens: records and the weekly streak, past workouts, the weight log."""

from __future__ import annotations

from operator import itemgetter

from aiogram import F
from aiogram.enums import ContentType
from aiogram_dialog import Dialog, StartMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, Row, Select, Start, SwitchTo
from aiogram_dialog.widgets.media import DynamicMedia
from aiogram_dialog.widgets.text import Const, Format

from dialogs.common import ERROR_LINE
from dialogs.progress import handlers
from dialogs.progress.getters import (
    chart_getter,
    history_workout_getter,
    progress_getter,
    weight_getter,
    workouts_getter,
)
from dialogs.progress.keys import (
    BACK_ID,
    CAPTION,
    CHART,
    CHART_ID,
    DATES_ZONE,
    EXPORT_ID,
    FOUND,
    HAS_NEWER,
    HAS_OLDER,
    HAS_RECORDS,
    HEADER,
    LINES,
    NEWER_ID,
    NOTICE,
    OLDER_ID,
    RECORDS,
    TO_LIST_ID,
    TO_MENU_ID,
    TO_WEIGHT_ID,
    TO_WORKOUTS_ID,
    WEEK_TEXT,
    WEIGHT_TEXT,
    WORKOUT_ITEM_ID,
    WORKOUTS,
)
from dialogs.states import MenuSG, ProgressSG

TO_MENU = Start(Const("◀️ В меню"), id=TO_MENU_ID, state=MenuSG.main, mode=StartMode.RESET_STACK)
BACK = SwitchTo(Const("◀️ Назад"), id=BACK_ID, state=ProgressSG.main)


def progress_dialog() -> Dialog:
    return Dialog(
        Window(
            Format(f"{{{NOTICE}}}\n", when=F[NOTICE]),
            Const("📈 <b>Твой прогресс</b>\n"),
            Format(f"{{{WEEK_TEXT}}}"),
            Format(f"{{{WEIGHT_TEXT}}}\n"),
            Const(
                "<b>Упражнения</b> — последний раз и лучшее за год "
                "(1ПМ — оценка максимума на один повтор по формуле Эпли):",
                when=F[HAS_RECORDS],
            ),
            Format(f"{{{RECORDS}}}", when=F[HAS_RECORDS]),
            Const(
                "Записанных подходов пока нет: отмечай их на экране упражнения — "
                "и здесь появятся рекорды.",
                when=~F[HAS_RECORDS],
            ),
            SwitchTo(Const("🗂 Тренировки"), id=TO_WORKOUTS_ID, state=ProgressSG.workouts),
            Button(Const("⚖️ Записать вес"), id=TO_WEIGHT_ID, on_click=handlers.on_open_weight),
            Row(
                Button(Const("📉 График"), id=CHART_ID, on_click=handlers.on_chart),
                Button(Const("📤 Экспорт CSV"), id=EXPORT_ID, on_click=handlers.on_export),
            ),
            TO_MENU,
            state=ProgressSG.main,
            getter=progress_getter,
            # «📉 График» switches from its handler once the chart is drawn.
            preview_add_transitions=[SwitchTo(Const(""), id="chart_drawn", state=ProgressSG.chart)],
            preview_data={
                NOTICE: None,
                WEEK_TEXT: "🗓 Эта неделя: 2 из 3 тренировок · серия: 4 недели подряд",
                WEIGHT_TEXT: "⚖️ Вес: 80,5 кг · цель 76 кг",
                HAS_RECORDS: True,
                RECORDS: "• <b>Жим штанги лёжа</b>: 62,5 кг × 8, 8, 7 · 1ПМ ≈ 79 кг\n"
                "• <b>Отжимания от пола</b>: 15, 15, 12 повт. · лучший подход — 15",
            },
        ),
        Window(
            Const("🗂 <b>Твои тренировки</b> — нажми, чтобы увидеть, что записано."),
            Format(f"<i>Даты — {{{DATES_ZONE}}}.</i>"),
            Column(
                Select(
                    Format("{item[1]}"),
                    id=WORKOUT_ITEM_ID,
                    item_id_getter=itemgetter(0),
                    items=WORKOUTS,
                    type_factory=int,
                    on_click=handlers.on_workout_selected,
                ),
            ),
            Row(
                Button(Const("⬅️ Новее"), id=NEWER_ID, on_click=handlers.on_page, when=F[HAS_NEWER]),
                Button(
                    Const("Старше ➡️"), id=OLDER_ID, on_click=handlers.on_page, when=F[HAS_OLDER]
                ),
            ),
            BACK,
            state=ProgressSG.workouts,
            getter=workouts_getter,
            preview_data={
                WORKOUTS: [(2, "✅ 06.12 · Верх тела"), (1, "✅ 04.12 · Низ тела")],
                DATES_ZONE: "по Москве",
                HAS_NEWER: False,
                HAS_OLDER: True,
            },
        ),
        Window(
            Format(f"🏋️ <b>{{{HEADER}}}</b>\n", when=F[FOUND]),
            Format(f"{{{LINES}}}", when=F[FOUND]),
            Const("Эта тренировка недоступна.", when=~F[FOUND]),
            SwitchTo(Const("◀️ К списку"), id=TO_LIST_ID, state=ProgressSG.workouts),
            state=ProgressSG.workout,
            getter=history_workout_getter,
            preview_data={
                FOUND: True,
                HEADER: "Верх тела · 👍 нормально",
                LINES: "1. Жим штанги лёжа — 60 кг × 10, 10, 9\n2. Тяга верхнего блока — "
                "пропущено\n3. Планка — не записано",
            },
        ),
        Window(
            DynamicMedia(CHART, when=F[FOUND]),
            Format(f"📉 {{{CAPTION}}}", when=F[FOUND]),
            Const(
                "График устарел — нажми «📉 График» ещё раз, и я нарисую свежий.",
                when=~F[FOUND],
            ),
            BACK,
            state=ProgressSG.chart,
            getter=chart_getter,
            preview_data={
                FOUND: True,
                CHART: None,
                CAPTION: "⚖️ Вес: 84 → 80,5 кг, цель 76 кг (зелёный пунктир).\n"
                "🏋️ Жим штанги лёжа: оценка 1ПМ по формуле Эпли 70 → 79 кг (оранжевый).",
            },
        ),
        Window(
            Const("⚖️ Сколько ты весишь сегодня? Напиши в килограммах, например <b>80,5</b>."),
            ERROR_LINE,
            MessageInput(handlers.on_weight, content_types=ContentType.ANY),
            BACK,
            state=ProgressSG.weight,
            getter=weight_getter,
            preview_data={},
        ),
    )
