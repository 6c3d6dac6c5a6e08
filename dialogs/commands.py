"""Command starters: /start, /profile, /progress, /export, /help, /cancel.

They open dialogs; dialogs do the rest.
"""

from __future__ import annotations

import logging

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.types import BotCommand, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode

from dialogs.common import UNSAVED_TEXT, open_home
from dialogs.export import send_export
from dialogs.registration.keys import SAVED_PROFILE
from dialogs.states import MenuSG, ProgressSG, RegistrationSG
from dialogs.workout_request import request_workout
from trainer_bot.services.bot_services import BotServices

logger = logging.getLogger(__name__)

BOT_COMMANDS = [
    BotCommand(command="start", description="Начать или открыть главное меню"),
    BotCommand(command="workout", description="Получить тренировку"),
    BotCommand(command="profile", description="Мой профиль"),
    BotCommand(command="progress", description="Мой прогресс и история"),
    BotCommand(command="export", description="Выгрузить мою историю в CSV"),
    BotCommand(command="help", description="Что умеет тренер"),
    BotCommand(command="cancel", description="Отменить и вернуться в меню"),
]
HELP_TEXT = (
    "Я AI-тренер: составляю персональные тренировки под твою цель, опыт и снаряжение.\n\n"
    "/start — начать или открыть главное меню\n"
    "/workout — получить тренировку (новая — раз в 12 часов)\n"
    "/profile — посмотреть и изменить анкету\n"
    "/progress — прогресс, история тренировок, вес\n"
    "/export — выгрузить свою историю в CSV\n"
    "/cancel — прервать текущее действие и вернуться в меню\n"
    "/help — эта подсказка"
)


def _in_registration(dialog_manager: DialogManager) -> bool:
    return (
        dialog_manager.has_context()
        and dialog_manager.current_context().state.group is RegistrationSG
    )


RESUME_TAIL = "Ответы, которые ты уже дал, сохранены — продолжим с того же шага 👇"


async def _resume_registration(message: Message, dialog_manager: DialogManager, lead: str) -> bool:
    """A newcomer sends a command in the middle of the wizard: every answer given is kept,
    the command is explained and the same step is shown again. False when not in the wizard."""
    if not _in_registration(dialog_manager):
        return False
    logger.info("User %s sent a command mid-registration; the wizard goes on", message.chat.id)
    await message.answer(f"{lead}\n\n{RESUME_TAIL}")
    await dialog_manager.show(ShowMode.SEND)
    return True


async def _drop_profile_edit(message: Message, dialog_manager: DialogManager) -> None:
    """A command leaves an unfinished profile edit: say once that nothing was saved."""
    if _in_registration(dialog_manager) and dialog_manager.current_context().dialog_data.get(
        SAVED_PROFILE
    ):
        logger.info("User %s left the profile edit without saving", message.chat.id)
        await message.answer(UNSAVED_TEXT)


async def cmd_start(message: Message, dialog_manager: DialogManager, services: BotServices) -> None:
    user_id = message.chat.id
    if await services.users.is_registered(user_id):
        logger.info("User %s opened the main menu with /start", user_id)
        await _drop_profile_edit(message, dialog_manager)
        await open_home(dialog_manager, registered=True)
        return
    if _in_registration(dialog_manager):
        logger.info("User %s resumed registration with /start", user_id)
        await message.answer("Продолжим анкету с того места, где остановились 👇")
        await dialog_manager.show(ShowMode.SEND)
        return
    logger.info("User %s sent /start", user_id)
    sender = message.from_user
    await services.welcome.send_once(sender.id if sender else user_id, message.chat.id)
    await open_home(dialog_manager, registered=False)


async def cmd_profile(
    message: Message, dialog_manager: DialogManager, services: BotServices
) -> None:
    if not await services.users.is_registered(message.chat.id):
        if await _resume_registration(
            message, dialog_manager, "Профиль появится, как только закончим анкету."
        ):
            return
        await message.answer("Профиля пока нет — давай заполним анкету 👇")
        await open_home(dialog_manager, registered=False)
        return
    await _drop_profile_edit(message, dialog_manager)
    await dialog_manager.start(MenuSG.profile, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


async def cmd_workout(
    message: Message, dialog_manager: DialogManager, services: BotServices
) -> None:
    dialog_manager.show_mode = ShowMode.SEND
    await _drop_profile_edit(message, dialog_manager)
    if not await request_workout(dialog_manager, services, message.chat.id, message.chat.id):
        if await _resume_registration(
            message,
            dialog_manager,
            "Тренировку составлю сразу после анкеты — так она будет именно под тебя.",
        ):
            return
        await message.answer("Сначала заполним анкету — так тренировка будет именно под тебя 👇")
        await open_home(dialog_manager, registered=False)


async def cmd_progress(
    message: Message, dialog_manager: DialogManager, services: BotServices
) -> None:
    if not await services.users.is_registered(message.chat.id):
        if await _resume_registration(
            message,
            dialog_manager,
            "Прогресс появится после анкеты и первой тренировки — я буду записывать каждую.",
        ):
            return
        await message.answer("Прогресса пока нет — давай заполним анкету 👇")
        await open_home(dialog_manager, registered=False)
        return
    await dialog_manager.start(ProgressSG.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)


async def cmd_export(
    message: Message, dialog_manager: DialogManager, services: BotServices
) -> None:
    user_id = message.from_user.id if message.from_user else message.chat.id
    if not await send_export(services, user_id, message.chat.id):
        if await _resume_registration(
            message, dialog_manager, "Выгружать пока нечего: история начнётся после анкеты."
        ):
            return
        await message.answer("Выгружать пока нечего — давай заполним анкету 👇")
        await open_home(dialog_manager, registered=False)


async def cmd_help(message: Message, dialog_manager: DialogManager) -> None:
    await message.answer(HELP_TEXT)
    if _in_registration(dialog_manager):
        # The question stays right under the help, answers kept.
        await dialog_manager.show(ShowMode.SEND)


async def cmd_cancel(
    message: Message, dialog_manager: DialogManager, services: BotServices
) -> None:
    if await services.users.is_registered(message.chat.id):
        await _drop_profile_edit(message, dialog_manager)
        await open_home(dialog_manager, registered=True)
        return
    if _in_registration(dialog_manager):
        logger.info("User %s cancelled registration", message.chat.id)
        await message.answer("Анкету отменил. Когда будешь готов — жми «Начать».")
    await open_home(dialog_manager, registered=False)


def build_commands_router() -> Router:
    router = Router(name=__name__)
    router.message.register(cmd_start, CommandStart())
    router.message.register(cmd_profile, Command("profile"))
    router.message.register(cmd_workout, Command("workout"))
    router.message.register(cmd_progress, Command("progress"))
    router.message.register(cmd_export, Command("export"))
    router.message.register(cmd_help, Command("help"))
    router.message.register(cmd_cancel, Command("cancel"))
    return router
