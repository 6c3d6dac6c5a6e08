"""Migrations on both databases: stairway, agreement with the models, constraints, time zones.

Alembic's env.py runs its own event loop, so every Alembic command runs in a worker thread.
The stairway and comparison tests use databases they create and drop themselves.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, delete, func, inspect, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.support.databases import BACKENDS
from tests.support.databases import empty_database_url as empty_database_url  # the fixture
from tests.support.migrations import alembic
from trainer_bot.db.base import UTCDateTime
from trainer_bot.db.engine import create_engine, create_session_factory
from trainer_bot.db.migrations import alembic_config, upgrade_to_head
from trainer_bot.db.models import (
    Base,
    Exercise,
    TelegramFile,
    User,
    Workout,
    WorkoutExercise,
)


async def current_revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    finally:
        await engine.dispose()


def revisions_oldest_first(url: str) -> list[tuple[str, str]]:
    """(revision, the revision to downgrade to) pairs, oldest first."""
    script = ScriptDirectory.from_config(alembic_config(url))
    revisions = list(reversed(list(script.walk_revisions())))
    assert revisions, "no migrations found"
    pairs = []
    for revision in revisions:
        down = revision.down_revision
        assert not isinstance(down, tuple | list), f"{revision.revision} is a merge point"
        pairs.append((revision.revision, down or "base"))
    return pairs


async def test_stairway_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    """Each migration's downgrade undoes its upgrade exactly enough to apply it again."""
    url = empty_database_url
    for revision, previous in revisions_oldest_first(url):
        await alembic(command.upgrade, url, revision)
        assert await current_revision(url) == revision
        await alembic(command.downgrade, url, previous)
        assert await current_revision(url) == (None if previous == "base" else previous)
        await alembic(command.upgrade, url, revision)
        assert await current_revision(url) == revision
    # Down to nothing and back: the first downgrade leaves no table behind.
    await alembic(command.downgrade, url, "base")
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    finally:
        await engine.dispose()
    assert set(tables) <= {"alembic_version"}
    await alembic(command.upgrade, url, "head")


def schema_differences(connection: Connection) -> list[Any]:
    """What `alembic revision --autogenerate` would write, configured as in env.py."""
    context = MigrationContext.configure(
        connection,
        opts={
            "target_metadata": Base.metadata,
            "compare_type": True,
            "compare_server_default": False,
            "render_as_batch": connection.dialect.name == "sqlite",
        },
    )
    return list(compare_metadata(context, Base.metadata))


async def test_models_and_migrations_agree(empty_database_url: str) -> None:
    await upgrade_to_head(empty_database_url)
    engine = create_engine(empty_database_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(schema_differences)
            # The comparison can see a difference at all: drop an index, it must notice.
            await connection.execute(text("DROP INDEX ix_workouts_user_id_created_at"))
            control = await connection.run_sync(schema_differences)
            await connection.rollback()
    finally:
        await engine.dispose()
    assert differences == [], f"models differ from migrations, write a migration: {differences}"
    assert [(diff[0], diff[1].name) for diff in control] == [
        ("add_index", "ix_workouts_user_id_created_at")
    ]


async def test_workouts_index_by_user_and_time_exists(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        indexes = await connection.run_sync(lambda sync: inspect(sync).get_indexes("workouts"))
    columns = {index["name"]: index["column_names"] for index in indexes}
    assert columns.get("ix_workouts_user_id_created_at") == ["user_id", "created_at"]


# --- Constraints on Postgres -----------------------------------------------------------------

TELEGRAM_ID = 777_000_001


def user_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "telegram_id": TELEGRAM_ID,
        "first_name": "Тест",
        "gender": "male",
        "age": 30,
        "height_cm": 180,
        "current_weight_kg": 80.0,
        "fitness_level": "beginner",
        "goal": "maintenance",
        "target_weight_kg": 80.0,
        "workout_frequency": 3,
        "equipment_type": "gym",
    }
    values.update(overrides)
    return values


def workout_values(user_id: int, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "user_id": user_id,
        "planned_date": date(2026, 3, 2),
        "status": "planned",
        "source": "fallback",
        "focus": "full_body",
        "title": "Тренировка",
        "rationale": "Потому что",
        "warmup": "Разминка",
    }
    values.update(overrides)
    return values


async def add_user(session: AsyncSession, **overrides: Any) -> User:
    user = User(**user_values(**overrides))
    session.add(user)
    await session.flush()
    return user


async def assert_rejected(
    session_factory: async_sessionmaker[AsyncSession], make: Callable[[AsyncSession], Any]
) -> str:
    """Run `make` in its own transaction; the database must refuse it. Returns the error text."""
    async with session_factory() as session:
        with pytest.raises(IntegrityError) as error:
            await make(session)
            await session.flush()
        await session.rollback()
    return str(error.value.orig)


async def test_duplicate_telegram_id_is_rejected(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        await add_user(session)
        await session.commit()
    message = await assert_rejected(session_factory, lambda s: add_user(s))
    assert "uq_users_telegram_id" in message


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        ("age", 9, "ck_users_age_range"),
        ("age", 101, "ck_users_age_range"),
        ("height_cm", 99, "ck_users_height_range"),
        ("height_cm", 251, "ck_users_height_range"),
        ("current_weight_kg", 29.9, "ck_users_current_weight_range"),
        ("current_weight_kg", 300.1, "ck_users_current_weight_range"),
        ("target_weight_kg", 29.9, "ck_users_target_weight_range"),
        ("target_weight_kg", 300.1, "ck_users_target_weight_range"),
        ("gender", "other", "ck_users_gender"),
        ("goal", "bulk", "ck_users_goal"),
        ("fitness_level", "pro", "ck_users_fitness_level"),
        ("equipment_type", "garage", "ck_users_equipment_type"),
        ("workout_frequency", 4, "ck_users_frequency"),
    ],
)
async def test_user_check_constraints(
    session_factory: async_sessionmaker[AsyncSession], field: str, value: Any, constraint: str
) -> None:
    message = await assert_rejected(session_factory, lambda s: add_user(s, **{field: value}))
    assert constraint in message


async def test_user_boundaries_are_accepted(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with session_factory() as session:
        await add_user(session, age=10, height_cm=100, current_weight_kg=30, target_weight_kg=300)
        await add_user(
            session,
            telegram_id=TELEGRAM_ID + 1,
            age=100,
            height_cm=250,
            current_weight_kg=300,
            target_weight_kg=30,
        )
        await session.commit()


@pytest.mark.parametrize(
    ("overrides", "constraint"),
    [
        ({"status": "done"}, "ck_workouts_status"),
        ({"status": "completed", "completed_at": None}, "ck_workouts_completed_at_set"),
        (
            {"status": "planned", "completed_at": datetime(2026, 3, 2, tzinfo=UTC)},
            "ck_workouts_completed_at_set",
        ),
        ({"source": "magic"}, "ck_workouts_source"),
    ],
)
async def test_workout_check_constraints(
    session_factory: async_sessionmaker[AsyncSession], overrides: dict[str, Any], constraint: str
) -> None:
    async def make(session: AsyncSession) -> None:
        user = await add_user(session)
        session.add(Workout(**workout_values(user.id, **overrides)))

    assert constraint in await assert_rejected(session_factory, make)


async def test_exercise_in_a_workout_cannot_be_deleted_and_users_cascade(
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    slug = f"test-restrict-{uuid.uuid4().hex[:8]}"
    async with session_factory() as session:
        exercise = Exercise(
            slug=slug,
            name="Тестовое упражнение",
            description="-",
            instructions="-",
            primary_muscles=["chest"],
            secondary_muscles=[],
            equipment="bodyweight",
            level="beginner",
            movement="horizontal_push",
            is_compound=True,
            video_url="https://www.youtube.com/watch?v=test",
        )
        session.add(exercise)
        user = await add_user(session)
        workout = Workout(**workout_values(user.id))
        session.add(workout)
        await session.flush()
        session.add(
            WorkoutExercise(
                workout_id=workout.id,
                exercise_id=exercise.id,
                position=1,
                sets=3,
                reps_min=8,
                reps_max=12,
                rest_seconds=90,
            )
        )
        await session.commit()
        exercise_id, user_id, workout_id = exercise.id, user.id, workout.id

    try:
        # Core DELETEs: the database decides, not the ORM's cascade settings.
        message = await assert_rejected(
            session_factory,
            lambda s: s.execute(delete(Exercise).where(Exercise.id == exercise_id)),
        )
        assert "fk_workout_exercises_exercise_id_exercises" in message

        async with session_factory() as session:
            await session.execute(delete(User).where(User.id == user_id))
            await session.commit()
            workouts = await session.scalar(
                select(func.count()).select_from(Workout).where(Workout.user_id == user_id)
            )
            items = await session.scalar(
                select(func.count())
                .select_from(WorkoutExercise)
                .where(WorkoutExercise.workout_id == workout_id)
            )
        assert (workouts, items) == (0, 0)
    finally:
        # The exercises table is shared by the whole run: leave no test exercise behind.
        async with session_factory() as session:
            await session.execute(delete(User).where(User.id == user_id))
            await session.execute(delete(Exercise).where(Exercise.id == exercise_id))
            await session.commit()


# --- Time zones on both databases ----------------------------------------------------------


@pytest.fixture
async def sqlite_session_factory(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'timestamps.sqlite3'}"
    await upgrade_to_head(url)
    engine = create_engine(url)
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


@pytest.fixture(params=BACKENDS)
def any_session_factory(request: pytest.FixtureRequest) -> async_sessionmaker[AsyncSession]:
    """The migrated Postgres test database, or a migrated SQLite file."""
    name = "session_factory" if request.param == "postgresql" else "sqlite_session_factory"
    return request.getfixturevalue(name)


def assert_utc(value: datetime | None) -> datetime:
    assert value is not None
    assert value.tzinfo is not None and value.utcoffset() == timedelta(0), repr(value)
    return value


async def test_timestamps_come_back_aware_utc(
    any_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    moscow = timezone(timedelta(hours=3))
    completed_moscow = datetime(2026, 3, 2, 15, 30, tzinfo=moscow)
    async with any_session_factory() as session:
        user = await add_user(session, last_workout_at=completed_moscow)
        session.add(
            Workout(**workout_values(user.id, status="completed", completed_at=completed_moscow))
        )
        await session.commit()
        user_id = user.id
    async with any_session_factory() as session:
        user = await session.get(User, user_id)
        assert user is not None
        workout = (
            await session.execute(select(Workout).where(Workout.user_id == user_id))
        ).scalar_one()
        latest = await session.scalar(
            select(func.max(Workout.created_at)).where(Workout.user_id == user_id)
        )

    for value in (user.created_at, user.updated_at, workout.created_at, latest):
        assert_utc(value)
    assert assert_utc(user.last_workout_at) == completed_moscow  # the same instant...
    assert user.last_workout_at.hour == 12  # ...stored and returned in UTC
    assert assert_utc(workout.completed_at) == completed_moscow
    # Aware arithmetic and comparisons, as the 12-hour rule does them.
    now = datetime.now(UTC)
    assert timedelta(0) <= now - user.created_at < timedelta(minutes=5)
    assert workout.completed_at - user.last_workout_at == timedelta(0)
    assert workout.created_at < now + timedelta(minutes=1)


async def test_server_default_timestamps_are_aware(
    any_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """Rows written by SQL alone (CURRENT_TIMESTAMP) also come back aware through the ORM."""
    async with any_session_factory() as session:
        await session.execute(
            text("INSERT INTO telegram_files (key, file_id) VALUES ('tz-default', 'file')")
        )
        await session.commit()
    try:
        async with any_session_factory() as session:
            row = await session.get(TelegramFile, "tz-default")
            assert row is not None
            created = assert_utc(row.created_at)
            assert abs(datetime.now(UTC) - created) < timedelta(minutes=5)
    finally:
        async with any_session_factory() as session:
            await session.execute(delete(TelegramFile).where(TelegramFile.key == "tz-default"))
            await session.commit()


async def test_naive_datetimes_are_refused(
    any_session_factory: async_sessionmaker[AsyncSession],
) -> None:
    async with any_session_factory() as session:
        with pytest.raises(StatementError, match="naive datetime"):
            await add_user(session, last_workout_at=datetime(2026, 3, 2, 9, 0))
        await session.rollback()


def test_utc_type_converts_both_ways() -> None:
    column_type = UTCDateTime()
    dialect: Any = None
    aware = datetime(2026, 3, 2, 12, 0, tzinfo=timezone(timedelta(hours=3)))
    assert column_type.process_bind_param(aware, dialect) == aware
    assert column_type.process_bind_param(aware, dialect).tzinfo is UTC  # type: ignore[union-attr]
    naive = datetime(2026, 3, 2, 9, 0)
    assert column_type.process_result_value(naive, dialect) == naive.replace(tzinfo=UTC)
    assert column_type.process_result_value(None, dialect) is None
