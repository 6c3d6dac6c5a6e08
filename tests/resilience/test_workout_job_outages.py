"""Workout jobs under outages: Postgres is down when the workout is saved; the job
completes once it is back (a sweeper takes it over)."""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from typing import Any

import pytest
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.errors import TEMPORARY_FAILURE_TEXT
from tests.resilience.outages import DatabaseControl, TcpProxy
from tests.resilience.outages import database as database  # the fixtures
from tests.resilience.outages import redis_behind_proxy as redis_behind_proxy
from tests.resilience.support import delete_prefixed_keys, new_user_id, register, workouts_of
from tests.support.harness import build_harness, make_settings
from trainer_bot.app import create_state_backend
from trainer_bot.db.models import User, WorkoutJob
from trainer_bot.services.workouts import WorkoutService

FAST_JOBS = {
    "workout_job_heartbeat_seconds": 0.2,
    "workout_job_stale_seconds": 0.6,
    "workout_job_sweep_seconds": 0.2,
}


async def job_states(factory: async_sessionmaker[AsyncSession], telegram_id: int) -> list[str]:
    async with factory() as session:
        rows = await session.scalars(
            select(WorkoutJob.state).join(User).where(User.telegram_id == telegram_id)
        )
        return list(rows)


async def until(check: Any, timeout: float = 20) -> float:  # noqa: ASYNC109
    started = time.monotonic()
    while not await check():
        assert time.monotonic() - started < timeout, "not within the timeout"
        await asyncio.sleep(0.05)
    return time.monotonic() - started


async def test_redis_down_right_after_the_reservation(
    res_session_factory: async_sessionmaker[AsyncSession],
    redis: Redis,
    redis_behind_proxy: tuple[Redis, TcpProxy],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, proxy = redis_behind_proxy
    prefix = f"trainer_bot_test:{uuid.uuid4().hex[:12]}"
    state = create_state_backend(client, shared_locks=False, key_prefix=prefix)
    harness = build_harness(res_session_factory, state, settings=make_settings(**FAST_JOBS))
    try:
        user = await register(harness, new_user_id(), first_name="Ира")
        real_request = WorkoutService.request

        async def request_then_redis_dies(self: WorkoutService, *args: Any) -> Any:
            result = await real_request(self, *args)
            await proxy.stop()  # the reservation is committed; the screen cannot be saved
            return result

        monkeypatch.setattr(WorkoutService, "request", request_then_redis_dies)
        await user.client.click(user.screen(), _locator("🏋️ Получить тренировку"))
        monkeypatch.undo()
        assert TEMPORARY_FAILURE_TEXT in [c.text for c in _answers(harness)]
        await asyncio.sleep(0.5)
        await proxy.start()  # Redis is back: the job shows its result by itself
        back = time.monotonic()
        await harness.workout_service.wait_background(60)
        print(f"workout shown {time.monotonic() - back:.1f} s after Redis came back")
        assert "Разминка" in user.text() and "✅ Завершить тренировку" in user.buttons()
        assert len(await workouts_of(res_session_factory, user.user_id)) == 1
        assert await job_states(res_session_factory, user.user_id) == ["done"]
        # Every background failure names the user.
        background = [
            r.getMessage()
            for r in caplog.records
            if r.levelno >= logging.WARNING and "workout" in r.getMessage().lower()
        ]
        assert background and all(str(user.user_id) in line for line in background), background
        updates = [r.getMessage() for r in caplog.records if "Update for user" in r.getMessage()]
        assert all("user None" not in line for line in updates), updates
    finally:
        await harness.workout_service.aclose(grace_seconds=1)
        await delete_prefixed_keys(redis, prefix)


async def test_postgres_down_at_save_time_then_back(
    res_session_factory: async_sessionmaker[AsyncSession],
    redis: Redis,
    redis_prefix: str,
    database: DatabaseControl,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    state = create_state_backend(redis, shared_locks=True, key_prefix=redis_prefix)
    harness = build_harness(res_session_factory, state, settings=make_settings(**FAST_JOBS))
    user = await register(harness, new_user_id(), first_name="Оля")
    real_save = WorkoutService._save

    async def database_dies_first(self: WorkoutService, *args: Any) -> Any:
        monkeypatch.setattr(WorkoutService, "_save", real_save)
        await database.go_down()
        return await real_save(self, *args)

    monkeypatch.setattr(WorkoutService, "_save", database_dies_first)
    try:
        assert "Составляю" in (await _press(user, "🏋️ Получить тренировку"))
        await harness.workout_service.wait_background(30)
        assert "Составляю" in user.text(), "nothing to show yet"
        await database.come_back()
        harness.jobs.start_sweeper(harness.bot)
        back = time.monotonic()

        async def shown() -> bool:
            return "Разминка" in user.text()

        await until(shown)
        await harness.workout_service.wait_background(30)
        print(f"workout shown {time.monotonic() - back:.1f} s after Postgres came back")
        assert len(await workouts_of(res_session_factory, user.user_id)) == 1
        assert await job_states(res_session_factory, user.user_id) == ["done"]
    finally:
        await harness.jobs.stop_sweeper()
        await harness.workout_service.aclose(grace_seconds=1)


def _locator(label: str) -> Any:
    from aiogram_dialog.test_tools.keyboard import InlineButtonTextLocator

    return InlineButtonTextLocator(label)


def _answers(harness: Any) -> list[Any]:
    from aiogram.methods import AnswerCallbackQuery

    return list(harness.bot.calls_of(AnswerCallbackQuery))


async def _press(user: Any, label: str) -> str:
    await user.client.click(user.screen(), _locator(label))
    return str(user.text())
