"""Migration 0008 on both databases: dip bars as an exercise equipment and a home item,
and back."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from tests.support.databases import create_postgres_database, drop_postgres_database
from tests.support.migrations import alembic
from trainer_bot.db.engine import create_engine

REVISION = "0008_dip_bars"
BEFORE = "0005_workout_jobs"
USER_ROW = (
    "INSERT INTO users (telegram_id, first_name, gender, age, height_cm, current_weight_kg, "
    "fitness_level, goal, target_weight_kg, workout_frequency, equipment_type, "
    "home_equipment, created_at, updated_at) VALUES (556, 'Old', 'male', 31, 180, 80, "
    "'intermediate', 'maintenance', 80, 3, 'bodyweight', 15, CURRENT_TIMESTAMP, "
    "CURRENT_TIMESTAMP)"
)
DIPS_ROW = (
    "INSERT INTO exercises (slug, name, description, instructions, primary_muscles, "
    "secondary_muscles, equipment, level, movement, is_compound, is_timed, is_high_impact, "
    "video_url, is_active, created_at, updated_at) VALUES ('parallel_bar_dips', 'n', 'd', "
    "'i', '[]', '[]', 'machine', 'intermediate', 'horizontal_push', true, false, false, "
    "'https://v', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)
# A workout that uses the dips: SQLite rebuilds the exercises table in batch mode, and
# with foreign keys on it refused to drop a table these rows reference.
WORKOUT_ROWS = (
    "INSERT INTO workouts (user_id, planned_date, status, source, focus, title, rationale, "
    "warmup) SELECT id, '2026-12-01', 'planned', 'fallback', 'upper', 't', 'r', 'w' "
    "FROM users WHERE telegram_id = 556",
    "INSERT INTO workout_exercises (workout_id, exercise_id, position, sets, reps_min, "
    "reps_max, rest_seconds) SELECT w.id, e.id, 1, 3, 8, 12, 90 FROM workouts w, exercises e "
    "WHERE e.slug = 'parallel_bar_dips'",
)


@pytest.fixture(params=["postgresql", "sqlite"])
async def database_before_0008(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[str]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'before_0008.sqlite3'}"
    else:
        url = await create_postgres_database("trainer_bot_0008")
    try:
        await alembic(command.upgrade, url, BEFORE)
        yield url
    finally:
        if request.param == "postgresql":
            await drop_postgres_database(url)


async def test_dip_bars_come_and_go(database_before_0008: str) -> None:
    url = database_before_0008
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(USER_ROW))
            await connection.execute(text(DIPS_ROW))
            for row in WORKOUT_ROWS:
                await connection.execute(text(row))
        await alembic(command.upgrade, url, REVISION)
        async with engine.begin() as connection:
            # What the catalogue sync does at start-up, and a user ticking «Брусья».
            await connection.execute(
                text("UPDATE exercises SET equipment = 'dip_bars' WHERE slug = 'parallel_bar_dips'")
            )
            await connection.execute(text("UPDATE users SET home_equipment = 31"))
        for bad in (
            "UPDATE users SET home_equipment = 32",
            "UPDATE exercises SET equipment = 'parallel_bars'",
        ):
            with pytest.raises(IntegrityError):
                async with engine.begin() as connection:
                    await connection.execute(text(bad))
        await alembic(command.downgrade, url, BEFORE)
        async with engine.connect() as connection:
            home = await connection.scalar(
                text("SELECT home_equipment FROM users WHERE telegram_id = 556")
            )
            equipment = await connection.scalar(
                text("SELECT equipment FROM exercises WHERE slug = 'parallel_bar_dips'")
            )
            planned = await connection.scalar(text("SELECT count(*) FROM workout_exercises"))
        assert home == 15
        assert equipment == "machine"
        assert planned == 1
    finally:
        await engine.dispose()
