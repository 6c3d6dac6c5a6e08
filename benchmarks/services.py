"""Our own PostgreSQL database and Redis key prefix for a run, and the bot's settings."""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from trainer_bot.app import StateBackend, create_state_backend
from trainer_bot.config import Settings
from trainer_bot.db.engine import create_engine, create_session_factory
from trainer_bot.db.migrations import upgrade_to_head
from trainer_bot.services.catalogue_sync import sync_catalogue_file

POSTGRES_ADMIN_DSN = os.environ.get("BENCH_POSTGRES_DSN") or os.environ.get(
    "TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres"
)
# A Redis db index of its own (tests use 13); only keys under our prefix are ever deleted.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/11")
BENCH_BOT_TOKEN = "123456789:BENCH-token-never-real-abcdefghij"


class ServiceUnavailableError(RuntimeError):
    pass


@dataclass
class BenchEnv:
    database_url: str
    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    redis: Redis
    prefix: str

    def state(self, name: str, *, shared_locks: bool) -> StateBackend:
        """RedisStorage under `<prefix>:<name>`, as the bot builds it; per-user locks in Redis
        (`shared_locks`, webhook replicas) or in the process (polling)."""
        return create_state_backend(
            self.redis, shared_locks=shared_locks, key_prefix=f"{self.prefix}:{name}"
        )


async def _admin() -> asyncpg.Connection:
    try:
        return await asyncpg.connect(POSTGRES_ADMIN_DSN, timeout=5)
    except (OSError, asyncpg.PostgresError) as error:
        raise ServiceUnavailableError(
            f"PostgreSQL is not reachable at {POSTGRES_ADMIN_DSN} (BENCH_POSTGRES_DSN): {error}"
        ) from None


async def _migrate_in_subprocess(url: str) -> None:
    """`upgrade_to_head` in a child process: Alembic (~11 MiB) never enters this one,
    as it never enters the running bot's."""
    code = (
        "import asyncio, sys\n"
        "from trainer_bot.db.migrations import upgrade_to_head\n"
        "asyncio.run(upgrade_to_head(sys.argv[1]))\n"
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, url, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"migrations failed: {stderr.decode(errors='replace')[-2000:]}")


@asynccontextmanager
async def bench_env(*, migrate_in_subprocess: bool = False) -> AsyncIterator[BenchEnv]:
    """A fresh migrated database with the catalogue, and a Redis key prefix; both removed.
    `migrate_in_subprocess`: keep Alembic out of this process (the memory benchmark)."""
    redis = Redis.from_url(REDIS_URL)
    try:
        await redis.ping()
    except Exception as error:
        await redis.aclose()
        raise ServiceUnavailableError(
            f"Redis is not reachable at {REDIS_URL} (BENCH_REDIS_URL): {error}"
        ) from None
    name = f"trainer_bot_bench_{uuid.uuid4().hex[:10]}"
    admin = await _admin()
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = POSTGRES_ADMIN_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    url = f"{base}/{name}"
    prefix = f"trainer_bot_bench:{uuid.uuid4().hex[:12]}"
    engine: AsyncEngine | None = None
    try:
        if migrate_in_subprocess:
            await _migrate_in_subprocess(url)
        else:
            await upgrade_to_head(url)
        engine = create_engine(url)
        await sync_catalogue_file(engine)
        session_factory = create_session_factory(engine)
        yield BenchEnv(url, engine, session_factory, redis, prefix)
    finally:
        keys = [key async for key in redis.scan_iter(match=f"{prefix}:*", count=1000)]
        for start in range(0, len(keys), 1000):
            await redis.delete(*keys[start : start + 1000])
        await redis.aclose()
        if engine is not None:
            await engine.dispose()
        admin = await _admin()
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {"bot_token": BENCH_BOT_TOKEN, "log_file": None, **overrides}
    return Settings(_env_file=None, **values)
