"""Registration getters: read-only, they turn dialog_data into text for the windows."""

from __future__ import annotations

from typing import Any

from aiogram_dialog import DialogManager

from dialogs.common import ERROR_KEY
from dialogs.registration.options import label
from dialogs.states import RegistrationSG
from trainer_bot.services.profile_rules import ProfileAnswers, Step, format_kg, profile_notes

STEPS_TOTAL = 9
SUMMARY_FIELDS = [
    (Step.GENDER.value, "Пол"),
    (Step.AGE.value, "Возраст"),
    (Step.HEIGHT.value, "Рост"),
    (Step.WEIGHT.value, "Вес"),
    (Step.LEVEL.value, "Опыт"),
    (Step.GOAL.value, "Цель"),
    (Step.TARGET_WEIGHT.value, "Целевой вес"),
    (Step.FREQUENCY.value, "Тренировок в неделю"),
    (Step.EQUIPMENT.value, "Где тренируешься"),
]


def answer_text(step: Step, value: Any) -> str:
    if step is Step.AGE:
        return str(value)
    if step is Step.HEIGHT:
        return f"{value} см"
    if step in (Step.WEIGHT, Step.TARGET_WEIGHT):
        return f"{format_kg(float(value))} кг"
    return label(step.value, value)


async def step_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.dialog_data
    state = dialog_manager.current_context().state
    states = RegistrationSG.__all_states__
    number = states.index(state) + 1 if state in states else STEPS_TOTAL
    weight = data.get(Step.WEIGHT)
    return {
        "progress": f"Шаг {min(number, STEPS_TOTAL)} из {STEPS_TOTAL}",
        ERROR_KEY: data.get(ERROR_KEY),
        "current_weight": format_kg(float(weight)) if weight is not None else "",
    }


async def summary_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.dialog_data
    lines = [
        f"{title}: <b>{answer_text(Step(key), data[key])}</b>"
        for key, title in SUMMARY_FIELDS
        if key in data
    ]
    try:
        notes = profile_notes(ProfileAnswers.from_dialog_data(data))
    except (KeyError, ValueError):
        notes = []
    return {
        "answers": "\n".join(lines),
        "notes": "\n".join(f"💡 {note}" for note in notes),
        "fields": [(key, f"✏️ {title}") for key, title in SUMMARY_FIELDS],
    }
