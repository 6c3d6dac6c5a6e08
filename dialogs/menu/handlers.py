"""Main menu buttons: the workout, the saved workout, editing the profile."""

from __future__ import annotations

from typing import Any

from aiogram.fsm.state import State
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_dialog.widgets.kbd import Button

from dialogs.common import UNSAVED_TEXT
from dialogs.fallback import UNDERSTOOD_TEXT
from dialogs.menu.keys import NOTICE, PROFILE_NOTICE
from dialogs.registration.keys import EDIT_UNSAVED, START_ANSWERS
from dialogs.states import MenuSG, RegistrationSG, StartSG, WorkoutSG
from dialogs.workout.keys import PROFILE_CHANGED, WORKOUT_ID
from dialogs.workout_request import request_workout
from trainer_bot.services.bot_services import services_of


async def on_get_workout(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    chat_id = callback.message.chat.id if callback.message else callback.from_user.id
    if not await request_workout(manager, services_of(manager), callback.from_user.id, chat_id):
        await manager.start(StartSG.greeting, mode=StartMode.RESET_STACK)


async def on_my_workout(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    latest_id = await services_of(manager).workouts.latest_id(callback.from_user.id)
    if latest_id is None:
        # Handlers never answer callbacks themselves: aiogram-dialog answers every one.
        await manager.start(
            MenuSG.main,
            mode=StartMode.RESET_STACK,
            data={NOTICE: "Тренировок пока нет — получи первую 💪"},
        )
        return
    await manager.start(WorkoutSG.view, data={WORKOUT_ID: latest_id})


async def on_rebuild_after_edit(
    callback: CallbackQuery, button: Button, manager: DialogManager
) -> None:
    """«🔁 Собрать заново» under a profile change: the rebuild's confirmation (it says
    why, and whether one is left)."""
    planned_id = await services_of(manager).workouts.planned_id(callback.from_user.id)
    if planned_id is None:
        await manager.start(
            MenuSG.main,
            mode=StartMode.RESET_STACK,
            data={NOTICE: "Пересобирать нечего: запланированной тренировки нет."},
        )
        return
    await manager.start(WorkoutSG.rebuild, data={WORKOUT_ID: planned_id, PROFILE_CHANGED: True})


async def _edit_profile(manager: DialogManager, telegram_id: int, state: State) -> None:
    manager.dialog_data.pop(PROFILE_NOTICE, None)
    profile = await services_of(manager).users.profile(telegram_id)
    if profile is None:
        await manager.start(RegistrationSG.gender)
        return
    await manager.start(state, data={START_ANSWERS: profile.answers_data()})


async def on_edit_profile(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await _edit_profile(manager, callback.from_user.id, RegistrationSG.summary)


async def on_set_home_equipment(
    callback: CallbackQuery, button: Button, manager: DialogManager
) -> None:
    """The one question a «Свой вес» user registered before it existed; then the summary."""
    await _edit_profile(manager, callback.from_user.id, RegistrationSG.home_equipment)


async def on_leave_profile(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop(PROFILE_NOTICE, None)


async def on_edit_result(start_data: Any, result: Any, manager: DialogManager) -> None:
    """The profile edit was dropped: the profile screen says so, once."""
    if isinstance(result, dict) and result.get(EDIT_UNSAVED):
        manager.dialog_data[PROFILE_NOTICE] = UNSAVED_TEXT
        if manager.current_context().state != MenuSG.profile:
            await manager.switch_to(MenuSG.profile)


async def on_text_on_menu(message: Message, widget: object, manager: DialogManager) -> None:
    """Text where buttons are expected: one line on what works, then a fresh menu
    (without re-announcing the saved profile)."""
    await message.answer(UNDERSTOOD_TEXT)
    await manager.start(MenuSG.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)
