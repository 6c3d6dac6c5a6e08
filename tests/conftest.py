"""Shared fixtures: a real Postgres database and a real Redis db index per test run.

Each run creates its own database (dropped at the end) and uses its own key prefix in a
dedicated Redis db index, so it never touches data it did not create. The servers are the
configured ones when they answer, embedded ones otherwise (tests/services.py, one line in
the output says so); a service that is neither reachable nor startable fails the run
loudly instead of skipping the database tests.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.embedded import EmbeddedServerError
from tests.services import TestServices, resolve_services
from tests.support.databases import (
    PER_TEST_TABLES,
    create_postgres_database,
    drop_postgres_database,
    redis_url,
)
from tests.support.harness import DialogHarness, build_harness
from trainer_bot.app import create_state_backend
from trainer_bot.db.engine import create_engine, create_session_factory
from trainer_bot.db.migrations import upgrade_to_head

_services: TestServices | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Choose the servers once, before any test module is imported: the configured ones
    when they answer, embedded ones otherwise; published in os.environ (TEST_POSTGRES_DSN,
    TEST_REDIS_URL and the other modules' Redis variables)."""
    global _services
    if _services is not None:
        return  # resolved once per process
    try:
        _services = resolve_services()
    except EmbeddedServerError as error:
        raise pytest.UsageError(str(error)) from None
    if summary := _services.summary():
        _services.stop_on_sigterm()
        print(summary, file=sys.stderr, flush=True)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _services is not None:
        _services.stop()  # also on failure or Ctrl+C; atexit catches what is left


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
    url = redis_url()
    client = Redis.from_url(url)
    try:
        await client.ping()
    except Exception as error:
        pytest.exit(f"Redis is not reachable at {url}: {error}", returncode=3)
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
