"""Asking for a workout: what «Получить тренировку» and /workout both do.

A request that starts a job (a new one, or the user's orphaned one taken over) hands it to
the job runner once the update is done; the runner generates, saves and shows the result
(dialogs/workout/delivery.py), and a sweeper finishes it if this process dies.
"""

from __future__ import annotations

import dataclasses
import logging

from aiogram_dialog import DialogManager

from dialogs.states import WorkoutSG
from dialogs.workout.keys import AVAILABLE_AT, WORKOUT_ID
from trainer_bot.services.bot_services import BotServices
from trainer_bot.services.workouts import RequestOutcome

logger = logging.getLogger(__name__)

# A second tap on «Получить тренировку» while the first is being answered (or just was).
IN_PROGRESS_TOAST = "👌 Уже принял: тренировка — в сообщении ниже 👇"


async def request_workout(
    manager: DialogManager, services: BotServices, telegram_id: int, chat_id: int
) -> bool:
    """Open the cooldown or the composing screen; False (nothing shown) without a profile."""
    request = await services.workouts.request(telegram_id, chat_id)
    if request.outcome is RequestOutcome.NOT_REGISTERED:
        return False
    logger.info("User %s asked for a workout (%s)", telegram_id, request.outcome.value)
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
    if request.job is not None:
        job = dataclasses.replace(request.job, stack_id=manager.current_stack().id)
        bot = services.bot
        # Scheduled before the screen changes: if Redis fails to save the composing
        # screen, the job still runs (the update's after-callbacks run on failure too),
        # and its result arrives as a message of its own. Started once the update is done,
        # so the composing screen is not held back by it.
        services.after_update(lambda: services.workouts.start_job(bot, job))
    await manager.start(WorkoutSG.composing)
    return True
