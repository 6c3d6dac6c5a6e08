"""Fixtures of the resilience suite: a database of its own, per-test engines and harnesses.

The suite breaks things on purpose (terminates database backends, disallows connections,
deletes Redis keys), so it never touches the shared test database: it creates its own
(migrated, catalogue synced) once per run and drops it at the end. Rows are not truncated
between tests: every test uses fresh Telegram user ids instead, so a connection left
behind by a failure under test cannot block the next test's clean-up.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.support.databases import create_postgres_database, drop_postgres_database
from tests.support.harness import DialogHarness, build_harness
from trainer_bot.app import create_state_backend
from trainer_bot.db.engine import create_engine, create_session_factory
from trainer_bot.db.migrations import upgrade_to_head
from trainer_bot.services.catalogue_sync import sync_catalogue_file


@pytest.fixture(scope="session")
async def resilience_database_url() -> AsyncIterator[str]:
    url = await create_postgres_database(prefix="trainer_bot_resilience")
    try:
        await upgrade_to_head(url)
        engine = create_engine(url)
        try:
            await sync_catalogue_file(engine)
        finally:
            await engine.dispose()
        yield url
    finally:
        await drop_postgres_database(url)  # WITH (FORCE): leftover connections die too


@pytest.fixture
async def res_engine(resilience_database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine of this test only (its pool is not shared with other tests)."""
    engine = create_engine(resilience_database_url, pool_timeout=5)
    yield engine
    await engine.dispose()


@pytest.fixture
def res_session_factory(res_engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return create_session_factory(res_engine)


@pytest.fixture
def res_harness(
    res_session_factory: async_sessionmaker[AsyncSession], redis: Redis, redis_prefix: str
) -> Iterator[DialogHarness]:
    """The conftest harness (real Dispatcher, RedisStorage under the test's key prefix)
    on the resilience database, with the per-user locks in Redis too (webhook replicas)."""
    state = create_state_backend(redis, shared_locks=True, key_prefix=redis_prefix)
    yield build_harness(res_session_factory, state)
