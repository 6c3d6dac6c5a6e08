"""The reminder message and its two buttons; the user blocking the bot and coming back.

The message is sent by the reminder sender (trainer_bot/services/reminder_sender.py),
outside any dialog, so its buttons carry plain callback data (`rmd:open`, `rmd:off`)
that this router answers: «🏋️ К тренировке» opens the planned workout or asks for a new
one, «🔕 Выключить напоминания» switches them off in one tap and says so in place.
"""

from __future__ import annotations

import logging

from aiogram import F, Router
from aiogram.enums import ChatMemberStatus, ChatType
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import (
    CallbackQuery,
    ChatMemberUpdated,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram_dialog import DialogManager, ShowMode

from dialogs.common import open_home
from dialogs.reminders.keys import PROMPT_OFF, PROMPT_OPEN
from dialogs.states import WorkoutSG
from dialogs.workout.keys import WORKOUT_ID
from dialogs.workout_request import request_workout
from trainer_bot.db.enums import ReminderMode
from trainer_bot.services.bot_services import BotServices
from trainer_bot.services.reminder_sender import ReminderMessage

logger = logging.getLogger(__name__)

REMINDER_TEXTS = {
    ReminderMode.DAYS: "🔔 Сегодня день тренировки! Жми — открою её или соберу новую.",
    ReminderMode.NEXT_WORKOUT: "🔔 Новая тренировка уже доступна — жми, соберу её под тебя.",
}
OFF_TEXT = "🔕 Напоминания выключены. Включить снова: «👤 Мой профиль» → «🔔 Напоминания»."
PROMPT_KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[
        [InlineKeyboardButton(text="🏋️ К тренировке", callback_data=PROMPT_OPEN)],
        [InlineKeyboardButton(text="🔕 Выключить напоминания", callback_data=PROMPT_OFF)],
    ]
)


def compose_reminder(mode: ReminderMode) -> ReminderMessage:
    return ReminderMessage(REMINDER_TEXTS[mode], PROMPT_KEYBOARD)


async def on_open(
    callback: CallbackQuery, dialog_manager: DialogManager, services: BotServices
) -> None:
    """The planned workout if there is one, else a new one (or when it opens)."""
    await callback.answer()
    telegram_id = callback.from_user.id
    chat_id = callback.message.chat.id if callback.message else telegram_id
    dialog_manager.show_mode = ShowMode.SEND
    planned = await services.workouts.planned_id(telegram_id)
    if planned is not None:
        await dialog_manager.start(WorkoutSG.view, data={WORKOUT_ID: planned})
        return
    if not await request_workout(dialog_manager, services, telegram_id, chat_id):
        await open_home(dialog_manager, registered=False)


async def on_off(callback: CallbackQuery, services: BotServices) -> None:
    """One tap: off, and the reminder says so in place of its buttons."""
    await services.reminders.switch_off(callback.from_user.id)
    await callback.answer("Напоминания выключены")
    if isinstance(callback.message, Message):
        try:
            await callback.message.edit_text(OFF_TEXT, reply_markup=None)
        except TelegramBadRequest as error:
            # A second tap (already edited), or a message too old to edit: the toast
            # has said it.
            logger.info("Reminder of user %s not edited: %s", callback.from_user.id, error)


async def on_member_update(event: ChatMemberUpdated, services: BotServices) -> None:
    """Telegram tells when a user blocks the bot (kicked) and unblocks it (member)."""
    if event.chat.type != ChatType.PRIVATE:
        return
    status = event.new_chat_member.status
    if status == ChatMemberStatus.KICKED:
        await services.reminders.set_blocked(event.from_user.id, blocked=True)
    elif status == ChatMemberStatus.MEMBER:
        await services.reminders.set_blocked(event.from_user.id, blocked=False)


def build_prompt_router() -> Router:
    router = Router(name=__name__)
    router.callback_query.register(on_open, F.data == PROMPT_OPEN)
    router.callback_query.register(on_off, F.data == PROMPT_OFF)
    router.my_chat_member.register(on_member_update)
    return router
