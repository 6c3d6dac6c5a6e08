"""Assembles every router; dialogs are built per call so each Dispatcher gets its own."""

from aiogram import Router

from dialogs import commands
from dialogs.fallback import build_fallback_router
from dialogs.menu.dialog import menu_dialog
from dialogs.progress.dialog import progress_dialog
from dialogs.registration.dialog import registration_dialog
from dialogs.reminders.dialog import reminders_dialog
from dialogs.reminders.prompt import build_prompt_router
from dialogs.start.dialog import start_dialog
from dialogs.swap.dialog import swap_dialog
from dialogs.timezone.dialog import timezone_dialog
from dialogs.workout.dialog import workout_dialog


def build_router() -> Router:
    router = Router(name="trainer_bot")
    router.include_router(commands.build_commands_router())
    router.include_router(build_prompt_router())  # the reminder message's buttons
    router.include_routers(
        start_dialog(),
        registration_dialog(),
        menu_dialog(),
        workout_dialog(),
        progress_dialog(),
        swap_dialog(),
    )
    router.include_routers(timezone_dialog(), reminders_dialog())
    router.include_router(build_fallback_router())  # last: what no dialog claims
    return router
