"""Registration getters: read-only, they turn dialog_data into text for the windows."""

from __future__ import annotations

from typing import Any

from aiogram_dialog import DialogManager

from dialogs.common import ERROR_KEY
from dialogs.profile_text import EDIT_TITLES, answers_text
from dialogs.registration.keys import (
    ANSWERS_TEXT,
    CURRENT_WEIGHT,
    EDITING_SAVED,
    FIELDS,
    IS_MAINTENANCE,
    NOTES,
    PROGRESS,
    SAVED_PROFILE,
)
from dialogs.states import RegistrationSG
from trainer_bot.db.enums import EquipmentType, Goal
from trainer_bot.formatting import format_kg
from trainer_bot.services.profile_rules import ProfileAnswers, Step, profile_notes

# The home equipment question belongs to step 9 («Где будешь тренироваться?»).
STEPS_TOTAL = 9


async def step_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.dialog_data
    state = dialog_manager.current_context().state
    states = RegistrationSG.__all_states__
    number = states.index(state) + 1 if state in states else STEPS_TOTAL
    weight = data.get(Step.WEIGHT)
    return {
        PROGRESS: f"Шаг {min(number, STEPS_TOTAL)} из {STEPS_TOTAL}",
        ERROR_KEY: data.get(ERROR_KEY),
        CURRENT_WEIGHT: format_kg(float(weight)) if weight is not None else "",
        IS_MAINTENANCE: data.get(Step.GOAL) == Goal.MAINTENANCE.value and weight is not None,
        EDITING_SAVED: bool(data.get(SAVED_PROFILE)),
    }


def edit_buttons(answers: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    """The summary's «✏️ …» buttons; «Инвентарь» only for a «Свой вес» user."""
    with_home = answers is None or answers.get(Step.EQUIPMENT) == EquipmentType.BODYWEIGHT.value
    return [
        (key, f"✏️ {title}")
        for key, title in EDIT_TITLES.items()
        if key != Step.HOME_EQUIPMENT or with_home
    ]


async def summary_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.dialog_data
    try:
        notes = profile_notes(ProfileAnswers.from_dialog_data(data))
    except (KeyError, ValueError):
        notes = []
    return {
        ANSWERS_TEXT: answers_text(data),
        NOTES: "\n".join(f"💡 {note}" for note in notes),
        FIELDS: edit_buttons(data),
    }
