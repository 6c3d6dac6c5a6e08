"""Main menu and profile getters."""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram.types import User as TelegramUser
from aiogram_dialog import DialogManager
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.common import SAVED_USER_KEY
from dialogs.registration.getters import SUMMARY_FIELDS, answer_text
from trainer_bot.db.models import User
from trainer_bot.services.profile_rules import Step
from trainer_bot.services.users import answers_from_user, get_user
from trainer_bot.services.workouts import WorkoutService


async def menu_getter(
    dialog_manager: DialogManager,
    session: AsyncSession,
    workout_service: WorkoutService,
    event_from_user: TelegramUser,
    **_: Any,
) -> dict[str, Any]:
    start_data = dialog_manager.start_data if isinstance(dialog_manager.start_data, dict) else {}
    saved: User | None = dialog_manager.middleware_data.get(SAVED_USER_KEY)
    if saved is not None and saved.last_workout_at is None:
        # Just registered (or edited before any workout): a workout is saved together with
        # last_workout_at, so this profile has none to show.
        planned_workout_id = None
    else:
        planned_workout_id = await workout_service.planned_workout_id(session, event_from_user.id)
    return {
        "name": escape(event_from_user.first_name or "спортсмен"),
        "just_registered": bool(start_data.get("just_registered")),
        "notice": start_data.get("notice"),
        "planned_workout_id": planned_workout_id,
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
