"""Workout screen handlers: navigation between exercises, completion."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_dialog.api.entities import DEFAULT_STACK_ID
from aiogram_dialog.widgets.kbd import Button, Select

from dialogs.common import ERROR_KEY
from dialogs.fallback import UNDERSTOOD_TEXT
from dialogs.menu.keys import NOTICE
from dialogs.states import MenuSG, SwapSG, WorkoutSG
from dialogs.swap import keys as swap_keys
from dialogs.workout.keys import (
    AVAILABLE_AT,
    EFFORT,
    JUST_COMPLETED,
    NEXT_EXERCISE_ID,
    POSITION,
    PROFILE_CHANGED,
    REST_LOGGED,
    WORKOUT_ID,
)
from dialogs.workout.texts import REBUILD_REFUSALS, rebuild_limit_text
from trainer_bot.services.bot_services import services_of
from trainer_bot.services.rebuilds import RebuildOutcome
from trainer_bot.services.views import WorkoutView
from trainer_bot.services.workouts import CompletionOutcome

logger = logging.getLogger(__name__)


async def on_workout_start(start_data: Any, manager: DialogManager) -> None:
    if isinstance(start_data, dict):
        manager.dialog_data.update(start_data)


async def _workout(manager: DialogManager, telegram_id: int) -> WorkoutView | None:
    """The workout of this dialog, read once per update (the window reuses the read)."""
    workout_id = manager.dialog_data.get(WORKOUT_ID)
    if not isinstance(workout_id, int):
        return None
    return await services_of(manager).workouts.view(telegram_id, workout_id)


async def _back_to_menu(manager: DialogManager, notice: str) -> None:
    """Handlers never answer callbacks themselves: aiogram-dialog answers every one."""
    await manager.start(MenuSG.main, mode=StartMode.RESET_STACK, data={NOTICE: notice})


async def on_text(message: Message, widget: object, manager: DialogManager) -> None:
    """Text where buttons are expected: one line on what works; the screen comes again
    below it (aiogram-dialog sends it anew after a user's message)."""
    await message.answer(UNDERSTOOD_TEXT)


async def on_to_menu(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    """«◀️ В меню». A workout that arrived in a stack of its own (the user had moved on)
    opens the menu on the main stack, where typed text goes, and closes its own stack:
    otherwise the menu (and a profile edit started from it) would live where text never
    arrives."""
    if manager.current_stack().id == DEFAULT_STACK_ID:
        await manager.start(MenuSG.main, mode=StartMode.RESET_STACK)
        return
    await manager.reset_stack(remove_keyboard=True)
    # Runs once this update is done (the user's lock is free then).
    await manager.bg(stack_id=DEFAULT_STACK_ID).start(
        MenuSG.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND
    )


async def on_exercise_selected(
    callback: CallbackQuery, widget: Select[int], manager: DialogManager, position: int
) -> None:
    workout = await _workout(manager, callback.from_user.id)
    if workout is None or workout.exercise_at(position) is None:
        # Only forged callback data gets here: the buttons list the workout's positions.
        logger.warning(
            "User %s asked for exercise %s outside workout %s",
            callback.from_user.id,
            position,
            manager.dialog_data.get(WORKOUT_ID),
        )
        await callback.answer("Такого упражнения нет в этой тренировке.")
        return
    manager.dialog_data[POSITION] = position
    manager.dialog_data.pop(ERROR_KEY, None)
    await manager.switch_to(WorkoutSG.exercise)


async def on_step_exercise(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    """«⬅️» / «➡️» between exercises, kept within the workout (a double tap on the last
    «➡️» stays on the last exercise)."""
    step = 1 if button.widget_id == NEXT_EXERCISE_ID else -1
    wanted = int(manager.dialog_data.get(POSITION, 1)) + step
    workout = await _workout(manager, callback.from_user.id)
    if workout is not None and workout.exercises:
        wanted = workout.nearest_position(wanted)
    manager.dialog_data[POSITION] = wanted
    manager.dialog_data.pop(ERROR_KEY, None)


async def on_swap(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    """«🔄 Заменить»: the swap dialog for the exercise on screen (it returns here)."""
    workout = await _workout(manager, callback.from_user.id)
    if workout is None or not workout.exercises:
        await _back_to_menu(manager, "Эта тренировка больше недоступна.")
        return
    wanted = manager.dialog_data.get(POSITION)
    position = workout.nearest_position(int(wanted) if wanted is not None else None)
    item = workout.exercise_at(position)
    assert item is not None  # a position of the workout
    manager.dialog_data.pop(ERROR_KEY, None)
    await manager.start(
        SwapSG.reason,
        data={
            swap_keys.WORKOUT_ID: workout.id,
            swap_keys.POSITION: position,
            swap_keys.NAME: item.name,
        },
    )


async def on_rebuild_offered(
    callback: CallbackQuery, button: Button, manager: DialogManager
) -> None:
    """«🔁 Собрать заново» on the workout screen (not after a profile change)."""
    manager.dialog_data.pop(ERROR_KEY, None)
    manager.dialog_data.pop(PROFILE_CHANGED, None)


async def on_complete(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    workout_id = manager.dialog_data.get(WORKOUT_ID)
    if not isinstance(workout_id, int):
        await _back_to_menu(manager, "Эта тренировка больше недоступна.")
        return
    result = await services_of(manager).workouts.complete(callback.from_user.id, workout_id)
    if result.outcome is CompletionOutcome.NOT_REGISTERED:
        await _back_to_menu(manager, "Эта тренировка больше недоступна.")
        return
    manager.dialog_data[AVAILABLE_AT] = (
        result.next_available_at.isoformat() if result.next_available_at else None
    )
    if result.outcome in (CompletionOutcome.COMPLETED, CompletionOutcome.ALREADY_COMPLETED):
        # «Как прошло?» is asked once: right after this completion, not after a repeat.
        manager.dialog_data[JUST_COMPLETED] = result.outcome is CompletionOutcome.COMPLETED
        manager.dialog_data.pop(EFFORT, None)
        manager.dialog_data.pop(REST_LOGGED, None)
        await manager.switch_to(WorkoutSG.done)
    elif result.outcome is CompletionOutcome.REPLACED:
        await _back_to_menu(
            manager, "Эту тренировку уже заменила новая — она в «📋 Моя тренировка»."
        )
    else:
        await _back_to_menu(manager, "Такой тренировки нет.")


async def on_rebuild_confirmed(
    callback: CallbackQuery, button: Button, manager: DialogManager
) -> None:
    workout_id = manager.dialog_data.get(WORKOUT_ID)
    if not isinstance(workout_id, int):
        manager.dialog_data[ERROR_KEY] = REBUILD_REFUSALS[RebuildOutcome.NOT_PLANNED]
        return
    services = services_of(manager)
    telegram_id = callback.from_user.id
    chat_id = callback.message.chat.id if callback.message else telegram_id
    request = await services.workouts.rebuild(telegram_id, chat_id, workout_id)
    logger.info(
        "User %s asked to rebuild workout %s (%s)", telegram_id, workout_id, request.outcome.value
    )
    if request.outcome is RebuildOutcome.LIMIT:
        assert request.status is not None
        manager.dialog_data[ERROR_KEY] = rebuild_limit_text(
            services.now(), request.status, await services.zone(telegram_id)
        )
        return
    if request.outcome is not RebuildOutcome.STARTED or request.job is None:
        manager.dialog_data[ERROR_KEY] = REBUILD_REFUSALS[request.outcome]
        return
    job = dataclasses.replace(request.job, stack_id=manager.current_stack().id)
    bot = services.bot
    # As for «Получить тренировку»: the job starts once this update is done, and also
    # when saving the composing screen fails (its result then comes as a new message).
    services.after_update(lambda: services.workouts.start_job(bot, job))
    await manager.start(WorkoutSG.composing, mode=StartMode.RESET_STACK)


async def on_rebuild_back(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    """Back where the offer came from: the menu after a profile edit, else the workout."""
    manager.dialog_data.pop(ERROR_KEY, None)
    if manager.dialog_data.pop(PROFILE_CHANGED, None):
        await manager.done()
        return
    await manager.switch_to(WorkoutSG.view)
