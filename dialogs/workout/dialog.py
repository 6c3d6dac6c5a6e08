"""Workout screens: composing, the workout, one exercise, done, and the cooldown."""

from __future__ import annotations

from operator import itemgetter

from aiogram import F
from aiogram_dialog import Dialog, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, Row, Select, SwitchTo, Url
from aiogram_dialog.widgets.link_preview import LinkPreview
from aiogram_dialog.widgets.text import Case, Const, Format

from dialogs.states import WorkoutSG
from dialogs.workout import handlers
from dialogs.workout.getters import cooldown_getter, done_getter, exercise_getter, workout_getter
from dialogs.workout.keys import (
    COMPLETE_ID,
    COUNTER,
    DESCRIPTION,
    EXERCISE_ID,
    EXERCISES,
    FOUND,
    HAS_NEXT,
    HAS_PREVIOUS,
    HAS_WORKOUT,
    IMAGE_URL,
    INSTRUCTIONS,
    LINES,
    MY_WORKOUT_ID,
    NAME,
    NEXT_EXERCISE_ID,
    NEXT_TEXT,
    NOTES,
    PLANNED,
    PREVIOUS_EXERCISE_ID,
    PRIMARY,
    RATIONALE,
    SCHEME,
    SECONDARY,
    SLOW,
    SOURCE_NOTE,
    STATUS,
    TITLE,
    TO_MENU_ID,
    TO_WORKOUT_ID,
    VIDEO_URL,
    WARMUP,
)
from trainer_bot.db.enums import WorkoutStatus

TO_MENU = Button(Const("◀️ В меню"), id=TO_MENU_ID, on_click=handlers.on_to_menu)
TEXT_INPUT = MessageInput(handlers.on_text)
# A planned workout needs no status line.
STATUS_LINE = Case(
    {
        WorkoutStatus.COMPLETED.value: Const("✅ Выполнена"),
        WorkoutStatus.SKIPPED.value: Const("⏭ Заменена новой тренировкой"),
        ...: Const(""),
    },
    selector=STATUS,
)

PREVIEW_WORKOUT = {
    FOUND: True,
    TITLE: "Верх тела: грудь, спина, плечи",
    RATIONALE: "Вторая тренировка недели из трёх: после ног в прошлый раз сегодня верх тела.",
    WARMUP: "5–7 минут лёгкого кардио и суставная разминка, затем 2 лёгких подхода жима "
    "лёжа с половиной рабочего веса.",
    STATUS: WorkoutStatus.PLANNED.value,
    SOURCE_NOTE: "Составлено AI-тренером под твой профиль.",
    LINES: "1. <b>Жим штанги лёжа</b> — 3 × 8–10, 60 кг, отдых 2 мин\n"
    "2. <b>Тяга верхнего блока</b> — 3 × 10–12, 45 кг, отдых 90 с\n"
    "3. <b>Жим гантелей сидя</b> — 3 × 10–12, 14 кг, отдых 90 с\n"
    "4. <b>Планка</b> — 3 × 30–45 с, свой вес, отдых 60 с",
    EXERCISES: [
        (1, "1. Жим штанги лёжа"),
        (2, "2. Тяга верхнего блока"),
        (3, "3. Жим гантелей сидя"),
        (4, "4. Планка"),
    ],
    PLANNED: True,
}


def workout_dialog() -> Dialog:
    return Dialog(
        Window(
            Const(
                "⏳ Составляю тренировку под тебя: учитываю цель, опыт и прошлые занятия.\n\n"
                "Обычно это занимает несколько секунд — тренировка появится здесь.",
                when=~F["dialog_data"][SLOW],
            ),
            # Shown by the job runner after ~10 s (a background update, not a ticking edit).
            Const(
                "⏳ Тренеру нужно чуть больше времени, чем обычно — подбираю упражнения "
                "внимательнее.\n\n"
                "Можешь не ждать: вернись в меню и занимайся своими делами. Тренировка "
                "придёт сюда отдельным сообщением и будет в «📋 Моя тренировка».",
                when=F["dialog_data"][SLOW],
            ),
            TO_MENU,
            TEXT_INPUT,
            state=WorkoutSG.composing,
            preview_add_transitions=[SwitchTo(Const(""), id="ready", state=WorkoutSG.view)],
        ),
        Window(
            Format(f"🏋️ <b>{{{TITLE}}}</b>", when=F[FOUND]),
            STATUS_LINE,
            Format(f"<i>{{{RATIONALE}}}</i>\n", when=F[FOUND]),
            Format(f"🔥 <b>Разминка.</b> {{{WARMUP}}}\n", when=F[FOUND]),
            Format(f"{{{LINES}}}\n", when=F[FOUND]),
            Format(
                f"<i>{{{SOURCE_NOTE}}}</i>\nНажми на упражнение, чтобы увидеть технику.",
                when=F[FOUND],
            ),
            Const("Эта тренировка больше недоступна.", when=~F[FOUND]),
            Column(
                Select(
                    Format("{item[1]}"),
                    id=EXERCISE_ID,
                    item_id_getter=itemgetter(0),
                    items=EXERCISES,
                    type_factory=int,
                    on_click=handlers.on_exercise_selected,
                ),
            ),
            Button(
                Const("✅ Завершить тренировку"),
                id=COMPLETE_ID,
                on_click=handlers.on_complete,
                when=F[PLANNED],
            ),
            TO_MENU,
            TEXT_INPUT,
            state=WorkoutSG.view,
            getter=workout_getter,
            preview_add_transitions=[SwitchTo(Const(""), id="done", state=WorkoutSG.done)],
            preview_data=PREVIEW_WORKOUT,
        ),
        Window(
            # A link preview, not a photo: a photo caption is limited to 1,024 characters.
            LinkPreview(Format(f"{{{IMAGE_URL}}}"), show_above_text=True, when=F[IMAGE_URL]),
            Format(f"<b>{{{NAME}}}</b> · {{{COUNTER}}}\n", when=F[FOUND]),
            Format(f"📋 {{{SCHEME}}}", when=F[FOUND]),
            Format(f"💬 {{{NOTES}}}", when=F[NOTES]),
            Format(f"\n{{{DESCRIPTION}}}\n", when=F[FOUND]),
            Format(f"<b>Как выполнять</b>\n{{{INSTRUCTIONS}}}\n", when=F[FOUND]),
            Format(f"🎯 Основные мышцы: {{{PRIMARY}}}", when=F[FOUND]),
            Format(f"➕ Дополнительно: {{{SECONDARY}}}", when=F[SECONDARY]),
            Const("Упражнение не найдено.", when=~F[FOUND]),
            Url(Const("▶ Техника"), Format(f"{{{VIDEO_URL}}}"), when=F[FOUND]),
            Row(
                Button(
                    Const("⬅️"),
                    id=PREVIOUS_EXERCISE_ID,
                    on_click=handlers.on_step_exercise,
                    when=F[HAS_PREVIOUS],
                ),
                Button(
                    Const("➡️"),
                    id=NEXT_EXERCISE_ID,
                    on_click=handlers.on_step_exercise,
                    when=F[HAS_NEXT],
                ),
            ),
            SwitchTo(Const("◀️ К тренировке"), id=TO_WORKOUT_ID, state=WorkoutSG.view),
            TEXT_INPUT,
            state=WorkoutSG.exercise,
            getter=exercise_getter,
            preview_data={
                FOUND: True,
                NAME: "Жим штанги лёжа",
                COUNTER: "1 из 4",
                SCHEME: "3 × 8–10 · 60 кг · отдых 2 мин",
                NOTES: "Если все повторы даются легко и в запасе больше 3 — добавь 2,5 кг.",
                DESCRIPTION: "Базовое упражнение для груди, передних дельт и трицепса.",
                INSTRUCTIONS: "1. Ляг на скамью, лопатки сведены.\n2. Опусти гриф к груди.\n"
                "3. Выжми вверх на выдохе.",
                PRIMARY: "грудь",
                SECONDARY: "плечи, трицепс",
                VIDEO_URL: "https://www.youtube.com/results?search_query=жим+лёжа",
                IMAGE_URL: None,
                HAS_PREVIOUS: False,
                HAS_NEXT: True,
            },
        ),
        Window(
            Const("🎉 <b>Отличная работа!</b> Тренировка отмечена выполненной.\n"),
            Format(f"{{{NEXT_TEXT}}}"),
            Const("\nВосстанавливайся: сон, вода и белок помогут мышцам расти."),
            TO_MENU,
            TEXT_INPUT,
            state=WorkoutSG.done,
            getter=done_getter,
            preview_data={"next_text": "Следующая тренировка — через 11 ч 40 мин, в 21:40."},
        ),
        Window(
            Const("⏳ Новая тренировка пока недоступна: телу нужно восстановиться.\n"),
            Format(f"{{{NEXT_TEXT}}}"),
            SwitchTo(
                Const("📋 Моя тренировка"),
                id=MY_WORKOUT_ID,
                state=WorkoutSG.view,
                when=F[HAS_WORKOUT],
            ),
            TO_MENU,
            TEXT_INPUT,
            state=WorkoutSG.cooldown,
            getter=cooldown_getter,
            preview_data={
                NEXT_TEXT: "Следующая тренировка — через 3 ч 20 мин, в 21:40.",
                HAS_WORKOUT: True,
            },
        ),
        on_start=handlers.on_workout_start,
    )
