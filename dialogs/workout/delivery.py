"""How a workout job reaches the user: the screens a background job changes.

The result never takes over another screen: while the composing screen is on top it
becomes the workout; once the user has moved on (editing their weight, say), the workout
arrives as a new message in a dialog stack of its own, and the screen they are on keeps
its place (what they type still goes to it: text always goes to the default stack).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiogram import Bot
from aiogram.fsm.state import State
from aiogram_dialog import BaseDialogManager, DialogManager, ShowMode, StartMode

from dialogs.menu.keys import NOTICE
from dialogs.states import MenuSG, WorkoutSG
from dialogs.workout.keys import SLOW, WORKOUT_ID
from trainer_bot.services.bot_services import AppServices
from trainer_bot.services.workouts import JobTicket

GENERATION_FAILED_TEXT = (
    "Не получилось составить тренировку — что-то пошло не так на моей стороне. "
    "Нажми «🏋️ Получить тренировку», чтобы попробовать ещё раз 🙏"
)


# aiogram-dialog's fg() waits forever when the update fails before it is entered (Redis
# down: the error handler takes the failure and the manager never arrives).
ENTER_TIMEOUT_SECONDS = 10.0


@asynccontextmanager
async def _foreground(bg: BaseDialogManager) -> AsyncIterator[DialogManager]:
    context = bg.fg()
    manager = await asyncio.wait_for(context.__aenter__(), ENTER_TIMEOUT_SECONDS)
    try:
        yield manager
    except BaseException as error:
        await context.__aexit__(type(error), error, error.__traceback__)
        raise
    else:
        await context.__aexit__(None, None, None)


def _on_composing(manager: DialogManager) -> bool:
    return manager.has_context() and manager.current_context().state == WorkoutSG.composing


class WorkoutScreens:
    """`JobScreens` of trainer_bot/services/workout_jobs.py, on aiogram-dialog."""

    def __init__(self, app: AppServices) -> None:
        self._app = app

    async def show_result(self, bot: Bot, job: JobTicket, workout_id: int | None) -> None:
        state: State
        data: dict[str, Any]
        if workout_id is None:
            state, data = MenuSG.main, {NOTICE: GENERATION_FAILED_TEXT}
        else:
            state, data = WorkoutSG.view, {WORKOUT_ID: workout_id}
        bg = self._app.background(bot, job.telegram_id, job.chat_id, job.stack_id)
        # fg(): a dialog update of its own (the user's lock held), shown before it returns.
        async with _foreground(bg) as manager:
            if _on_composing(manager):
                if workout_id is None:
                    await manager.start(state, data=data, mode=StartMode.RESET_STACK)
                    return
                # The same dialog: the menu under it stays, so a second tap on the menu's
                # «Получить тренировку» is an outdated press, answered with a toast.
                manager.dialog_data[WORKOUT_ID] = workout_id
                await manager.switch_to(WorkoutSG.view)
                await manager.show()
                return
        # The user has moved on: a stack of the job's own (rather than StartMode.NEW_STACK,
        # whose lock handling trips RedisEventIsolation's ownership check in a background
        # update). Retrying this re-sends, never stacks up dialogs.
        own = self._app.background(bot, job.telegram_id, job.chat_id, f"job{job.job_id}")
        async with _foreground(own) as manager:
            await manager.start(
                state, data=data, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND
            )

    async def show_still_working(self, bot: Bot, job: JobTicket) -> None:
        bg = self._app.background(bot, job.telegram_id, job.chat_id, job.stack_id)
        async with _foreground(bg) as manager:
            if _on_composing(manager) and not manager.dialog_data.get(SLOW):
                manager.dialog_data[SLOW] = True
                await manager.show()
