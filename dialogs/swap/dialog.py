"""Swap screens: why the exercise is swapped, then what for."""

from __future__ import annotations

from operator import itemgetter

from aiogram import F
from aiogram_dialog import Dialog, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, Select, SwitchTo
from aiogram_dialog.widgets.text import Const, Format

from dialogs.common import ERROR_LINE
from dialogs.states import SwapSG, WorkoutSG
from dialogs.swap import handlers
from dialogs.swap.getters import options_getter, reason_getter
from dialogs.swap.keys import (
    BACK_ID,
    CANCEL_ID,
    HAS_OPTIONS,
    LINES,
    NAME,
    OPEN,
    OPTION_ID,
    OPTIONS,
    PAIN_NOTE,
    REASON_ID,
)
from dialogs.swap.texts import PAIN_TEXT
from trainer_bot.db.enums import SwapReason

REASON_ITEMS = [
    (SwapReason.BUSY.value, "🏋️ Занят тренажёр"),
    (SwapReason.DISLIKE.value, "🤕 Не нравится / болит"),
]
TEXT_INPUT = MessageInput(handlers.on_text)


def swap_dialog() -> Dialog:
    return Dialog(
        Window(
            Format(f"🔄 <b>Замена: {{{NAME}}}</b>\n"),
            Const(
                "Почему меняем? Подберу упражнение на те же мышцы с твоим инвентарём — "
                "подходы и повторы останутся прежними."
            ),
            Column(
                Select(
                    Format("{item[1]}"),
                    id=REASON_ID,
                    item_id_getter=itemgetter(0),
                    items=REASON_ITEMS,
                    on_click=handlers.on_reason,
                ),
            ),
            Button(Const("◀️ К упражнению"), id=CANCEL_ID, on_click=handlers.on_cancel),
            TEXT_INPUT,
            state=SwapSG.reason,
            getter=reason_getter,
            preview_add_transitions=[SwitchTo(Const(""), id="choice", state=SwapSG.choice)],
            preview_data={NAME: "Жим штанги лёжа"},
        ),
        Window(
            Format(f"🔄 <b>Чем заменить «{{{NAME}}}»?</b>\n"),
            Const(f"{PAIN_TEXT}\n", when=F[PAIN_NOTE]),
            ERROR_LINE,
            Format(f"{{{LINES}}}\n", when=F[HAS_OPTIONS]),
            Const(
                "Подходы и повторы — как в плане; вес — из твоего журнала, а если упражнение "
                "новое — стартовый.",
                when=F[HAS_OPTIONS],
            ),
            Const(
                "Равноценной замены на те же мышцы с твоим инвентарём не нашлось. "
                "Можно пропустить упражнение — «⏭ Пропустить» на его экране.",
                when=F[OPEN] & ~F[HAS_OPTIONS],
            ),
            Column(
                Select(
                    Format("{item[1]}"),
                    id=OPTION_ID,
                    item_id_getter=itemgetter(0),
                    items=OPTIONS,
                    type_factory=int,
                    on_click=handlers.on_option,
                ),
            ),
            Button(Const("◀️ Назад"), id=BACK_ID, on_click=handlers.on_back, when=F[OPEN]),
            Button(Const("◀️ К упражнению"), id=CANCEL_ID, on_click=handlers.on_cancel),
            TEXT_INPUT,
            state=SwapSG.choice,
            getter=options_getter,
            preview_add_transitions=[SwitchTo(Const(""), id="swapped", state=WorkoutSG.exercise)],
            preview_data={
                NAME: "Жим штанги лёжа",
                PAIN_NOTE: True,
                OPEN: True,
                HAS_OPTIONS: True,
                "error": None,
                LINES: "1. <b>Жим гантелей лёжа</b> — 3 × 8–10, 22 кг\n"
                "2. <b>Жим в тренажёре сидя</b> — 3 × 8–10, 45 кг\n"
                "3. <b>Отжимания на брусьях</b> — 3 × 8–10, свой вес",
                OPTIONS: [
                    (11, "1. Жим гантелей лёжа · гантели"),
                    (12, "2. Жим в тренажёре сидя · тренажёр"),
                    (13, "3. Отжимания на брусьях · свой вес"),
                ],
            },
        ),
    )
