"""How a workout job reaches the user: the screens a background job changes.

The result never takes over another screen: while the composing screen is on top it
becomes the workout; once the user has moved on (editing their weight, say), the workout
arrives as a new message in a dialog stack of its own, and the screen they are on keeps
its place (what they type still goes to it: text always goes to the default stack).
After a workout draft (the coach's answer streamed into the chat) the result is sent as
a new message, which is what replaces a draft in Telegram; the composing screen goes.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiogram import Bot
from aiogram.fsm.state import State
from aiogram_dialog import BaseDialogManager, DialogManager, ShowMode, StartMode
from aiogram_dialog.api.entities import DialogAction, DialogUpdate
from aiogram_dialog.api.entities.update_event import DialogFgEvent
from aiogram_dialog.manager.bg_manager import BgManager

from dialogs.menu.keys import NOTICE
from dialogs.states import MenuSG, WorkoutSG
from dialogs.workout.draft_text import draft_text
from dialogs.workout.keys import SLOW, WORKOUT_ID
from trainer_bot.llm.drafting import DraftPlan
from trainer_bot.services.bot_services import AppServices
from trainer_bot.services.workouts import JobTicket

GENERATION_FAILED_TEXT = (
    "Не получилось составить тренировку — что-то пошло не так на моей стороне. "
    "Нажми «🏋️ Получить тренировку», чтобы попробовать ещё раз 🙏"
)


class BackgroundUpdateFailedError(RuntimeError):
    """The background dialog update failed before it began (Redis down: the dispatcher's
    error handlers have logged and handled it)."""


@asynccontextmanager
async def _foreground(bg: BaseDialogManager) -> AsyncIterator[DialogManager]:
    """`bg.fg()` that fails instead of hanging: aiogram-dialog 2.6's waits for the manager
    forever when the update fails before entering (its task ends, nobody says so), and a
    timeout would be worse (an update entering later would hold the user's lock forever).
    This is the same update, awaited together with its task. (BgManager internals, 2.6.)
    """
    if not isinstance(bg, BgManager):  # pragma: no cover - what the factory returns
        async with bg.fg() as manager:
            yield manager
        return
    loop = asyncio.get_running_loop()
    event = DialogFgEvent(
        data=None,
        action=DialogAction.FG,
        entered=loop.create_future(),
        exited=loop.create_future(),
        **bg._base_event_params(),  # type: ignore[no-untyped-call]
    )
    bot = bg._event_context.bot
    update = DialogUpdate(aiogd_update=event.as_(bot)).as_(bot)
    task = bg._updater.notify_task(bot=bot, update=update)
    await asyncio.wait({task, event.entered}, return_when=asyncio.FIRST_COMPLETED)
    if not event.entered.done():
        raise BackgroundUpdateFailedError("the background dialog update failed")
    try:
        yield event.entered.result()
    except BaseException as error:
        if isinstance(error, Exception):
            event.exited.set_exception(error)
        else:
            event.exited.cancel()
        raise
    else:
        event.exited.set_result(None)
    await task


def _on_composing(manager: DialogManager) -> bool:
    return manager.has_context() and manager.current_context().state == WorkoutSG.composing


class WorkoutScreens:
    """`JobScreens` of trainer_bot/services/workout_jobs.py, on aiogram-dialog."""

    def __init__(self, app: AppServices) -> None:
        self._app = app

    def render_draft(self, draft: DraftPlan) -> str:
        return draft_text(draft)

    async def show_result(
        self, bot: Bot, job: JobTicket, workout_id: int | None, *, replace_draft: bool = False
    ) -> None:
        state: State
        data: dict[str, Any]
        if workout_id is None:
            state, data = MenuSG.main, {NOTICE: GENERATION_FAILED_TEXT}
        else:
            state, data = WorkoutSG.view, {WORKOUT_ID: workout_id}
        bg = self._app.background(bot, job.telegram_id, job.chat_id, job.stack_id)
        # fg(): a dialog update of its own (the user's lock held), shown before it returns.
        # An edit leaves a draft on screen: only a sent message replaces it.
        mode = ShowMode.DELETE_AND_SEND if replace_draft else None
        async with _foreground(bg) as manager:
            if _on_composing(manager):
                if workout_id is None:
                    await manager.start(
                        state, data=data, mode=StartMode.RESET_STACK, show_mode=mode
                    )
                    return
                # The same dialog: the menu under it stays, so a second tap on the menu's
                # «Получить тренировку» is an outdated press, answered with a toast.
                manager.dialog_data[WORKOUT_ID] = workout_id
                await manager.switch_to(WorkoutSG.view, show_mode=mode)
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
