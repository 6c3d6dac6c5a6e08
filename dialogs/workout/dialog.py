"""Workout screens: composing, the workout, one exercise, done, and the cooldown."""

from __future__ import annotations

from operator import itemgetter

from aiogram_dialog import Dialog, StartMode, Window
from aiogram_dialog.widgets.kbd import Button, Column, Row, Select, Start, SwitchTo, Url
from aiogram_dialog.widgets.link_preview import LinkPreview
from aiogram_dialog.widgets.text import Const, Format

from dialogs.states import MenuSG, WorkoutSG
from dialogs.workout import handlers
from dialogs.workout.getters import cooldown_getter, done_getter, exercise_getter, workout_getter

TO_MENU = Start(Const("◀️ В меню"), id="to_menu", state=MenuSG.main, mode=StartMode.RESET_STACK)

PREVIEW_WORKOUT = {
    "found": True,
    "title": "Верх тела: грудь, спина, плечи",
    "rationale": "Вторая тренировка недели из трёх: после ног в прошлый раз сегодня верх тела.",
    "warmup": "5–7 минут лёгкого кардио и суставная разминка, затем 2 лёгких подхода жима "
    "лёжа с половиной рабочего веса.",
    "status_line": "",
    "source_note": "Составлено AI-тренером под твой профиль.",
    "lines": "1. <b>Жим штанги лёжа</b> — 3 × 8–10, 60 кг, отдых 2 мин\n"
    "2. <b>Тяга верхнего блока</b> — 3 × 10–12, 45 кг, отдых 90 с\n"
    "3. <b>Жим гантелей сидя</b> — 3 × 10–12, 14 кг, отдых 90 с\n"
    "4. <b>Планка</b> — 3 × 30–45 с, свой вес, отдых 60 с",
    "exercises": [
        (1, "1. Жим штанги лёжа"),
        (2, "2. Тяга верхнего блока"),
        (3, "3. Жим гантелей сидя"),
        (4, "4. Планка"),
    ],
    "planned": True,
}


def workout_dialog() -> Dialog:
    return Dialog(
        Window(
            Const(
                "⏳ Составляю тренировку под тебя: учитываю цель, опыт и прошлые занятия.\n\n"
                "Обычно это занимает несколько секунд — тренировка появится здесь."
            ),
            TO_MENU,
            state=WorkoutSG.composing,
            preview_add_transitions=[SwitchTo(Const(""), id="ready", state=WorkoutSG.view)],
        ),
        Window(
            Format("🏋️ <b>{title}</b>", when="found"),
            Format("{status_line}", when="status_line"),
            Format("<i>{rationale}</i>\n", when="found"),
            Format("🔥 <b>Разминка.</b> {warmup}\n", when="found"),
            Format("{lines}\n", when="found"),
            Format(
                "<i>{source_note}</i>\nНажми на упражнение, чтобы увидеть технику.", when="found"
            ),
            Const("Эта тренировка больше недоступна.", when=lambda d, *_: not d.get("found")),
            Column(
                Select(
                    Format("{item[1]}"),
                    id="exercise",
                    item_id_getter=itemgetter(0),
                    items="exercises",
                    type_factory=int,
                    on_click=handlers.on_exercise_selected,
                ),
            ),
            Button(
                Const("✅ Завершить тренировку"),
                id="complete",
                on_click=handlers.on_complete,
                when="planned",
            ),
            TO_MENU,
            state=WorkoutSG.view,
            getter=workout_getter,
            preview_add_transitions=[SwitchTo(Const(""), id="done", state=WorkoutSG.done)],
            preview_data=PREVIEW_WORKOUT,
        ),
        Window(
            # A link preview, not a photo: a photo caption is limited to 1,024 characters.
            LinkPreview(Format("{image_url}"), show_above_text=True, when="image_url"),
            Format("<b>{name}</b> · {counter}\n", when="found"),
            Format("📋 {scheme}", when="found"),
            Format("💬 {notes}", when="notes"),
            Format("\n{description}\n", when="found"),
            Format("<b>Как выполнять</b>\n{instructions}\n", when="found"),
            Format("🎯 Основные мышцы: {primary}", when="found"),
            Format("➕ Дополнительно: {secondary}", when="secondary"),
            Const("Упражнение не найдено.", when=lambda d, *_: not d.get("found")),
            Url(Const("▶ Техника"), Format("{video_url}"), when="found"),
            Row(
                Button(
                    Const("⬅️"),
                    id="previous_exercise",
                    on_click=handlers.on_step_exercise,
                    when="has_previous",
                ),
                Button(
                    Const("➡️"),
                    id="next_exercise",
                    on_click=handlers.on_step_exercise,
                    when="has_next",
                ),
            ),
            SwitchTo(Const("◀️ К тренировке"), id="to_workout", state=WorkoutSG.view),
            state=WorkoutSG.exercise,
            getter=exercise_getter,
            preview_data={
                "found": True,
                "name": "Жим штанги лёжа",
                "counter": "1 из 4",
                "scheme": "3 × 8–10 · 60 кг · отдых 2 мин",
                "notes": "Если все повторы даются легко и в запасе больше 3 — добавь 2,5 кг.",
                "description": "Базовое упражнение для груди, передних дельт и трицепса.",
                "instructions": "1. Ляг на скамью, лопатки сведены.\n2. Опусти гриф к груди.\n"
                "3. Выжми вверх на выдохе.",
                "primary": "грудь",
                "secondary": "плечи, трицепс",
                "video_url": "https://www.youtube.com/results?search_query=жим+лёжа",
                "image_url": None,
                "has_previous": False,
                "has_next": True,
            },
        ),
        Window(
            Const("🎉 <b>Отличная работа!</b> Тренировка отмечена выполненной.\n"),
            Format("{next_text}"),
            Const("\nВосстанавливайся: сон, вода и белок помогут мышцам расти."),
            TO_MENU,
            state=WorkoutSG.done,
            getter=done_getter,
            preview_data={"next_text": "Следующая тренировка — через 11 ч 40 мин, в 21:40."},
        ),
        Window(
            Const("⏳ Новая тренировка пока недоступна: телу нужно восстановиться.\n"),
            Format("{next_text}"),
            SwitchTo(
                Const("📋 Моя тренировка"),
                id="my_workout",
                state=WorkoutSG.view,
                when="has_workout",
            ),
            TO_MENU,
            state=WorkoutSG.cooldown,
            getter=cooldown_getter,
            preview_data={
                "next_text": "Следующая тренировка — через 3 ч 20 мин, в 21:40.",
                "has_workout": True,
            },
        ),
        on_start=handlers.on_workout_start,
    )
