"""The PostgreSQL and Redis the tests use: addresses, throwaway databases, per-test tables."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

POSTGRES_ADMIN_DSN = os.environ.get(
    "TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
# Tables that tests fill; the exercise catalogue is synced once per run and kept.
PER_TEST_TABLES = ("workout_exercises", "workouts", "users", "telegram_files")


async def create_postgres_database(prefix: str = "trainer_bot_test") -> str:
    """Create an empty database and return its asyncpg URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    try:
        admin = await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        pytest.exit(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_DSN}: {error}", returncode=3)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{name}"


async def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=5)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


BACKENDS = ["postgresql", "sqlite"]


@pytest.fixture(params=BACKENDS)
async def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database with no tables at all, removed after the test (import it as a fixture)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'migrations.sqlite3'}"
        return
    url = await create_postgres_database("trainer_bot_migrations")
    try:
        yield url
    finally:
        await drop_postgres_database(url)
