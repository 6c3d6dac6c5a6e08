"""Last-resort handlers, included after every dialog: nothing a user sends goes unanswered.

They catch what no dialog claims: text after Redis lost the dialog stack, and callback data
no dialog knows (an ancient button, or tampering).
"""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager

from dialogs.common import open_home
from trainer_bot.services.bot_services import BotServices

logger = logging.getLogger(__name__)

LOST_TEXT = "Я потерял нить разговора — открываю актуальный экран 👇"
# Text on a screen that asks for no text (the menu, a workout): what the bot understands.
UNDERSTOOD_TEXT = (
    "Я понимаю кнопки под сообщениями и команды: /workout — тренировка, "
    "/profile — анкета, /help — подсказка. Выбирай 👇"
)
UNKNOWN_BUTTON_TEXT = "Эта кнопка больше не работает — нажми /start."


async def on_unexpected_message(
    message: Message, dialog_manager: DialogManager, services: BotServices
) -> None:
    registered = await services.users.is_registered(message.chat.id)
    # A live screen that takes no text is not a lost conversation: say what works.
    on_screen = dialog_manager.has_context()
    logger.info(
        "User %s wrote outside a text step (%s)",
        message.chat.id,
        "on a screen" if on_screen else "no screen, reopening",
    )
    await message.answer(UNDERSTOOD_TEXT if on_screen and registered else LOST_TEXT)
    await open_home(dialog_manager, registered=registered)


async def on_unknown_callback(callback: CallbackQuery) -> None:
    logger.warning(
        "User %s pressed an unknown button: %r", callback.from_user.id, (callback.data or "")[:64]
    )
    await callback.answer(UNKNOWN_BUTTON_TEXT)


def build_fallback_router() -> Router:
    router = Router(name=__name__)
    router.message.register(on_unexpected_message)
    router.callback_query.register(on_unknown_callback)
    return router
