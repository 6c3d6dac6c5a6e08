"""Workout screens: composing, the workout, one exercise, done, and the cooldown."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from aiogram import F
from aiogram.enums import ContentType
from aiogram_dialog import Dialog, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, Row, Select, Start, SwitchTo, Url
from aiogram_dialog.widgets.link_preview import LinkPreview
from aiogram_dialog.widgets.text import Case, Const, Format

from dialogs.common import ERROR_KEY, ERROR_LINE
from dialogs.states import SwapSG, TimezoneSG, WorkoutSG
from dialogs.workout import handlers, logging_handlers, rest
from dialogs.workout.getters import (
    cooldown_getter,
    done_getter,
    exercise_getter,
    rebuild_getter,
    workout_getter,
)
from dialogs.workout.keys import (
    ADD_SET_ID,
    ADD_SET_ITEMS,
    AS_WRITTEN_ID,
    ASK_EFFORT,
    ASK_ZONE_ID,
    CAN_REBUILD,
    CAN_REST,
    CAN_SKIP,
    CAN_SWAP,
    COMPLETE_ID,
    COUNTER,
    DESCRIPTION,
    EFFORT_ID,
    EFFORT_ITEMS,
    EFFORT_TEXT,
    EXERCISE_ID,
    EXERCISES,
    FOUND,
    HAS_NEXT,
    HAS_PREVIOUS,
    HAS_WORKOUT,
    IMAGE_URL,
    INSTRUCTIONS,
    LAST_TEXT,
    LINES,
    LOGGABLE,
    MY_WORKOUT_ID,
    NAME,
    NEXT_EXERCISE_ID,
    NEXT_TEXT,
    NOTES,
    OFFER_REST,
    PLANNED,
    POPULATION_NOTE,
    PREVIOUS_EXERCISE_ID,
    PRIMARY,
    PROFILE_CHANGED,
    RATIONALE,
    REBUILD_BACK_ID,
    REBUILD_CONFIRM_ID,
    REBUILD_ID,
    REST_AS_WRITTEN_ID,
    REST_LINE,
    REST_TEXT,
    REST_TIMER_ID,
    RESULT_TEXT,
    SCHEME,
    SECONDARY,
    SKIP_ID,
    SLOW,
    SOURCE_NOTE,
    STATUS,
    STEP_ID,
    STEP_ITEMS,
    SWAP_ID,
    SWAPPED_FROM,
    TITLE,
    TO_MENU_ID,
    TO_WORKOUT_ID,
    UNDO_ID,
    UNDO_ITEMS,
    VIDEO_URL,
    WARMUP,
    WHY,
    ZONE_UNCHOSEN,
)
from trainer_bot.db.enums import WorkoutStatus

TO_MENU = Button(Const("◀️ В меню"), id=TO_MENU_ID, on_click=handlers.on_to_menu)
TEXT_INPUT = MessageInput(handlers.on_text)
# Asked where a time of day is first shown, until the user chooses a zone.
ASK_ZONE = Start(
    Const("🕐 Указать мой часовой пояс"),
    id=ASK_ZONE_ID,
    state=TimezoneSG.choose,
    when=F[ZONE_UNCHOSEN],
)
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
    CAN_REBUILD: True,
    POPULATION_NOTE: None,
}


LOG_HINT = (
    "\n✍️ Запиши, как прошло: кнопками ниже или сообщением — "
    "<code>8 8 7</code>, <code>60 8 8 7</code>, <code>60кг 3х10</code>, <code>60x8</code>."
)


def logging_keyboard() -> list[Any]:
    """«✅ Сделал как написано», the weight/reps steppers, «➕ Подход N», skip and undo."""
    return [
        Button(
            Const("✅ Сделал как написано"),
            id=AS_WRITTEN_ID,
            on_click=logging_handlers.on_as_written,
            when=F[LOGGABLE],
        ),
        Row(
            Select(
                Format("{item[1]}"),
                id=STEP_ID,
                item_id_getter=itemgetter(0),
                items=STEP_ITEMS,
                on_click=logging_handlers.on_step,
            ),
            when=F[LOGGABLE],
        ),
        Column(
            Select(
                Format("{item[1]}"),
                id=ADD_SET_ID,
                item_id_getter=itemgetter(0),
                items=ADD_SET_ITEMS,
                type_factory=int,
                on_click=logging_handlers.on_add_set,
            ),
        ),
        Row(
            Button(
                Const("⏭ Пропустить"),
                id=SKIP_ID,
                on_click=logging_handlers.on_skip,
                when=F[CAN_SKIP],
            ),
            Select(
                Format("{item[1]}"),
                id=UNDO_ID,
                item_id_getter=itemgetter(0),
                items=UNDO_ITEMS,
                on_click=logging_handlers.on_undo,
            ),
        ),
    ]


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
            Format(f"{{{POPULATION_NOTE}}}\n", when=F[POPULATION_NOTE]),
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
            SwitchTo(
                Const("🔁 Собрать заново"),
                id=REBUILD_ID,
                state=WorkoutSG.rebuild,
                on_click=handlers.on_rebuild_offered,
                when=F[CAN_REBUILD],
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
            Format(f"🔄 Вместо «{{{SWAPPED_FROM}}}»", when=F[SWAPPED_FROM]),
            Format(f"📋 {{{SCHEME}}}", when=F[FOUND]),
            Format(f"📈 {{{WHY}}}", when=F[WHY]),
            Format(f"🕘 {{{LAST_TEXT}}}", when=F[LAST_TEXT]),
            Format(f"💬 {{{NOTES}}}", when=F[NOTES]),
            Format(f"\n{{{DESCRIPTION}}}\n", when=F[FOUND]),
            Format(f"<b>Как выполнять</b>\n{{{INSTRUCTIONS}}}\n", when=F[FOUND]),
            Format(f"🎯 Основные мышцы: {{{PRIMARY}}}", when=F[FOUND]),
            Format(f"➕ Дополнительно: {{{SECONDARY}}}", when=F[SECONDARY]),
            Const("Упражнение не найдено.", when=~F[FOUND]),
            Format(f"{{{RESULT_TEXT}}}", when=F[RESULT_TEXT]),
            Format(f"{{{REST_LINE}}}", when=F[REST_LINE]),
            Const(LOG_HINT, when=F[LOGGABLE]),
            ERROR_LINE,
            Url(Const("▶ Техника"), Format(f"{{{VIDEO_URL}}}"), when=F[FOUND]),
            *logging_keyboard(),
            Button(Const("⏱ Отдых"), id=REST_TIMER_ID, on_click=rest.on_rest, when=F[CAN_REST]),
            Button(Const("🔄 Заменить"), id=SWAP_ID, on_click=handlers.on_swap, when=F[CAN_SWAP]),
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
            MessageInput(logging_handlers.on_typed_sets, content_types=ContentType.ANY),
            state=WorkoutSG.exercise,
            getter=exercise_getter,
            preview_add_transitions=[SwitchTo(Const(""), id="swap", state=SwapSG.reason)],
            preview_data={
                FOUND: True,
                NAME: "Жим штанги лёжа",
                COUNTER: "1 из 4",
                SCHEME: "3 × 8–10 · 62,5 кг · отдых 2 мин",
                WHY: "62,5 кг — +2,5 кг: в прошлый раз все подходы по 10",
                LAST_TEXT: "В прошлый раз: 60 кг × 10, 10, 10",
                RESULT_TEXT: "✅ Записано: 62,5 кг × 8",
                REST_LINE: "⏱ Отдых 2 мин, затем подход 2 из 3.",
                CAN_REST: True,
                LOGGABLE: True,
                ADD_SET_ITEMS: [(2, "➕ Подход 2: 62,5 кг × 8")],
                UNDO_ITEMS: [("e1", "↩️ Отменить")],
                STEP_ITEMS: [
                    ("w-", "−2,5 кг"),
                    ("w+", "+2,5 кг"),
                    ("r-", "−1 повт."),
                    ("r+", "+1"),
                ],
                CAN_SKIP: True,
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
                CAN_SWAP: False,
                SWAPPED_FROM: "Жим гантелей лёжа",
            },
        ),
        Window(
            Const("🎉 <b>Отличная работа!</b> Тренировка отмечена выполненной.\n"),
            Format(f"{{{NEXT_TEXT}}}"),
            Const("\nВосстанавливайся: сон, вода и белок помогут мышцам расти."),
            Const(
                "\nЕсли какие-то упражнения не записал, но сделал их как написано, — "
                "нажми «✅ Остальное — как написано». Иначе они останутся без результата.",
                when=F[OFFER_REST],
            ),
            Format(f"\n{{{REST_TEXT}}}", when=F[REST_TEXT]),
            Const("\n<b>Как прошло?</b>", when=F[ASK_EFFORT]),
            Format(f"\n{{{EFFORT_TEXT}}}", when=F[EFFORT_TEXT]),
            Button(
                Const("✅ Остальное — как написано"),
                id=REST_AS_WRITTEN_ID,
                on_click=logging_handlers.on_rest_as_written,
                when=F[OFFER_REST],
            ),
            Row(
                Select(
                    Format("{item[1]}"),
                    id=EFFORT_ID,
                    item_id_getter=itemgetter(0),
                    items=EFFORT_ITEMS,
                    on_click=logging_handlers.on_effort,
                ),
                when=F[ASK_EFFORT],
            ),
            ASK_ZONE,
            TO_MENU,
            TEXT_INPUT,
            state=WorkoutSG.done,
            getter=done_getter,
            preview_data={
                NEXT_TEXT: "Следующая тренировка — через 11 ч 40 мин, в 21:40 по Москве.",
                ZONE_UNCHOSEN: True,
                ASK_EFFORT: True,
                OFFER_REST: True,
                REST_TEXT: "",
                EFFORT_TEXT: "",
                EFFORT_ITEMS: [
                    ("hard", "😮‍💨 Тяжело"),
                    ("normal", "👍 Нормально"),
                    ("easy", "😎 Легко"),
                ],
            },
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
            ASK_ZONE,
            TO_MENU,
            TEXT_INPUT,
            state=WorkoutSG.cooldown,
            getter=cooldown_getter,
            preview_data={
                NEXT_TEXT: "Следующая тренировка — через 3 ч 20 мин, в 21:40 по Москве.",
                ZONE_UNCHOSEN: True,
                HAS_WORKOUT: True,
            },
        ),
        Window(
            Const("🔁 <b>Собрать тренировку заново?</b>\n"),
            Const(
                "Анкета изменилась — соберу тренировку под новые данные.\n",
                when=F[PROFILE_CHANGED],
            ),
            Const(
                "Составлю новую тренировку вместо этой, постараюсь с другими упражнениями. "
                "Эта отметится как пропущенная.\n"
            ),
            Format(f"{{{NEXT_TEXT}}}\n", when=F[NEXT_TEXT]),
            ERROR_LINE,
            Button(
                Const("✅ Да, собрать заново"),
                id=REBUILD_CONFIRM_ID,
                on_click=handlers.on_rebuild_confirmed,
                when=F[CAN_REBUILD],
            ),
            Button(Const("◀️ Назад"), id=REBUILD_BACK_ID, on_click=handlers.on_rebuild_back),
            TEXT_INPUT,
            state=WorkoutSG.rebuild,
            getter=rebuild_getter,
            preview_add_transitions=[SwitchTo(Const(""), id="rebuilt", state=WorkoutSG.composing)],
            preview_data={
                NEXT_TEXT: "Можно пересобрать ещё 2 раза до следующей тренировки "
                "(через 11 ч 40 мин, в 21:40).",
                CAN_REBUILD: True,
                PROFILE_CHANGED: False,
                ERROR_KEY: None,
            },
        ),
        on_start=handlers.on_workout_start,
    )
