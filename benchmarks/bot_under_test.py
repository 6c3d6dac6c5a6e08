"""Our Dispatcher as the bot builds it, with a workout service a benchmark can wait on."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from aiogram import Dispatcher

from benchmarks.fake_telegram import ScreenRecorder, canned_bot
from benchmarks.runtime import freeze_like_the_bot
from benchmarks.services import BenchEnv, make_settings
from benchmarks.sql_counter import SqlCounter, label_background_screens
from tests.fakes.recording_bot import RecordingBot
from trainer_bot.app import create_dispatcher
from trainer_bot.catalogue import default_catalogue
from trainer_bot.config import Settings
from trainer_bot.llm import LLMWorkoutGenerator
from trainer_bot.middlewares.throttling import setup_throttling
from trainer_bot.services.workouts import WorkoutService

BG_GENERATE = "bg: generate + save"
BG_SHOW = "bg: show workout"


class TrackedWorkoutService(WorkoutService):
    """The real service; it also lets a simulated user wait for its own background
    generation, times it, and labels its SQL."""

    def __init__(self, *args: Any, sql: SqlCounter | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sql = sql
        self._waiters: dict[str, asyncio.Future[float]] = {}
        self.generation_seconds: list[float] = []

    def expect(self, telegram_id: int) -> asyncio.Future[float]:
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self._waiters[f"workout-for-{telegram_id}"] = future
        return future

    def spawn(self, coroutine: Any, name: str) -> None:
        super().spawn(self._tracked(coroutine, name), name)

    async def _tracked(self, coroutine: Any, name: str) -> None:
        started = time.perf_counter()
        try:
            if self.sql is not None:
                with self.sql.step(BG_GENERATE):
                    await coroutine
            else:
                await coroutine
        finally:
            ended = time.perf_counter()
            self.generation_seconds.append(ended - started)
            waiter = self._waiters.pop(name, None)
            if waiter is not None and not waiter.done():
                waiter.set_result(ended)


@dataclass
class BotUnderTest:
    dp: Dispatcher
    bot: RecordingBot
    screens: ScreenRecorder
    service: TrackedWorkoutService


def build_bot_under_test(
    env: BenchEnv,
    state_name: str,
    *,
    settings: Settings | None = None,
    llm: LLMWorkoutGenerator | None = None,
    sql: SqlCounter | None = None,
    shared_locks: bool = False,
) -> BotUnderTest:
    """Our Dispatcher exactly as `create_dispatcher` builds it, on Postgres and Redis; by
    default with the in-process per-user locks of the polling bot (`shared_locks=True`: the
    Redis locks of webhook mode)."""
    settings = settings or make_settings()
    service = TrackedWorkoutService(
        settings=settings,
        session_factory=env.session_factory,
        catalogue=default_catalogue(),
        llm=llm,
        sql=sql,
    )
    screens = ScreenRecorder()
    dp = create_dispatcher(
        session_factory=env.session_factory,
        state=env.state(state_name, shared_locks=shared_locks),
        settings=settings,
        message_manager=screens,
        workout_service=service,
    )
    # The running bot's rate limiter (build_application): in the process when polling, in
    # Redis for webhook replicas; a burst no simulated user reaches, so only its cost counts.
    setup_throttling(dp, env.redis if shared_locks else None, burst=1_000_000)
    if sql is not None:
        label_background_screens(dp, sql, BG_SHOW)
    bot = canned_bot()
    freeze_like_the_bot()  # start-up is done, as in run_application
    return BotUnderTest(dp, bot, screens, service)
