"""Main menu and profile getters."""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram.types import User as TelegramUser
from aiogram_dialog import DialogManager
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.registration.getters import SUMMARY_FIELDS, answer_text
from trainer_bot.services.profile_rules import Step
from trainer_bot.services.users import answers_from_user, get_user


async def menu_getter(
    dialog_manager: DialogManager, event_from_user: TelegramUser, **_: Any
) -> dict[str, Any]:
    start_data = dialog_manager.start_data
    just_registered = isinstance(start_data, dict) and start_data.get("just_registered")
    return {
        "name": escape(event_from_user.first_name or "спортсмен"),
        "just_registered": bool(just_registered),
    }


async def profile_getter(
    dialog_manager: DialogManager, session: AsyncSession, event_from_user: TelegramUser, **_: Any
) -> dict[str, Any]:
    user = await get_user(session, event_from_user.id)
    if user is None:
        return {"profile": "Анкета ещё не заполнена.", "answers": {}}
    answers = answers_from_user(user)
    lines = [
        f"{title}: <b>{answer_text(Step(key), answers[key])}</b>" for key, title in SUMMARY_FIELDS
    ]
    return {"profile": "\n".join(lines), "answers": answers}
