"""Shared fixtures: a real Postgres database and a real Redis db index per test run.

Each run creates its own database (dropped at the end) and uses its own key prefix in a
dedicated Redis db index, so it never touches data it did not create. A missing service
fails the run loudly instead of skipping the database tests.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiogram import Dispatcher
from aiogram_dialog.test_tools import BotClient, MockMessageManager
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.fakes.recording_bot import TEST_BOT_TOKEN, RecordingBot
from trainer_bot.app import StateBackend, create_dispatcher, create_state_backend
from trainer_bot.catalogue import default_catalogue
from trainer_bot.config import Settings
from trainer_bot.db.engine import create_engine, create_session_factory
from trainer_bot.db.migrations import upgrade_to_head
from trainer_bot.llm import LLMWorkoutGenerator
from trainer_bot.services.workout_jobs import WorkoutJobRunner
from trainer_bot.services.workouts import WorkoutService

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


@pytest.fixture(scope="session")
async def database_url() -> AsyncIterator[str]:
    url = await create_postgres_database()
    await upgrade_to_head(url)
    yield url
    await drop_postgres_database(url)


@pytest.fixture(scope="session")
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
async def catalogue_synced(engine: AsyncEngine) -> None:
    """The exercise catalogue in the test database, synced once per run."""
    from trainer_bot.services.catalogue_sync import sync_catalogue_file

    await sync_catalogue_file(engine)


@pytest.fixture
async def session_factory(
    engine: AsyncEngine, catalogue_synced: None
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """A session factory on the migrated test database; per-test rows are removed after."""
    yield create_session_factory(engine)
    async with engine.begin() as connection:
        await connection.execute(text(f"TRUNCATE {', '.join(PER_TEST_TABLES)} CASCADE"))


@pytest.fixture
async def session(
    session_factory: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    async with session_factory() as session:
        yield session


@pytest.fixture(scope="session")
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as error:
        pytest.exit(f"Redis is not reachable at {REDIS_URL}: {error}", returncode=3)
    yield client
    await client.aclose()


@pytest.fixture
async def redis_prefix(redis: Redis) -> AsyncIterator[str]:
    """A key prefix owned by one test; its keys are deleted afterwards."""
    prefix = f"trainer_bot_test:{uuid.uuid4().hex[:12]}"
    yield prefix
    keys = [key async for key in redis.scan_iter(match=f"{prefix}:*")]
    if keys:
        await redis.delete(*keys)


@pytest.fixture
def tmp_log_dir(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "logs"
    path.mkdir()
    yield path


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
    dp = create_dispatcher(
        session_factory=session_factory,
        state=state,
        settings=settings,
        message_manager=messages,
        workout_service=service,
        jobs=jobs,
    )
    return DialogHarness(dp, RecordingBot(), messages, service, clock, jobs)


@pytest.fixture
async def harness(
    session_factory: async_sessionmaker[AsyncSession], redis: Redis, redis_prefix: str
) -> DialogHarness:
    """Dialogs on real Postgres and real Redis (RedisStorage under a per-test key prefix),
    with in-process per-user locks as the polling bot has them (the resilience harness and
    the webhook tests use the Redis locks)."""
    return build_harness(
        session_factory, create_state_backend(redis, shared_locks=False, key_prefix=redis_prefix)
    )
