"""The PostgreSQL and Redis the tests use: addresses, throwaway databases, per-test tables."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import asyncpg
import pytest

from tests.services import DEFAULT_POSTGRES_DSN, DEFAULT_REDIS_URL


def postgres_admin_dsn() -> str:
    """The PostgreSQL server of this run. Read at call time: conftest's pytest_configure
    resolves it (the configured server when it answers, else an embedded one) and publishes
    it in os.environ after this module is imported."""
    return os.environ.get("TEST_POSTGRES_DSN", DEFAULT_POSTGRES_DSN)


def redis_url() -> str:
    """The Redis db index of this run, resolved like `postgres_admin_dsn`."""
    return os.environ.get("TEST_REDIS_URL", DEFAULT_REDIS_URL)


# Tables that tests fill; the exercise catalogue is synced once per run and kept.
PER_TEST_TABLES = (
    "workout_exercises",
    "workouts",
    "users",
    "telegram_files",
    "welcome_video_notes",
)


async def create_postgres_database(prefix: str = "trainer_bot_test") -> str:
    """Create an empty database and return its asyncpg URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin_dsn = postgres_admin_dsn()
    try:
        admin = await asyncpg.connect(admin_dsn, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        pytest.exit(f"PostgreSQL is not reachable at {admin_dsn}: {error}", returncode=3)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = admin_dsn.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return f"{base}/{name}"


async def drop_postgres_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(postgres_admin_dsn(), timeout=5)
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
