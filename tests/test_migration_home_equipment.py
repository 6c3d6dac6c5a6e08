"""Migration 0003 on both databases: existing users keep "never asked" and count as welcomed;
the new constraints hold."""

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

REVISION = "0003_home_equipment"
USER_ROW = (
    "INSERT INTO users (telegram_id, first_name, gender, age, height_cm, current_weight_kg, "
    "fitness_level, goal, target_weight_kg, workout_frequency, equipment_type, created_at, "
    "updated_at) VALUES (555, 'Old', 'female', 31, 165, 62, 'beginner', 'maintenance', 62, "
    "3, 'bodyweight', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)

EXERCISE_ROW = (
    "INSERT INTO exercises (slug, name, description, instructions, primary_muscles, "
    "secondary_muscles, equipment, level, movement, is_compound, is_timed, is_high_impact, "
    "video_url, is_active, created_at, updated_at) VALUES ('{slug}', 'n', 'd', 'i', '[]', "
    "'[]', '{equipment}', 'beginner', 'core', false, false, false, 'https://v', true, "
    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)


@pytest.fixture(params=["postgresql", "sqlite"])
async def database_before_0003(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[str]:
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'before_0003.sqlite3'}"
    else:
        url = await create_postgres_database("trainer_bot_0003")
    try:
        await alembic(command.upgrade, url, "0002")
        yield url
    finally:
        if request.param == "postgresql":
            await drop_postgres_database(url)


async def test_existing_users_are_never_asked_and_already_welcomed(
    database_before_0003: str,
) -> None:
    url = database_before_0003
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.execute(text(USER_ROW))
        await alembic(command.upgrade, url, REVISION)
        async with engine.connect() as connection:
            home = await connection.scalar(
                text("SELECT home_equipment FROM users WHERE telegram_id = 555")
            )
            welcomed = await connection.scalar(
                text("SELECT count(*) FROM welcome_video_notes WHERE telegram_id = 555")
            )
        assert home is None and welcomed == 1
        for bad in (
            "UPDATE users SET home_equipment = 16",
            "UPDATE users SET home_equipment = -1",
            "INSERT INTO welcome_video_notes (telegram_id, sent_at) "
            "VALUES (555, CURRENT_TIMESTAMP)",
        ):
            with pytest.raises(IntegrityError):
                async with engine.begin() as connection:
                    await connection.execute(text(bad))
        async with engine.begin() as connection:
            await connection.execute(text("UPDATE users SET home_equipment = 15"))
            # Exercises may now need bands or a bench.
            for slug, equipment in (("band_row", "bands"), ("bench_dip", "bench")):
                await connection.execute(text(EXERCISE_ROW.format(slug=slug, equipment=equipment)))
        with pytest.raises(IntegrityError):
            async with engine.begin() as connection:
                await connection.execute(text(EXERCISE_ROW.format(slug="x", equipment="rope")))
    finally:
        await engine.dispose()
