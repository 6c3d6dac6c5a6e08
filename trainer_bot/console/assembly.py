"""The console's application: the real Dispatcher and dialogs, fakes only at Telegram.

Built the way tests/conftest.py::build_harness builds the dialog harness, so a change to
how the application is assembled is made here, in one place.
"""

from __future__ import annotations

from aiogram import Dispatcher
from aiogram_dialog.api.protocols import MessageManagerProtocol
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trainer_bot.app import create_dispatcher, create_state_backend
from trainer_bot.catalogue import default_catalogue
from trainer_bot.config import Settings
from trainer_bot.services.workouts import WorkoutService


def build_console_dispatcher(
    settings: Settings,
    session_factory: async_sessionmaker[AsyncSession],
    message_manager: MessageManagerProtocol,
) -> tuple[Dispatcher, WorkoutService]:
    """Dialogs over the given database, dialog state in memory, workouts from the
    rule-based generator (no LLM client is made, whatever the settings say)."""
    workout_service = WorkoutService(
        settings=settings, session_factory=session_factory, catalogue=default_catalogue()
    )
    dispatcher = create_dispatcher(
        session_factory=session_factory,
        state=create_state_backend(None, shared_locks=False),
        settings=settings,
        message_manager=message_manager,
        workout_service=workout_service,
    )
    return dispatcher, workout_service
