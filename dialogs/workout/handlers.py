"""Workout handlers: request (with background generation), navigation, completion."""

from __future__ import annotations

import logging
from typing import Any

from aiogram import Bot
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery
from aiogram.utils.chat_action import ChatActionSender
from aiogram_dialog import BgManagerFactory, DialogManager, StartMode
from aiogram_dialog.widgets.kbd import Button, Select
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.states import MenuSG, StartSG, WorkoutSG
from trainer_bot.db.models import User, Workout
from trainer_bot.middlewares.db_session import after_update
from trainer_bot.services.users import get_user
from trainer_bot.services.workouts import CompletionOutcome, RequestOutcome, WorkoutService

logger = logging.getLogger(__name__)

WORKOUT_ID = "workout_id"
POSITION = "position"
AVAILABLE_AT = "available_at"
NOTICE = "notice"
# middleware_data key of the workout this update has read: the window shown after the
# handler renders from it instead of reading it again.
LOADED_WORKOUT_KEY = "loaded_workout"
GENERATION_FAILED_TEXT = (
    "Не получилось сохранить тренировку — сервис временно недоступен. "
    "Попробуй ещё раз через минуту 🙏"
)


async def load_workout(manager: DialogManager, telegram_id: int, workout_id: int) -> Workout | None:
    """The user's workout with its exercises (None if it is not theirs), read once per update."""
    loaded = manager.middleware_data.get(LOADED_WORKOUT_KEY)
    if isinstance(loaded, Workout) and loaded.id == workout_id:
        return loaded
    service: WorkoutService = manager.middleware_data["workout_service"]
    session: AsyncSession = manager.middleware_data["session"]
    workout = await service.get_for_telegram_user(session, telegram_id, workout_id)
    if workout is not None:
        manager.middleware_data[LOADED_WORKOUT_KEY] = workout
    return workout


async def on_workout_start(start_data: Any, manager: DialogManager) -> None:
    if isinstance(start_data, dict):
        manager.dialog_data.update(start_data)


async def request_workout(manager: DialogManager, user: User, chat_id: int) -> None:
    """What «Получить тренировку» and /workout do."""
    service: WorkoutService = manager.middleware_data["workout_service"]
    session: AsyncSession = manager.middleware_data["session"]
    logger.info("User %s asked for a workout", user.telegram_id)
    request = await service.request(session, user)
    if request.outcome is RequestOutcome.COOLDOWN:
        assert request.available_at is not None
        await manager.start(
            WorkoutSG.cooldown,
            data={
                AVAILABLE_AT: request.available_at.isoformat(),
                WORKOUT_ID: request.latest_workout_id,
            },
        )
        return
    await manager.start(WorkoutSG.composing)
    if request.outcome is RequestOutcome.STARTED:
        bot: Bot = manager.middleware_data["bot"]
        bg_factory: BgManagerFactory = manager.middleware_data["dialog_bg_factory"]
        generation = _generate_and_show(
            service, bg_factory, bot, user.id, user.telegram_id, chat_id
        )
        # Started once this update is done: the composing screen is not held back by it.
        after_update(
            manager.middleware_data,
            lambda: service.spawn(generation, name=f"workout-for-{user.telegram_id}"),
        )


async def _generate_and_show(
    service: WorkoutService,
    bg_factory: BgManagerFactory,
    bot: Bot,
    user_id: int,
    telegram_id: int,
    chat_id: int,
) -> None:
    bg = bg_factory.bg(bot=bot, user_id=telegram_id, chat_id=chat_id)
    try:
        async with ChatActionSender.typing(bot=bot, chat_id=chat_id):
            workout_id = await service.generate_and_save(user_id)
    except Exception:
        logger.exception("Workout generation for user %s failed", telegram_id)
        state: State = MenuSG.main
        data: dict[str, Any] = {NOTICE: GENERATION_FAILED_TEXT}
    else:
        state, data = WorkoutSG.view, {WORKOUT_ID: workout_id}
    # fg() runs the screen change as a dialog update and waits until it is shown.
    async with bg.fg() as manager:
        await manager.start(state, data=data, mode=StartMode.RESET_STACK)


async def on_get_workout(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    session: AsyncSession = manager.middleware_data["session"]
    user = await get_user(session, callback.from_user.id)
    if user is None:
        await manager.start(StartSG.greeting, mode=StartMode.RESET_STACK)
        return
    chat_id = callback.message.chat.id if callback.message else callback.from_user.id
    await request_workout(manager, user, chat_id)


async def on_my_workout(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    service: WorkoutService = manager.middleware_data["workout_service"]
    session: AsyncSession = manager.middleware_data["session"]
    latest_id = await service.latest_id(session, callback.from_user.id)
    if latest_id is None:
        await _back_to_menu(manager, "Тренировок пока нет — получи первую 💪")
        return
    await manager.start(WorkoutSG.view, data={WORKOUT_ID: latest_id})


async def _back_to_menu(manager: DialogManager, notice: str) -> None:
    """Handlers never answer callbacks themselves: aiogram-dialog answers every one."""
    await manager.start(MenuSG.main, mode=StartMode.RESET_STACK, data={NOTICE: notice})


async def on_exercise_selected(
    callback: CallbackQuery, widget: Select[int], manager: DialogManager, position: int
) -> None:
    workout_id = manager.dialog_data.get(WORKOUT_ID)
    workout = (
        await load_workout(manager, callback.from_user.id, workout_id)
        if isinstance(workout_id, int)
        else None
    )
    if workout is None or position not in {item.position for item in workout.exercises}:
        # Only forged callback data gets here: the buttons list the workout's positions.
        logger.warning(
            "User %s asked for exercise %s outside workout %s",
            callback.from_user.id,
            position,
            workout_id,
        )
        await callback.answer("Такого упражнения нет в этой тренировке.")
        return
    manager.dialog_data[POSITION] = position
    await manager.switch_to(WorkoutSG.exercise)


async def on_step_exercise(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    """«⬅️» / «➡️» between exercises; the getter keeps the position in range."""
    step = 1 if button.widget_id == "next_exercise" else -1
    manager.dialog_data[POSITION] = int(manager.dialog_data.get(POSITION, 1)) + step


async def on_complete(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    service: WorkoutService = manager.middleware_data["workout_service"]
    session: AsyncSession = manager.middleware_data["session"]
    user = await get_user(session, callback.from_user.id)
    workout_id = manager.dialog_data.get(WORKOUT_ID)
    if user is None or not isinstance(workout_id, int):
        await _back_to_menu(manager, "Эта тренировка больше недоступна.")
        return
    result = await service.complete(session, user, workout_id)
    manager.dialog_data[AVAILABLE_AT] = (
        result.next_available_at.isoformat() if result.next_available_at else None
    )
    if result.outcome in (CompletionOutcome.COMPLETED, CompletionOutcome.ALREADY_COMPLETED):
        await manager.switch_to(WorkoutSG.done)
    elif result.outcome is CompletionOutcome.REPLACED:
        await _back_to_menu(
            manager, "Эту тренировку уже заменила новая — она в «📋 Моя тренировка»."
        )
    else:
        await _back_to_menu(manager, "Такой тренировки нет.")
