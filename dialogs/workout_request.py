"""Asking for a workout: what «Получить тренировку» and /workout both do.

The workout is generated in the background once the update is done; the composing screen
is replaced by the workout (or by the menu with a notice when generation failed).
"""

from __future__ import annotations

import logging
from typing import Any

from aiogram.fsm.state import State
from aiogram.utils.chat_action import ChatActionSender
from aiogram_dialog import BaseDialogManager, DialogManager, StartMode

from dialogs.menu.keys import NOTICE
from dialogs.states import MenuSG, WorkoutSG
from dialogs.workout.keys import AVAILABLE_AT, WORKOUT_ID
from trainer_bot.services.bot_services import BotServices
from trainer_bot.services.workouts import RequestOutcome, WorkoutRequest

logger = logging.getLogger(__name__)

GENERATION_FAILED_TEXT = (
    "Не получилось сохранить тренировку — сервис временно недоступен. "
    "Попробуй ещё раз через минуту 🙏"
)


async def request_workout(
    manager: DialogManager, services: BotServices, telegram_id: int, chat_id: int
) -> bool:
    """Open the cooldown or the composing screen; False (nothing shown) without a profile."""
    request = await services.workouts.request(telegram_id)
    if request.outcome is RequestOutcome.NOT_REGISTERED:
        return False
    logger.info("User %s asked for a workout", telegram_id)
    if request.outcome is RequestOutcome.COOLDOWN:
        assert request.available_at is not None
        await manager.start(
            WorkoutSG.cooldown,
            data={
                AVAILABLE_AT: request.available_at.isoformat(),
                WORKOUT_ID: request.latest_workout_id,
            },
        )
        return True
    await manager.start(WorkoutSG.composing)
    if request.outcome is RequestOutcome.STARTED:
        bg = services.background(telegram_id, chat_id)
        generation = _generate_and_show(services, request, bg, telegram_id, chat_id)
        # Started once this update is done: the composing screen is not held back by it.
        services.after_update(
            lambda: services.workouts.spawn(generation, name=f"workout-for-{telegram_id}")
        )
    return True


async def _generate_and_show(
    services: BotServices,
    request: WorkoutRequest,
    bg: BaseDialogManager,
    telegram_id: int,
    chat_id: int,
) -> None:
    """Runs after the update: only what outlives its session is used (the generation has
    sessions of its own; the Bot and the background manager need none)."""
    try:
        async with ChatActionSender.typing(bot=services.bot, chat_id=chat_id):
            workout_id = await services.workouts.generate_and_save(request)
    except Exception:
        logger.exception("Workout generation for user %s failed", telegram_id)
        state: State = MenuSG.main
        data: dict[str, Any] = {NOTICE: GENERATION_FAILED_TEXT}
    else:
        state, data = WorkoutSG.view, {WORKOUT_ID: workout_id}
    # fg() runs the screen change as a dialog update and waits until it is shown.
    async with bg.fg() as manager:
        await manager.start(state, data=data, mode=StartMode.RESET_STACK)
