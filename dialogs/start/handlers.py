import logging

from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Button

logger = logging.getLogger(__name__)


async def on_begin(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    logger.info("User %s started registration", callback.from_user.id)
