"""«🔁 Собрать заново»: the confirmation window, its getter and handlers.

Opened from the workout screen (while nothing is logged) and from the menu after a
profile change that affects training; «✅ Да, собрать заново» claims a rebuild and opens
the composing screen, which the job replaces with the new workout (the old one skipped).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from aiogram import F
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, StartMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, SwitchTo
from aiogram_dialog.widgets.text import Const, Format

from dialogs.common import ERROR_KEY, ERROR_LINE
from dialogs.fallback import UNDERSTOOD_TEXT
from dialogs.states import WorkoutSG
from dialogs.workout.keys import (
    CAN_REBUILD,
    NEXT_TEXT,
    PROFILE_CHANGED,
    REBUILD_BACK_ID,
    REBUILD_CONFIRM_ID,
    WORKOUT_ID,
)
from dialogs.workout.texts import wait_text
from trainer_bot.db.models import MAX_REBUILDS
from trainer_bot.formatting import plural
from trainer_bot.services.bot_services import BotServices, services_of
from trainer_bot.services.rebuilds import RebuildOutcome, RebuildStatus
from trainer_bot.time_zones import UserZone

logger = logging.getLogger(__name__)

REFUSALS = {
    RebuildOutcome.IN_PROGRESS: "Уже собираю тренировку — она появится отдельным сообщением.",
    RebuildOutcome.NOT_PLANNED: "Эта тренировка уже завершена или заменена — пересобирать нечего.",
    RebuildOutcome.LOGGED: "В этой тренировке уже записаны подходы — её не пересобрать. "
    "Замени отдельное упражнение кнопкой «🔄 Заменить».",
    RebuildOutcome.NOT_REGISTERED: "Сначала заполни анкету — /start.",
}


def _limit_text(services: BotServices, status: RebuildStatus, zone: UserZone) -> str:
    moment = status.available_at
    when = f" — она будет {wait_text(services.now(), moment, zone)}" if moment else ""
    return (
        f"Пересобрать можно не больше {MAX_REBUILDS} раз до следующей тренировки, "
        f"лимит исчерпан. Дождись новой тренировки{when}."
    )


def _status_text(services: BotServices, status: RebuildStatus, zone: UserZone) -> str:
    if status.available_at is None:
        return "Новая тренировка заменит эту — перерыв после прошлой уже прошёл."
    if status.left <= 0:
        return _limit_text(services, status, zone)
    times = plural(status.left, "раз", "раза", "раз")
    return (
        f"Можно пересобрать ещё {status.left} {times} до следующей тренировки "
        f"({wait_text(services.now(), status.available_at, zone)})."
    )


async def rebuild_getter(
    dialog_manager: DialogManager,
    services: BotServices,
    event_from_user: Any,
    **_: Any,
) -> dict[str, Any]:
    workout_id = dialog_manager.dialog_data.get(WORKOUT_ID)
    status = (
        await services.workouts.rebuild_status(event_from_user.id, workout_id)
        if isinstance(workout_id, int)
        else None
    )
    error = dialog_manager.dialog_data.get(ERROR_KEY)
    if status is None:
        return {
            NEXT_TEXT: "",
            CAN_REBUILD: False,
            PROFILE_CHANGED: False,
            ERROR_KEY: error or REFUSALS[RebuildOutcome.NOT_PLANNED],
        }
    if status.refused is not None:
        # Said before «Да» is offered (the workout was begun or replaced meanwhile).
        return {
            NEXT_TEXT: "",
            CAN_REBUILD: False,
            PROFILE_CHANGED: False,
            ERROR_KEY: error or REFUSALS[status.refused],
        }
    return {
        NEXT_TEXT: _status_text(services, status, await services.zone(event_from_user.id)),
        CAN_REBUILD: status.left > 0,
        PROFILE_CHANGED: bool(dialog_manager.dialog_data.get(PROFILE_CHANGED)),
        ERROR_KEY: error,
    }


async def on_rebuild_confirmed(
    callback: CallbackQuery, button: Button, manager: DialogManager
) -> None:
    workout_id = manager.dialog_data.get(WORKOUT_ID)
    if not isinstance(workout_id, int):
        manager.dialog_data[ERROR_KEY] = REFUSALS[RebuildOutcome.NOT_PLANNED]
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
        manager.dialog_data[ERROR_KEY] = _limit_text(
            services, request.status, await services.zone(telegram_id)
        )
        return
    if request.outcome is not RebuildOutcome.STARTED or request.job is None:
        manager.dialog_data[ERROR_KEY] = REFUSALS[request.outcome]
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


async def on_text(message: Message, widget: object, manager: DialogManager) -> None:
    await message.answer(UNDERSTOOD_TEXT)


def rebuild_window() -> Window:
    return Window(
        Const("🔁 <b>Собрать тренировку заново?</b>\n"),
        Const(
            "Анкета изменилась — соберу тренировку под новые данные.\n",
            when=F[PROFILE_CHANGED],
        ),
        Const(
            "Составлю новую тренировку вместо этой, постараюсь с другими упражнениями. "
            "Эта отметится как пропущенная.\n"
        ),
        Format(f"{{{NEXT_TEXT}}}\n", when=F[NEXT_TEXT]),
        ERROR_LINE,
        Button(
            Const("✅ Да, собрать заново"),
            id=REBUILD_CONFIRM_ID,
            on_click=on_rebuild_confirmed,
            when=F[CAN_REBUILD],
        ),
        Button(Const("◀️ Назад"), id=REBUILD_BACK_ID, on_click=on_rebuild_back),
        MessageInput(on_text),
        state=WorkoutSG.rebuild,
        getter=rebuild_getter,
        preview_add_transitions=[SwitchTo(Const(""), id="rebuilt", state=WorkoutSG.composing)],
        preview_data={
            NEXT_TEXT: "Можно пересобрать ещё 2 раза до следующей тренировки "
            "(через 11 ч 40 мин, в 21:40).",
            CAN_REBUILD: True,
            PROFILE_CHANGED: False,
            ERROR_KEY: None,
        },
    )
