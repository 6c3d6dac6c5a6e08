"""Registration wizard: one window per question, then a summary to confirm or correct."""

from __future__ import annotations

from operator import itemgetter

from aiogram.enums import ContentType
from aiogram_dialog import Dialog, Window
from aiogram_dialog.widgets.input import MessageInput, TextInput
from aiogram_dialog.widgets.kbd import Back, Button, Group, Select
from aiogram_dialog.widgets.text import Const, Format

from dialogs.common import BACK_TEXT, ERROR_LINE
from dialogs.registration import handlers, options
from dialogs.registration.getters import SUMMARY_FIELDS, step_getter, summary_getter
from dialogs.states import RegistrationSG
from trainer_bot.services.profile_rules import parse_age, parse_height, parse_weight

PROGRESS = Format("<i>{progress}</i>\n")
PREVIEW = {"progress": "Шаг 2 из 9", "error": None, "current_weight": "72,5"}


def _back() -> Button:
    return Button(BACK_TEXT, id="back", on_click=handlers.on_back)


def _choice_window(question: str, step_id: str, items: list[tuple[str, str]], state, width: int):  # type: ignore[no-untyped-def]
    return Window(
        PROGRESS,
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
        _back(),
        MessageInput(handlers.on_text_instead_of_button, content_types=ContentType.ANY),
        state=state,
        preview_add_transitions=[Back()],
        preview_data=PREVIEW,
    )


def _text_window(question: Format | Const, input_id: str, parse, on_success, state):  # type: ignore[no-untyped-def]
    return Window(
        PROGRESS,
        ERROR_LINE,
        question,
        TextInput(
            input_id, type_factory=parse, on_success=on_success, on_error=handlers.on_invalid_text
        ),
        MessageInput(handlers.on_not_text, content_types=ContentType.ANY),
        _back(),
        state=state,
        preview_add_transitions=[Back()],
        preview_data=PREVIEW,
    )


def registration_dialog() -> Dialog:
    return Dialog(
        _choice_window(
            "Давай познакомимся, чтобы тренировки подходили именно тебе. "
            "Это девять коротких вопросов.\n\nУкажи пол:",
            "gender",
            options.GENDERS,
            RegistrationSG.gender,
            width=2,
        ),
        _text_window(
            Const("Сколько тебе лет? Напиши числом, например 27."),
            "age_input",
            parse_age,
            handlers.on_age_entered,
            RegistrationSG.age,
        ),
        _text_window(
            Const("Какой у тебя рост в сантиметрах? Например 178."),
            "height_input",
            parse_height,
            handlers.on_height_entered,
            RegistrationSG.height,
        ),
        _text_window(
            Const("Сколько ты сейчас весишь, в килограммах? Можно с десятыми: 72,5."),
            "weight_input",
            parse_weight,
            handlers.on_weight_entered,
            RegistrationSG.weight,
        ),
        _choice_window(
            "Какой у тебя опыт силовых тренировок?",
            "level",
            options.LEVELS,
            RegistrationSG.level,
            width=1,
        ),
        _choice_window("Какая у тебя цель?", "goal", options.GOALS, RegistrationSG.goal, width=1),
        _text_window(
            Format(
                "Какой вес ты хочешь видеть на весах? Напиши целевой вес в килограммах "
                "(сейчас {current_weight} кг)."
            ),
            "target_weight_input",
            parse_weight,
            handlers.on_target_weight_entered,
            RegistrationSG.target_weight,
        ),
        _choice_window(
            "Сколько раз в неделю готов тренироваться?",
            "frequency",
            options.FREQUENCIES,
            RegistrationSG.frequency,
            width=3,
        ),
        _choice_window(
            "Где будешь тренироваться?",
            "equipment",
            options.EQUIPMENT,
            RegistrationSG.equipment,
            width=2,
        ),
        Window(
            Const("<b>Проверь анкету</b>\n"),
            Format("{answers}"),
            Format("\n{notes}", when="notes"),
            Const("\nВсё верно? Если нет — нажми на пункт, который хочешь поправить."),
            Button(Const("✅ Всё верно"), id="confirm", on_click=handlers.on_confirm),
            Group(
                Select(
                    Format("{item[1]}"),
                    id="edit_field",
                    item_id_getter=itemgetter(0),
                    items="fields",
                    on_click=handlers.on_edit_field,
                ),
                width=3,
            ),
            _back(),
            MessageInput(handlers.on_text_instead_of_button, content_types=ContentType.ANY),
            state=RegistrationSG.summary,
            getter=summary_getter,
            preview_data={
                "answers": "Пол: <b>Мужской</b>\nВозраст: <b>27</b>\nРост: <b>178 см</b>\n"
                "Вес: <b>82,5 кг</b>\nОпыт: <b>1–3 года</b>\nЦель: <b>Похудение</b>\n"
                "Целевой вес: <b>76 кг</b>\nТренировок в неделю: <b>3 раза</b>\n"
                "Где тренируешься: <b>Зал</b>",
                "notes": "💡 Реалистичный темп — 0,4–0,8 кг в неделю, то есть примерно "
                "8–16 недель.",
                "fields": [(key, f"✏️ {title}") for key, title in SUMMARY_FIELDS],
            },
        ),
        getter=step_getter,
        on_start=handlers.on_registration_start,
    )
