"""Registration wizard: one window per question, then a summary to confirm or correct."""

from __future__ import annotations

from operator import itemgetter

from aiogram import F
from aiogram.enums import ContentType
from aiogram_dialog import Dialog, Window
from aiogram_dialog.widgets.input import MessageInput, TextInput
from aiogram_dialog.widgets.kbd import Back, Button, Group, Row, Select
from aiogram_dialog.widgets.text import Const, Format

from dialogs.common import BACK_TEXT, ERROR_KEY, ERROR_LINE
from dialogs.profile_text import (
    EQUIPMENT,
    FREQUENCIES,
    GENDERS,
    GOALS,
    HOME_EQUIPMENT_CHOICES,
    LEVELS,
)
from dialogs.registration import handlers
from dialogs.registration.getters import edit_buttons, step_getter, summary_getter
from dialogs.registration.keys import (
    AGE_INPUT_ID,
    ANSWERS_TEXT,
    BACK_ID,
    CANCEL_ID,
    CONFIRM_ID,
    CURRENT_WEIGHT,
    EDIT_FIELD_ID,
    EDITING_SAVED,
    EQUIPMENT_ID,
    FIELDS,
    FREQUENCY_ID,
    GENDER_ID,
    GOAL_ID,
    HEIGHT_INPUT_ID,
    HOME_DONE_ID,
    HOME_EQUIPMENT_ID,
    IS_MAINTENANCE,
    KEEP_WEIGHT_ID,
    LEVEL_ID,
    NOTES,
    PROGRESS,
    TARGET_WEIGHT_INPUT_ID,
    WEIGHT_INPUT_ID,
)
from dialogs.registration.widgets import PREVIEW_CHECKED, PreviewedMultiselect
from dialogs.states import RegistrationSG
from trainer_bot.services.profile_rules import parse_age, parse_height, parse_weight

PROGRESS_LINE = Format(f"<i>{{{PROGRESS}}}</i>\n")
PREVIEW = {
    PROGRESS: "Шаг 2 из 9",
    ERROR_KEY: None,
    CURRENT_WEIGHT: "72,5",
    IS_MAINTENANCE: False,
    EDITING_SAVED: False,
}


def _back() -> Button:
    return Button(BACK_TEXT, id=BACK_ID, on_click=handlers.on_back)


def _navigation() -> Row:
    """«Назад»; and «Отмена» while a saved profile is edited (back to the profile)."""
    return Row(
        _back(),
        Button(
            Const("✖️ Отмена"),
            id=CANCEL_ID,
            on_click=handlers.on_cancel_edit,
            when=F[EDITING_SAVED],
        ),
    )


def _choice_window(question: str, step_id: str, items: list[tuple[str, str]], state, width: int):  # type: ignore[no-untyped-def]
    return Window(
        PROGRESS_LINE,
        ERROR_LINE,
        Const(question),
        Group(
            Select(
                Format("{item[1]}"),
                id=step_id,
                item_id_getter=itemgetter(0),
                items=items,
                on_click=handlers.on_choice_selected,
            ),
            width=width,
        ),
        _navigation(),
        MessageInput(handlers.on_text_instead_of_button, content_types=ContentType.ANY),
        state=state,
        preview_add_transitions=[Back()],
        preview_data=PREVIEW,
    )


def _text_window(question: Format | Const, input_id: str, parse, on_success, state, *extra):  # type: ignore[no-untyped-def]
    return Window(
        PROGRESS_LINE,
        ERROR_LINE,
        question,
        TextInput(
            input_id, type_factory=parse, on_success=on_success, on_error=handlers.on_invalid_text
        ),
        MessageInput(handlers.on_not_text, content_types=ContentType.ANY),
        *extra,
        _navigation(),
        state=state,
        preview_add_transitions=[Back()],
        preview_data=PREVIEW,
    )


def registration_dialog() -> Dialog:
    return Dialog(
        _choice_window(
            "Давай познакомимся, чтобы тренировки подходили именно тебе. "
            "Это девять коротких вопросов.\n\nУкажи пол:",
            GENDER_ID,
            GENDERS,
            RegistrationSG.gender,
            width=2,
        ),
        _text_window(
            Const("Сколько тебе лет? Напиши числом, например 27."),
            AGE_INPUT_ID,
            parse_age,
            handlers.on_age_entered,
            RegistrationSG.age,
        ),
        _text_window(
            Const("Какой у тебя рост в сантиметрах? Например 178."),
            HEIGHT_INPUT_ID,
            parse_height,
            handlers.on_height_entered,
            RegistrationSG.height,
        ),
        _text_window(
            Const("Сколько ты сейчас весишь, в килограммах? Можно с десятыми: 72,5."),
            WEIGHT_INPUT_ID,
            parse_weight,
            handlers.on_weight_entered,
            RegistrationSG.weight,
        ),
        _choice_window(
            "Какой у тебя опыт силовых тренировок?",
            LEVEL_ID,
            LEVELS,
            RegistrationSG.level,
            width=1,
        ),
        _choice_window("Какая у тебя цель?", GOAL_ID, GOALS, RegistrationSG.goal, width=1),
        _text_window(
            Format(
                "Какой вес ты хочешь видеть на весах? Напиши целевой вес в килограммах "
                f"(сейчас {{{CURRENT_WEIGHT}}} кг).",
                when=~F[IS_MAINTENANCE],
            ),
            TARGET_WEIGHT_INPUT_ID,
            parse_weight,
            handlers.on_target_weight_entered,
            RegistrationSG.target_weight,
            # Maintenance keeps the weight: one tap instead of typing it.
            Format(
                f"Для поддержания формы обычно оставляют текущий вес — {{{CURRENT_WEIGHT}}} кг. "
                "Нажми кнопку ниже или напиши свой целевой вес (в пределах ±3%).",
                when=F[IS_MAINTENANCE],
            ),
            Button(
                Format(f"Оставить текущий вес ({{{CURRENT_WEIGHT}}} кг)"),
                id=KEEP_WEIGHT_ID,
                on_click=handlers.on_keep_current_weight,
                when=F[IS_MAINTENANCE],
            ),
        ),
        _choice_window(
            "Сколько раз в неделю готов тренироваться?",
            FREQUENCY_ID,
            FREQUENCIES,
            RegistrationSG.frequency,
            width=3,
        ),
        _choice_window(
            "Где будешь тренироваться?",
            EQUIPMENT_ID,
            EQUIPMENT,
            RegistrationSG.equipment,
            width=2,
        ),
        Window(
            PROGRESS_LINE,
            ERROR_LINE,
            Const(
                "Что есть у тебя дома? Отметь всё, что подходит, и нажми «Готово» — "
                "в тренировках будет только то, что у тебя есть."
            ),
            Group(
                PreviewedMultiselect(
                    Format("✅ {item[1]}"),
                    Format("{item[1]}"),
                    id=HOME_EQUIPMENT_ID,
                    item_id_getter=itemgetter(0),
                    items=HOME_EQUIPMENT_CHOICES,
                    on_state_changed=handlers.on_home_item_changed,
                ),
                width=1,
            ),
            Button(Const("Готово"), id=HOME_DONE_ID, on_click=handlers.on_home_equipment_done),
            _navigation(),
            MessageInput(handlers.on_text_instead_of_button, content_types=ContentType.ANY),
            state=RegistrationSG.home_equipment,
            preview_add_transitions=[Back()],
            preview_data={
                **PREVIEW,
                PROGRESS: "Шаг 9 из 9",
                PREVIEW_CHECKED: ["pullup_bar", "dumbbell"],
            },
        ),
        Window(
            Const("<b>Проверь анкету</b>\n"),
            Format(f"{{{ANSWERS_TEXT}}}"),
            Format(f"\n{{{NOTES}}}", when=F[NOTES]),
            Const("\nВсё верно? Если нет — нажми на пункт, который хочешь поправить."),
            Button(Const("✅ Всё верно"), id=CONFIRM_ID, on_click=handlers.on_confirm),
            Group(
                Select(
                    Format("{item[1]}"),
                    id=EDIT_FIELD_ID,
                    item_id_getter=itemgetter(0),
                    items=FIELDS,
                    on_click=handlers.on_edit_field,
                ),
                width=2,  # a third column is cut off on a phone
            ),
            _back(),
            MessageInput(handlers.on_text_instead_of_button, content_types=ContentType.ANY),
            state=RegistrationSG.summary,
            getter=summary_getter,
            preview_data={
                ANSWERS_TEXT: "Пол: <b>Мужской</b>\nВозраст: <b>27</b>\nРост: <b>178 см</b>\n"
                "Вес: <b>82,5 кг</b>\nОпыт: <b>1–3 года</b>\nЦель: <b>Похудение</b>\n"
                "Целевой вес: <b>76 кг</b>\nТренировок в неделю: <b>3 раза</b>\n"
                "Где тренируешься: <b>Свой вес</b>\nДома: <b>турник, гантели</b>",
                NOTES: "💡 Реалистичный темп — 0,4–0,8 кг в неделю, то есть примерно 8–16 недель.",
                FIELDS: edit_buttons(),
            },
        ),
        getter=step_getter,
        on_start=handlers.on_registration_start,
    )
