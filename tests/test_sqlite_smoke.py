"""The embedded defaults end to end: SQLite file, in-memory dialog state, no Redis, no LLM."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.support import screens
from tests.support.dialogs import UserSession
from tests.support.exercises import open_loaded_exercise
from tests.support.harness import DialogHarness, build_harness
from tests.support.registration import fill_until
from tests.support.sql import captured_sql
from trainer_bot.app import create_state_backend
from trainer_bot.catalogue import default_catalogue
from trainer_bot.config import PROJECT_ROOT
from trainer_bot.db.engine import create_engine, create_session_factory
from trainer_bot.db.migrations import alembic_config, upgrade_to_head
from trainer_bot.db.models import (
    Exercise,
    SetLog,
    User,
    Workout,
    WorkoutExercise,
    WorkoutJob,
)
from trainer_bot.services.catalogue_sync import sync_catalogue_file

USER_ID = 616161


@pytest.fixture
async def sqlite_factory(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'data' / 'trainer_bot.sqlite3'}"
    await upgrade_to_head(url)
    engine = create_engine(url)  # creates the data directory, as on a fresh checkout
    await sync_catalogue_file(engine)
    factory = create_session_factory(engine)
    try:
        yield factory
    finally:
        await engine.dispose()


@pytest.fixture
async def sqlite_harness(
    sqlite_factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[DialogHarness]:
    harness = build_harness(sqlite_factory, create_state_backend(None, shared_locks=False))
    try:
        yield harness
    finally:
        await harness.workout_service.aclose()


def assert_utc(value: object) -> None:
    assert getattr(value, "tzinfo", None) is not None, repr(value)
    assert value.utcoffset() == timedelta(0), repr(value)  # type: ignore[attr-defined]


async def test_register_get_and_complete_a_workout_on_sqlite(
    sqlite_harness: DialogHarness, sqlite_factory: async_sessionmaker[AsyncSession]
) -> None:
    harness = sqlite_harness
    user = UserSession(harness, USER_ID, first_name="Олег")
    await fill_until(user)
    assert await user.press("✅ Всё верно") == screens.saved_menu("Олег")

    assert await user.press("🏋️ Получить тренировку") == screens.COMPOSING
    await user.background(1)
    assert user.buttons() == screens.workout_buttons(user.text())
    done = await user.press("✅ Завершить тренировку")
    assert done == screens.done("через 12 ч, завтра в 00:00")

    async with sqlite_factory() as session:
        saved = (
            await session.execute(select(User).where(User.telegram_id == USER_ID))
        ).scalar_one()
        (workout,) = (await session.execute(select(Workout))).scalars().all()
        items = await session.scalar(
            select(func.count())
            .select_from(WorkoutExercise)
            .where(WorkoutExercise.workout_id == workout.id)
        )
        exercises = await session.scalar(select(func.count()).select_from(Exercise))
    assert (saved.age, saved.height_cm, saved.current_weight_kg, saved.goal) == (
        27,
        178,
        82.5,
        "weight_loss",
    )
    assert workout.user_id == saved.id and workout.status == "completed"
    assert workout.source == "fallback"
    assert items is not None and 4 <= items <= 7
    assert exercises == len(default_catalogue())
    for value in (
        saved.created_at,
        saved.updated_at,
        saved.last_workout_at,
        workout.created_at,
        workout.completed_at,
    ):
        assert_utc(value)
    assert workout.completed_at == harness.clock() == workout.created_at
    assert saved.last_workout_at == workout.created_at
    assert workout.completed_at - saved.created_at < timedelta(days=365 * 10)

    # The 12-hour rule compares stored times with the clock: on SQLite too.
    await user.press("◀️ В меню")
    harness.clock.advance(hours=11)
    cooldown = await user.press("🏋️ Получить тренировку")
    assert cooldown == screens.cooldown("через 1 ч, завтра в 00:00")
    await user.press("◀️ В меню")
    harness.clock.advance(hours=1)
    assert await user.press("🏋️ Получить тренировку") == screens.COMPOSING
    await user.background(1)
    assert user.buttons() == screens.workout_buttons(user.text())
    async with sqlite_factory() as session:
        statuses = (await session.execute(select(Workout.status).order_by(Workout.id))).all()
    assert [status for (status,) in statuses] == ["completed", "planned"]


async def test_replacing_skipping_and_exact_undo_on_sqlite(
    sqlite_harness: DialogHarness, sqlite_factory: async_sessionmaker[AsyncSession]
) -> None:
    """No data-modifying CTEs in SQLite: the same taps as separate statements."""
    user = UserSession(sqlite_harness, USER_ID, first_name="Олег")
    await fill_until(user)
    await user.press("✅ Всё верно")
    await user.press("🏋️ Получить тренировку")
    await user.background(1)
    await open_loaded_exercise(user)

    async def reps() -> list[tuple[int, int]]:
        async with sqlite_factory() as session:
            rows = await session.execute(
                select(SetLog.set_number, SetLog.reps).order_by(SetLog.set_number)
            )
            return [(number, count) for number, count in rows]

    await user.say("10 10 10")
    await user.say("12 12")
    assert await reps() == [(1, 12), (2, 12)]
    await user.press("↩️ Отменить")
    assert await reps() == [(1, 10), (2, 10), (3, 10)]
    await user.press("⏭ Пропустить")
    assert await reps() == []
    await user.press("↩️ Отменить")
    assert await reps() == [(1, 10), (2, 10), (3, 10)]
    async with sqlite_factory() as session:
        assert not await session.scalar(
            select(func.count()).select_from(WorkoutExercise).where(WorkoutExercise.skipped)
        )


async def test_profile_upsert_inserts_then_updates_on_sqlite(
    sqlite_harness: DialogHarness, sqlite_factory: async_sessionmaker[AsyncSession]
) -> None:
    """«Всё верно» is one INSERT ... ON CONFLICT DO UPDATE on SQLite too: a new profile,
    then an edit of it (the same row, `created_at` kept)."""
    engine = sqlite_factory.kw["bind"]
    user = UserSession(sqlite_harness, USER_ID, first_name="Олег")
    await fill_until(user)
    with captured_sql(engine) as sql:
        assert "Анкета сохранена" in await user.press("✅ Всё верно")
    assert len(sql.statements) <= 2 and sql.commits == 1, sql.statements
    assert "ON CONFLICT (telegram_id) DO UPDATE" in sql.statements[0]

    await user.say("/profile")
    await user.press("✏️ Изменить анкету")
    await user.press("✏️ Возраст")
    await user.say("35")
    with captured_sql(engine) as sql:
        assert "Анкета сохранена" in await user.press("✅ Всё верно")
    assert len(sql.statements) <= 2 and sql.commits == 1, sql.statements
    async with sqlite_factory() as session:
        (saved,) = (await session.execute(select(User))).scalars().all()
    assert (saved.telegram_id, saved.age, saved.first_name) == (USER_ID, 35, "Олег")
    assert saved.updated_at > saved.created_at
    assert_utc(saved.created_at)
    assert_utc(saved.updated_at)


def run_migrate(database_url: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "DATABASE_URL"}}
    env["DATABASE_URL"] = database_url
    return subprocess.run(
        [sys.executable, "-m", "trainer_bot", "migrate"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


def test_migrate_command_without_bot_token_is_idempotent(tmp_path: Path) -> None:
    database = tmp_path / "fresh" / "bot.sqlite3"
    url = f"sqlite:///{database}"  # the plain scheme a user writes; the driver is picked
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    snapshots = []
    for _ in range(2):
        result = run_migrate(url, PROJECT_ROOT)
        assert result.returncode == 0, result.stderr
        assert "BOT_TOKEN" not in result.stderr
        with sqlite3.connect(database) as connection:
            version = connection.execute("SELECT version_num FROM alembic_version").fetchall()
            exercises = connection.execute(
                "SELECT slug, name, updated_at FROM exercises ORDER BY slug"
            ).fetchall()
        connection.close()
        assert version == [(head,)]
        snapshots.append(exercises)
    assert len(snapshots[0]) == len(default_catalogue())
    assert snapshots[0] == snapshots[1], "the second run must change nothing"


async def test_orphaned_job_is_swept_on_sqlite(
    sqlite_factory: async_sessionmaker[AsyncSession],
) -> None:
    """SQLite has no SKIP LOCKED (one process): the sweeper's conditional UPDATE decides."""
    dead = build_harness(sqlite_factory, create_state_backend(None, shared_locks=False))
    user = UserSession(dead, USER_ID, first_name="Анна")
    await fill_until(user)
    await user.press("✅ Всё верно")
    async with sqlite_factory() as session:
        started = await dead.workout_service.request(session, USER_ID)
    assert started.job is not None  # the process that took it died before running it
    async with sqlite_factory() as session:
        job = await session.get(WorkoutJob, started.job.job_id)
        assert job is not None
        job.heartbeat_at -= timedelta(minutes=1)
        await session.commit()

    restarted = build_harness(sqlite_factory, create_state_backend(None, shared_locks=False))
    try:
        assert await restarted.jobs.sweep_once(restarted.bot) == 1
        assert await restarted.jobs.sweep_once(restarted.bot) == 0, "claimed once"
        await restarted.workout_service.wait_background()
        async with sqlite_factory() as session:
            job = await session.get(WorkoutJob, started.job.job_id)
            assert job is not None and (job.state, job.attempts) == ("done", 2)
            assert len((await session.execute(select(Workout))).scalars().all()) == 1
        assert "Разминка" in restarted.messages.last_message().text
    finally:
        await restarted.workout_service.aclose()
        await dead.workout_service.aclose()


async def test_swap_and_rebuilds_on_sqlite(
    sqlite_harness: DialogHarness, sqlite_factory: async_sessionmaker[AsyncSession]
) -> None:
    """The swap's conditional UPDATE and the rebuild claim (CASE over the user's row) work
    on the embedded database too: two rebuilds, then the third is refused."""
    harness = sqlite_harness
    user = UserSession(harness, USER_ID, first_name="Олег")
    await fill_until(user)
    await user.press("✅ Всё верно")
    await user.press("🏋️ Получить тренировку")
    await user.background(1)
    await user.press(re.escape(next(b for b in user.buttons() if b[0].isdigit())))
    await user.press("🔄 Заменить")
    await user.press("🏋️ Занят тренажёр")
    option = next(b for b in user.buttons() if re.match(r"\d\. ", b))
    assert "🔄 Вместо «" in await user.press(re.escape(option))
    await user.press("◀️ К тренировке")
    for _ in range(2):
        await user.press("🔁 Собрать заново")
        assert await user.press("✅ Да, собрать заново") == screens.COMPOSING
        await user.background(1)
    assert "лимит исчерпан" in await user.press("🔁 Собрать заново")
    async with sqlite_factory() as session:
        statuses = list(await session.scalars(select(Workout.status).order_by(Workout.id)))
        row = (await session.execute(select(User))).scalar_one()
        original = await session.scalar(
            select(func.count())
            .select_from(WorkoutExercise)
            .where(WorkoutExercise.original_exercise_id.is_not(None))
        )
    assert statuses == ["skipped", "skipped", "planned"]
    assert row.rebuild_count == 2 and row.last_workout_at == row.rebuild_period_at
    assert original == 1
