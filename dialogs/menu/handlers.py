"""Main menu buttons: the workout, the saved workout, editing the profile."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_dialog.widgets.kbd import Button

from dialogs.fallback import UNDERSTOOD_TEXT
from dialogs.menu.keys import NOTICE
from dialogs.registration.keys import START_ANSWERS
from dialogs.states import MenuSG, RegistrationSG, StartSG, WorkoutSG
from dialogs.workout.keys import WORKOUT_ID
from dialogs.workout_request import request_workout
from trainer_bot.services.bot_services import services_of


async def on_get_workout(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    chat_id = callback.message.chat.id if callback.message else callback.from_user.id
    if not await request_workout(manager, services_of(manager), callback.from_user.id, chat_id):
        await manager.start(StartSG.greeting, mode=StartMode.RESET_STACK)


async def on_my_workout(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    latest_id = await services_of(manager).workouts.latest_id(callback.from_user.id)
    if latest_id is None:
        # Handlers never answer callbacks themselves: aiogram-dialog answers every one.
        await manager.start(
            MenuSG.main,
            mode=StartMode.RESET_STACK,
            data={NOTICE: "Тренировок пока нет — получи первую 💪"},
        )
        return
    await manager.start(WorkoutSG.view, data={WORKOUT_ID: latest_id})


async def on_edit_profile(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    profile = await services_of(manager).users.profile(callback.from_user.id)
    answers = profile.answers_data() if profile is not None else {}
    await manager.start(
        RegistrationSG.summary if answers else RegistrationSG.gender,
        data={START_ANSWERS: answers},
    )


async def on_text_on_menu(message: Message, widget: object, manager: DialogManager) -> None:
    """Text where buttons are expected: one line on what works, then a fresh menu
    (without re-announcing the saved profile)."""
    await message.answer(UNDERSTOOD_TEXT)
    await manager.start(MenuSG.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)
