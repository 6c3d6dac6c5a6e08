"""Error handlers: stale buttons lead back to a working screen; failures get an answer."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError
from aiogram.filters import ExceptionTypeFilter
from aiogram.types import ErrorEvent, TelegramObject
from aiogram_dialog import DialogManager, ShowMode
from aiogram_dialog.api.exceptions import OutdatedIntent, UnknownIntent, UnknownState
from aiogram_dialog.utils import remove_intent_id
from redis.exceptions import RedisError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from dialogs.common import open_home
from dialogs.menu.keys import GET_WORKOUT_ID, NOTICE
from dialogs.menu.keys import MY_WORKOUT_ID as MENU_MY_WORKOUT_ID
from dialogs.states import MenuSG, WorkoutSG
from dialogs.workout.keys import WORKOUT_ID
from dialogs.workout_request import IN_PROGRESS_TOAST, request_workout
from trainer_bot.services.bot_services import BotServices

logger = logging.getLogger(__name__)

STALE_SCREEN_TEXT = "Этот экран устарел — открыл актуальный 👇"
OUTDATED_TEXT = "Этот экран уже обновился — смотри сообщение ниже 👇"
TEMPORARY_FAILURE_TEXT = (
    "Сервис временно недоступен — я уже в курсе. Попробуй ещё раз через минуту 🙏"
)
UNEXPECTED_FAILURE_TEXT = "Что-то пошло не так. Попробуй ещё раз или нажми /start."
TEMPORARY_ERRORS = (
    OperationalError,
    InterfaceError,
    DBAPIError,
    RedisError,
    OSError,
    asyncio.TimeoutError,
)


def _user_and_chat(event: ErrorEvent) -> tuple[int | None, int | None]:
    update = event.update
    if update.callback_query is not None:
        message = update.callback_query.message
        return update.callback_query.from_user.id, message.chat.id if message else None
    if update.message is not None:
        from_user = update.message.from_user
        return (from_user.id if from_user else None), update.message.chat.id
    # A background dialog update (a workout job showing its result): whose it is.
    background = getattr(update, "aiogd_update", None)
    if background is not None:
        return background.from_user.id, background.chat.id
    return None, None


def _widget_id(event: ErrorEvent) -> str | None:
    callback = event.update.callback_query
    if callback is None or not callback.data:
        return None
    _, widget_data = remove_intent_id(callback.data)
    return widget_data.partition(":")[0]


async def _old_menu_button(
    event: ErrorEvent, manager: DialogManager, services: BotServices, user_id: int, chat_id: int
) -> bool:
    """An old menu's «Получить тренировку» / «Моя тренировка» does what it says, on a
    fresh main screen (the previous one loses its keyboard); True when handled."""
    callback = event.update.callback_query
    widget = _widget_id(event)
    if callback is None or widget not in (GET_WORKOUT_ID, MENU_MY_WORKOUT_ID):
        return False
    if not await services.users.is_registered(user_id):
        return False
    if widget == GET_WORKOUT_ID:
        await manager.reset_stack(remove_keyboard=True)
        manager.show_mode = ShowMode.SEND
        await request_workout(manager, services, user_id, chat_id)
        await callback.answer()
        return True
    latest_id = await services.workouts.latest_id(user_id)
    await manager.reset_stack(remove_keyboard=True)
    data: dict[str, Any]
    if latest_id is None:
        data = {NOTICE: "Тренировок пока нет — получи первую 💪"}
        await manager.start(MenuSG.main, data=data, show_mode=ShowMode.SEND)
    else:
        data = {WORKOUT_ID: latest_id}
        await manager.start(WorkoutSG.view, data=data, show_mode=ShowMode.SEND)
    await callback.answer()
    return True


async def on_stale_dialog(
    event: ErrorEvent, dialog_manager: DialogManager, services: BotServices
) -> None:
    user_id, chat_id = _user_and_chat(event)
    logger.info(
        "User %s hit a stale screen (%s), reopening", user_id, type(event.exception).__name__
    )
    if (
        user_id is not None
        and chat_id is not None
        and await _old_menu_button(event, dialog_manager, services, user_id, chat_id)
    ):
        return
    if event.update.callback_query is not None:
        await event.update.callback_query.answer(STALE_SCREEN_TEXT)
    registered = user_id is not None and await services.users.is_registered(user_id)
    await open_home(dialog_manager, registered=registered)


async def on_outdated_button(event: ErrorEvent) -> None:
    """A button of a dialog that is still in the stack but not on top (a double tap).

    The screen on top is the right one: answer the tap and keep the user's progress.
    """
    callback = event.update.callback_query
    if callback is not None:
        # «Получить тренировку» tapped twice: the first tap is being (or was) answered.
        text = IN_PROGRESS_TOAST if _widget_id(event) == GET_WORKOUT_ID else OUTDATED_TEXT
        await callback.answer(text)


async def on_unexpected_error(event: ErrorEvent, bot: Bot) -> None:
    user_id, chat_id = _user_and_chat(event)
    error = event.exception
    temporary = isinstance(error, TEMPORARY_ERRORS)
    if temporary:
        logger.error("Update for user %s failed, service unavailable: %r", user_id, error)
    else:
        logger.exception("Update for user %s failed", user_id, exc_info=error)
    if getattr(event.update, "aiogd_update", None) is not None:
        return  # a background update: the workout job that sent it retries and tells the user
    text = TEMPORARY_FAILURE_TEXT if temporary else UNEXPECTED_FAILURE_TEXT
    try:
        if event.update.callback_query is not None:
            await event.update.callback_query.answer(text, show_alert=True)
        elif chat_id is not None:
            await bot.send_message(chat_id, text)
    except TelegramAPIError as answer_error:
        logger.warning("Could not tell user %s about the failure: %s", user_id, answer_error)


def _caused_by_storage(error: BaseException | None) -> bool:
    """True when `error`, or an error it was raised while handling, is Redis failing."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, RedisError):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


class StorageOutageMiddleware(BaseMiddleware):
    """Answers updates that failed because dialog storage (Redis) is down.

    It must run before aiogram-dialog's IntentErrorMiddleware: that one reloads the dialog
    stack from the same dead Redis to let error handlers use the dialog manager, fails
    again, and (aiogram-dialog 2.6) masks the failure as KeyError 'aiogd_context' so no
    handler runs and the user hears nothing.
    """

    async def __call__(
        self,
        handler: Callable[[ErrorEvent, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        assert isinstance(event, ErrorEvent)
        if _caused_by_storage(event.exception):
            await on_unexpected_error(event, data["bot"])
            return True
        try:
            return await handler(event, data)
        except Exception as error:
            if not _caused_by_storage(error):
                raise
            # Redis failed while another error was being handled: answer that one.
            await on_unexpected_error(ErrorEvent(update=event.update, exception=error), data["bot"])
            return True


def register_error_handlers(dp: Dispatcher) -> None:
    """Call before `setup_dialogs`, so the outage middleware runs before the dialog one."""
    dp.errors.outer_middleware(StorageOutageMiddleware())
    dp.errors.register(on_stale_dialog, ExceptionTypeFilter(UnknownIntent, UnknownState))
    dp.errors.register(on_outdated_button, ExceptionTypeFilter(OutdatedIntent))
    dp.errors.register(on_unexpected_error)
