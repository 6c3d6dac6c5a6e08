"""The dialog harness: a real Dispatcher with Telegram faked at the edge, and its clock."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aiogram import Dispatcher
from aiogram_dialog.test_tools import BotClient, MockMessageManager
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.fakes.recording_bot import TEST_BOT_TOKEN, RecordingBot
from trainer_bot.app import StateBackend, create_dispatcher
from trainer_bot.catalogue import default_catalogue
from trainer_bot.config import Settings
from trainer_bot.llm import LLMWorkoutGenerator
from trainer_bot.services.reminder_sender import ReminderSender
from trainer_bot.services.rest_timers import RestTimers
from trainer_bot.services.send_pacer import LocalPacer
from trainer_bot.services.workout_jobs import WorkoutJobRunner
from trainer_bot.services.workouts import WorkoutService


class FakeClock:
    """An injectable clock: tests move time instead of waiting 12 hours."""

    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"bot_token": TEST_BOT_TOKEN, "log_file": None, **overrides}
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@dataclass
class DialogHarness:
    """A real Dispatcher (dialogs, middlewares, storage) with Telegram faked at the edge."""

    dp: Dispatcher
    bot: RecordingBot
    messages: MockMessageManager
    workout_service: WorkoutService
    clock: FakeClock
    jobs: WorkoutJobRunner
    reminders: ReminderSender | None = None  # the sender, on the harness clock
    rest_timers: RestTimers | None = None  # «⏱ Отдых»; `rest_waits` has what they slept
    rest_waits: list[float] | None = None
    rest_over: asyncio.Event | None = None  # set it: every rest timer's wait is over

    def client(self, user_id: int = 1001, first_name: str | None = None) -> BotClient:
        client = BotClient(self.dp, user_id=user_id, chat_id=user_id, bot=self.bot)
        if first_name is not None:
            client.user = client.user.model_copy(update={"first_name": first_name})
        return client


def build_harness(
    session_factory: async_sessionmaker[AsyncSession],
    state: StateBackend,
    *,
    settings: Settings | None = None,
    llm: LLMWorkoutGenerator | None = None,
) -> DialogHarness:
    settings = settings or make_settings()
    clock = FakeClock()
    service = WorkoutService(
        settings=settings,
        session_factory=session_factory,
        catalogue=default_catalogue(),
        llm=llm,
        clock=clock,
    )
    messages = MockMessageManager()
    jobs = WorkoutJobRunner(service)
    reminders = ReminderSender(
        session_factory,
        default_timezone=settings.timezone,
        cooldown=timedelta(hours=settings.workout_cooldown_hours),
        clock=clock,
        pacer=LocalPacer(1000.0),
    )
    rest_waits: list[float] = []
    rest_over = asyncio.Event()

    async def rest(seconds: float) -> None:  # rest timers wait for the test, not the clock
        rest_waits.append(seconds)
        await rest_over.wait()

    rest_timers = RestTimers(sleep=rest)
    dp = create_dispatcher(
        session_factory=session_factory,
        state=state,
        settings=settings,
        message_manager=messages,
        workout_service=service,
        jobs=jobs,
        reminders=reminders,
        rest_timers=rest_timers,
    )
    return DialogHarness(
        dp,
        RecordingBot(),
        messages,
        service,
        clock,
        jobs,
        reminders,
        rest_timers,
        rest_waits,
        rest_over,
    )
