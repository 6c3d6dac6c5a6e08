"""Which per-user lock the bot takes: in-process when polling, in Redis for webhook replicas.

A polling bot is the only process that receives its updates (Telegram answers a second
getUpdates with 409), so the lock that keeps one user's updates in order can live in the
process; webhook replicas receive updates of the same user in parallel and need the lock in
Redis. Both aiogram's FSM middleware and aiogram-dialog's intent middlewares take it.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiogram import Dispatcher
from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from redis.asyncio import Redis

from tests.support.databases import redis_url
from tests.support.harness import make_settings
from trainer_bot.app import build_application, create_state_backend
from trainer_bot.event_isolation import InProcessEventIsolation
from trainer_bot.middlewares.throttling import (
    MemoryRateLimiter,
    RedisRateLimiter,
    ThrottlingMiddleware,
)

REDIS_URL = redis_url()  # resolved by conftest before test modules are imported


def isolations_in_use(dp: Dispatcher) -> list[BaseEventIsolation]:
    """Every event isolation the Dispatcher's FSM and aiogram-dialog's middlewares hold."""
    found: list[BaseEventIsolation] = [dp.fsm.events_isolation]
    routers = [dp, *dp.chain_tail]
    for router in routers:
        for observer in router.observers.values():
            for middleware in [*observer.outer_middleware, *observer.middleware]:
                owner: Any = getattr(middleware, "__self__", middleware)
                isolation = getattr(owner, "events_isolation", None)
                if isinstance(isolation, BaseEventIsolation):
                    found.append(isolation)
    return found


async def test_shared_locks_choose_the_isolation_and_keep_redis_storage(redis: Redis) -> None:
    shared = create_state_backend(redis, shared_locks=True)
    local = create_state_backend(redis, shared_locks=False)
    assert isinstance(shared.events_isolation, RedisEventIsolation)
    assert isinstance(local.events_isolation, InProcessEventIsolation)
    assert isinstance(shared.storage, RedisStorage) and isinstance(local.storage, RedisStorage)
    without_redis = create_state_backend(None, shared_locks=True)
    assert isinstance(without_redis.storage, MemoryStorage)
    assert isinstance(without_redis.events_isolation, InProcessEventIsolation)


def rate_limiters_in_use(dp: Dispatcher) -> set[type[Any]]:
    return {
        type(middleware.limiter)
        for observer in (dp.message, dp.callback_query)
        for middleware in observer.outer_middleware
        if isinstance(middleware, ThrottlingMiddleware)
    }


@pytest.mark.parametrize(
    ("mode", "expected", "limiter"),
    [
        ("polling", InProcessEventIsolation, MemoryRateLimiter),
        ("webhook", RedisEventIsolation, RedisRateLimiter),
    ],
)
async def test_bot_mode_decides_where_the_locks_live(
    database_url: str,
    catalogue_synced: None,
    mode: str,
    expected: type[BaseEventIsolation],
    limiter: type[Any],
) -> None:
    extra: dict[str, Any] = {}
    if mode == "webhook":
        extra = {
            "webhook_url": "https://bot.example.com/telegram/webhook",
            "webhook_secret": "state-backend-test-secret-0123456789",
        }
    settings = make_settings(database_url=database_url, redis_url=REDIS_URL, bot_mode=mode, **extra)
    app = await build_application(settings)
    try:
        assert isinstance(app.state.storage, RedisStorage)
        isolations = isolations_in_use(app.dispatcher)
        # aiogram's FSM plus aiogram-dialog's intent and error middlewares.
        assert len(isolations) >= 3, isolations
        assert {type(isolation) for isolation in isolations} == {expected}
        assert all(isolation is app.state.events_isolation for isolation in isolations)
        # The per-user rate limit follows the same rule (one bucket per user across replicas).
        assert rate_limiters_in_use(app.dispatcher) == {limiter}
    finally:
        await app.close()


def key(user_id: int, destiny: str = "default") -> StorageKey:
    return StorageKey(bot_id=1, chat_id=user_id, user_id=user_id, destiny=destiny)


async def test_in_process_locks_serialize_one_user_and_are_forgotten_after() -> None:
    isolation = InProcessEventIsolation()
    order: list[str] = []
    first_inside = asyncio.Event()

    async def update(name: str, user_id: int, hold: asyncio.Event | None = None) -> None:
        async with isolation.lock(key(user_id)):
            order.append(f"{name} in")
            if hold is not None:
                first_inside.set()
                await hold.wait()
            order.append(f"{name} out")

    release = asyncio.Event()
    first = asyncio.create_task(update("a1", 1, release))
    await first_inside.wait()
    second = asyncio.create_task(update("a2", 1))  # the same user: waits
    other = asyncio.create_task(update("b", 2))  # another user: does not
    await other
    await asyncio.sleep(0)
    assert order == ["a1 in", "b in", "b out"]
    assert isolation.keys_in_use == 1  # user 1's lock: held and awaited
    release.set()
    await asyncio.gather(first, second)
    assert order[3:] == ["a1 out", "a2 in", "a2 out"]
    assert isolation.keys_in_use == 0  # nothing kept once nobody holds or waits


async def test_in_process_lock_is_released_and_forgotten_when_the_update_fails() -> None:
    isolation = InProcessEventIsolation()
    with pytest.raises(RuntimeError):
        async with isolation.lock(key(1)):
            raise RuntimeError("handler failed")
    assert isolation.keys_in_use == 0
    async with asyncio.timeout(1):  # not left locked
        async with isolation.lock(key(1)):
            pass


async def test_lock_left_taken_by_a_finished_update_is_freed() -> None:
    """aiogram-dialog 2.6 leaves its stack lock taken when reading the stack fails (Redis
    down): the update ends, the lock stays. The next update of that user must not wait
    forever, and the leaked lock's late release must not free someone else's."""
    isolation = InProcessEventIsolation()
    leaked = isolation.lock(key(1))

    async def failing_update() -> None:
        await leaked.__aenter__()  # never exited, as in aiogram-dialog's StorageProxy

    await asyncio.create_task(failing_update())
    async with asyncio.timeout(3):
        async with isolation.lock(key(1)):
            await leaked.__aexit__(None, None, None)  # finalized late, while we hold it
            waiter = asyncio.create_task(_take(isolation, key(1)))
            await asyncio.sleep(0.1)
            assert not waiter.done(), "the late release freed the current holder's lock"
        await waiter


async def _take(isolation: InProcessEventIsolation, storage_key: StorageKey) -> None:
    async with isolation.lock(storage_key):
        pass


async def test_many_users_leave_no_locks_behind() -> None:
    """aiogram's SimpleEventIsolation would keep one lock per key here for good."""
    isolation = InProcessEventIsolation()
    for user_id in range(1000):
        for destiny in ("default", "aiogd:stack:"):
            async with isolation.lock(key(user_id, destiny)):
                pass
    assert isolation.keys_in_use == 0


async def test_closing_under_a_running_update_lets_it_finish() -> None:
    """The Dispatcher closes its isolation at shutdown while updates may still run."""
    isolation = InProcessEventIsolation()
    async with isolation.lock(key(1)):
        await isolation.close()
    assert isolation.keys_in_use == 0
    async with isolation.lock(key(1)):
        assert isolation.keys_in_use == 1
