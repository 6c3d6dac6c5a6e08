from html import escape
from typing import Any

from aiogram.types import User as TelegramUser
from aiogram_dialog import DialogManager


async def greeting_getter(
    dialog_manager: DialogManager, event_from_user: TelegramUser, **_: Any
) -> dict[str, Any]:
    return {"name": escape(event_from_user.first_name or "")}
