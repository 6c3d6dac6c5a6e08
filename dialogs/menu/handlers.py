from __future__ import annotations

from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Button
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.states import RegistrationSG
from trainer_bot.services.users import answers_from_user, get_user


async def on_edit_profile(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    session: AsyncSession = manager.middleware_data["session"]
    user = await get_user(session, callback.from_user.id)
    answers = answers_from_user(user) if user is not None else {}
    await manager.start(
        RegistrationSG.summary if answers else RegistrationSG.gender, data={"answers": answers}
    )
