from html import escape
from typing import Any

from aiogram.types import User as TelegramUser

from dialogs.start.keys import NAME


async def greeting_getter(event_from_user: TelegramUser, **_: Any) -> dict[str, Any]:
    return {NAME: escape(event_from_user.first_name or "")}
