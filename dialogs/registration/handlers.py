"""Registration handlers: the only place the wizard changes state."""

from __future__ import annotations

import logging
from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, StartMode
from aiogram_dialog.widgets.input import ManagedTextInput, MessageInput
from aiogram_dialog.widgets.kbd import Button, ManagedMultiselect, Select

from dialogs.common import ERROR_KEY
from dialogs.menu.keys import JUST_REGISTERED, REBUILD_OFFER
from dialogs.profile_text import HOME_EQUIPMENT_NAMES, HOME_NOTHING
from dialogs.registration.keys import (
    EDIT_UNSAVED,
    EDITING,
    HOME_EQUIPMENT_ID,
    SAVED_PROFILE,
    START_ANSWERS,
)
from dialogs.states import MenuSG, RegistrationSG, StartSG
from trainer_bot.db.enums import EquipmentType, Goal
from trainer_bot.services import profile_rules as rules
from trainer_bot.services.bot_services import services_of
from trainer_bot.services.profile_rules import ProfileAnswers, Step
from trainer_bot.services.rebuilds import training_changed

logger = logging.getLogger(__name__)

STEP_STATES = {
    Step.GENDER: RegistrationSG.gender,
    Step.AGE: RegistrationSG.age,
    Step.HEIGHT: RegistrationSG.height,
    Step.WEIGHT: RegistrationSG.weight,
    Step.LEVEL: RegistrationSG.level,
    Step.GOAL: RegistrationSG.goal,
    Step.TARGET_WEIGHT: RegistrationSG.target_weight,
    Step.FREQUENCY: RegistrationSG.frequency,
    Step.EQUIPMENT: RegistrationSG.equipment,
    Step.HOME_EQUIPMENT: RegistrationSG.home_equipment,
}
NOT_TEXT_HINTS = {
    RegistrationSG.age: "Мне нужен возраст числом, например 27.",
    RegistrationSG.height: "Мне нужен рост числом в сантиметрах, например 178.",
    RegistrationSG.weight: "Мне нужен вес числом в килограммах, например 72,5.",
    RegistrationSG.target_weight: "Мне нужен целевой вес числом в килограммах, например 68.",
}


async def on_registration_start(start_data: Any, manager: DialogManager) -> None:
    """Editing a saved profile starts on the summary with the answers filled in, or on
    the one step the profile screen asked about (which then returns to the summary)."""
    if not isinstance(start_data, dict) or not isinstance(start_data.get(START_ANSWERS), dict):
        return
    data = manager.dialog_data
    data.update(start_data[START_ANSWERS])
    data[SAVED_PROFILE] = True
    if manager.current_context().state != RegistrationSG.summary:
        data[EDITING] = True
    await _check_home_items(manager)


def _fail(manager: DialogManager, message: str) -> None:
    manager.dialog_data[ERROR_KEY] = message


async def _check_home_items(manager: DialogManager) -> None:
    """Show the stored home equipment answer as checks (none when never answered)."""
    widget = manager.find(HOME_EQUIPMENT_ID)
    assert isinstance(widget, ManagedMultiselect)
    items = manager.dialog_data.get(Step.HOME_EQUIPMENT)
    for item in widget.get_checked():
        await widget.set_checked(item, False)
    if isinstance(items, list):
        for item in items or [HOME_NOTHING]:
            await widget.set_checked(item, True)


async def leave_unsaved(manager: DialogManager) -> None:
    """Back to the profile the edit was opened from; it says nothing was saved."""
    await manager.done({EDIT_UNSAVED: True})


async def _advance(manager: DialogManager) -> None:
    """Go to the next step, or back to the summary when one answer was being changed."""
    data = manager.dialog_data
    data.pop(ERROR_KEY, None)
    editing = data.pop(EDITING, False)
    if manager.current_context().state == RegistrationSG.equipment:
        if data.get(Step.EQUIPMENT) == EquipmentType.BODYWEIGHT.value:
            # What they have at home comes next, also when the answer was changed.
            data[EDITING] = editing
            await _check_home_items(manager)
            await manager.switch_to(RegistrationSG.home_equipment)
            return
        if not editing:  # a gym user is not asked about home equipment
            await manager.switch_to(RegistrationSG.summary)
            return
    if not editing:
        await manager.next()
        return
    try:
        answers = ProfileAnswers.from_dialog_data(data)
    except (KeyError, ValueError):
        await manager.next()
        return
    problem = rules.first_problem(answers)
    if problem is None:
        await manager.switch_to(RegistrationSG.summary)
        return
    # The changed answer contradicts another one: ask for that one, then return.
    step, message = problem
    data[EDITING] = True
    _fail(manager, message)
    await manager.switch_to(STEP_STATES[step])


async def on_choice_selected(
    callback: CallbackQuery, widget: Select[str], manager: DialogManager, item_id: str
) -> None:
    step = Step(str(widget.widget_id))
    data = manager.dialog_data
    if step is Step.GOAL:
        problem = rules.check_goal(
            Goal(item_id), int(data[Step.AGE]), int(data[Step.HEIGHT]), float(data[Step.WEIGHT])
        )
        if problem:
            _fail(manager, problem)
            return
    data[step] = int(item_id) if step is Step.FREQUENCY else item_id
    await _advance(manager)


async def on_home_item_changed(
    event: Any, widget: ManagedMultiselect[str], manager: DialogManager, item_id: str
) -> None:
    """«Ничего нет» excludes everything else, and anything else excludes it."""
    if not widget.is_checked(item_id):
        return
    if item_id == HOME_NOTHING:
        for other in widget.get_checked():
            if other != HOME_NOTHING:
                await widget.set_checked(other, False)
    else:
        await widget.set_checked(HOME_NOTHING, False)


async def on_home_equipment_done(
    callback: CallbackQuery, button: Button, manager: DialogManager
) -> None:
    """Nothing checked means nothing at home, like «Ничего нет»."""
    widget = manager.find(HOME_EQUIPMENT_ID)
    assert isinstance(widget, ManagedMultiselect)
    # Only the offered items: a forged press may have checked an id no button has.
    checked = [item for item in widget.get_checked() if item in HOME_EQUIPMENT_NAMES]
    manager.dialog_data[Step.HOME_EQUIPMENT] = sorted(checked)
    await _advance(manager)


async def on_keep_current_weight(
    callback: CallbackQuery, button: Button, manager: DialogManager
) -> None:
    """Maintenance in one tap: the target is the current weight."""
    data = manager.dialog_data
    if data.get(Step.GOAL) != Goal.MAINTENANCE.value or data.get(Step.WEIGHT) is None:
        return  # an old button after the goal changed: the window shows the current step
    data[Step.TARGET_WEIGHT] = float(data[Step.WEIGHT])
    await _advance(manager)


async def on_age_entered(
    message: Message, widget: ManagedTextInput[int], manager: DialogManager, age: int
) -> None:
    manager.dialog_data[Step.AGE] = age
    await _advance(manager)


async def on_height_entered(
    message: Message, widget: ManagedTextInput[int], manager: DialogManager, height: int
) -> None:
    manager.dialog_data[Step.HEIGHT] = height
    await _advance(manager)


async def on_weight_entered(
    message: Message, widget: ManagedTextInput[float], manager: DialogManager, weight: float
) -> None:
    data = manager.dialog_data
    problem = rules.check_body_plausible(int(data[Step.AGE]), int(data[Step.HEIGHT]), weight)
    if problem:
        _fail(manager, problem)
        return
    data[Step.WEIGHT] = weight
    await _advance(manager)


async def on_target_weight_entered(
    message: Message, widget: ManagedTextInput[float], manager: DialogManager, target: float
) -> None:
    data = manager.dialog_data
    problem = rules.check_target_weight(
        Goal(data[Step.GOAL]),
        int(data[Step.AGE]),
        int(data[Step.HEIGHT]),
        float(data[Step.WEIGHT]),
        target,
    )
    if problem:
        _fail(manager, problem)
        return
    data[Step.TARGET_WEIGHT] = target
    await _advance(manager)


async def on_invalid_text(
    message: Message, widget: ManagedTextInput[Any], manager: DialogManager, error: ValueError
) -> None:
    _fail(manager, str(error))


async def on_not_text(message: Message, widget: MessageInput, manager: DialogManager) -> None:
    state = manager.current_context().state
    _fail(manager, NOT_TEXT_HINTS.get(state, "Мне нужен ответ текстом."))


async def on_text_instead_of_button(
    message: Message, widget: MessageInput, manager: DialogManager
) -> None:
    _fail(manager, "Выбери вариант кнопкой ниже 👇")


async def on_back(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    data = manager.dialog_data
    data.pop(ERROR_KEY, None)
    state = manager.current_context().state
    if data.pop(EDITING, False):
        await manager.switch_to(RegistrationSG.summary)
    elif data.get(SAVED_PROFILE) and state in (RegistrationSG.summary, RegistrationSG.gender):
        # A registered user goes back to the profile, never to the newcomer greeting.
        await leave_unsaved(manager)
    elif state == RegistrationSG.gender:
        await manager.start(StartSG.greeting, mode=StartMode.RESET_STACK)
    elif (
        state == RegistrationSG.summary
        and data.get(Step.EQUIPMENT) != EquipmentType.BODYWEIGHT.value
    ):
        await manager.switch_to(RegistrationSG.equipment)  # skips the home question
    else:
        await manager.back()


async def on_cancel_edit(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await leave_unsaved(manager)


async def on_edit_field(
    callback: CallbackQuery, widget: Select[str], manager: DialogManager, item_id: str
) -> None:
    manager.dialog_data[EDITING] = True
    manager.dialog_data.pop(ERROR_KEY, None)
    step = Step(item_id)
    if step is Step.HOME_EQUIPMENT:
        await _check_home_items(manager)
    await manager.switch_to(STEP_STATES[step])


async def on_confirm(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    data = manager.dialog_data
    try:
        answers = ProfileAnswers.from_dialog_data(data)
    except (KeyError, ValueError):
        # Only reachable with a damaged state: start the questions again.
        _fail(manager, "Анкета заполнена не до конца — давай пройдём её ещё раз.")
        await manager.switch_to(RegistrationSG.gender)
        return
    problem = rules.first_problem(answers)
    if problem is not None:
        step, message = problem
        data[EDITING] = True
        _fail(manager, message)
        await manager.switch_to(STEP_STATES[step])
        return
    sender = callback.from_user
    # Kept by the update's services: the menu opened next renders from the saved profile.
    await services_of(manager).users.save(sender.id, sender.first_name, answers)
    await manager.start(
        MenuSG.main,
        mode=StartMode.RESET_STACK,
        data={JUST_REGISTERED: True, REBUILD_OFFER: _training_changed(manager, answers)},
    )


def _training_changed(manager: DialogManager, answers: ProfileAnswers) -> bool:
    """A saved profile edited in a way that changes workouts (the menu offers a rebuild)."""
    start = manager.start_data
    if not isinstance(start, dict) or not isinstance(start.get(START_ANSWERS), dict):
        return False
    try:
        before = ProfileAnswers.from_dialog_data(start[START_ANSWERS])
    except (KeyError, ValueError):
        return False
    return training_changed(before, answers)
