"""Postgres restarted or unreachable while the bot runs.

The shared server is never restarted: the suite's own database stands in for it. A restart
is simulated by terminating every backend of that database (pooled connections die as
they do on a restart); an outage by `ALLOW_CONNECTIONS false` plus termination, or by an
engine pointed at a closed port.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator

import pytest
from aiogram.methods import AnswerCallbackQuery, SendMessage
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from dialogs.errors import TEMPORARY_FAILURE_TEXT
from tests.resilience.outages import DatabaseControl
from tests.resilience.outages import database as database  # the fixture
from tests.resilience.support import new_user_id, register, user_row
from tests.support.databases import postgres_admin_dsn
from tests.support.dialogs import UserSession
from tests.support.harness import DialogHarness, build_harness
from trainer_bot.app import create_state_backend
from trainer_bot.db import engine as engine_module
from trainer_bot.db.engine import create_engine, create_session_factory

POSTGRES_ADMIN_DSN = postgres_admin_dsn()  # resolved by conftest before test modules are imported


def temporary_answers(harness: DialogHarness, since: int) -> list[str]:
    """Every "temporarily unavailable" text the user got after call number `since`, as a
    message or as a callback alert."""
    found = []
    for call in harness.bot.calls[since:]:
        if isinstance(call, SendMessage | AnswerCallbackQuery) and call.text:
            found.append(call.text)
    return [text for text in found if text == TEMPORARY_FAILURE_TEXT]


async def test_connections_killed_by_a_restart_are_replaced_silently(
    res_harness: DialogHarness,
    res_engine: AsyncEngine,
    res_session_factory: async_sessionmaker[AsyncSession],
    database: DatabaseControl,
) -> None:
    user = await register(res_harness, new_user_id())
    assert res_engine.pool.checkedin() >= 1, "no pooled connection to kill"
    calls = len(res_harness.bot.calls)

    await database.restart()

    # Dead pooled connections are noticed at checkout and replaced: no error at all.
    assert "Твой профиль" in await user.press("👤 Мой профиль")
    assert "главное меню" in await user.say("/start")
    assert temporary_answers(res_harness, calls) == []
    newcomer = UserSession(res_harness, new_user_id(), first_name="Анна")
    assert "Привет, Анна" in await newcomer.start()
    assert await user_row(res_session_factory, user.user_id) is not None


async def test_outage_gets_a_short_answer_and_the_bot_recovers_without_restart(
    res_harness: DialogHarness,
    res_session_factory: async_sessionmaker[AsyncSession],
    database: DatabaseControl,
) -> None:
    user = await register(res_harness, new_user_id())
    menu = user.screen()
    newcomer = UserSession(res_harness, new_user_id(), first_name="Анна")
    calls = len(res_harness.bot.calls)

    await database.go_down()
    await user.say("/profile")  # a command: the answer is a message
    await user.press_expecting(0, "🏋️ Получить тренировку", message=menu)  # a callback alert
    await newcomer.client.send("/start")  # someone new
    assert temporary_answers(res_harness, calls) == [TEMPORARY_FAILURE_TEXT] * 3

    await database.come_back()  # same process, same engine, same Dispatcher
    assert "Твой профиль" in await user.say("/profile")
    assert "главное меню" in await user.press("◀️ В меню")
    assert "Составляю тренировку" in await user.press("🏋️ Получить тренировку")
    await res_harness.workout_service.wait_background()
    assert "Разминка" in user.text()
    assert "Привет, Анна" in await newcomer.start()
    assert len(temporary_answers(res_harness, calls)) == 3, "failures after the recovery"
    saved = await user_row(res_session_factory, user.user_id)
    assert saved is not None and saved.last_workout_at is not None


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
async def unreachable_engine() -> AsyncIterator[AsyncEngine]:
    engine = create_engine(
        f"postgresql+asyncpg://postgres@127.0.0.1:{_closed_port()}/nowhere",
        connect_args={"timeout": 2},
    )
    yield engine
    await engine.dispose()


async def test_unreachable_database_gets_the_short_answer(
    unreachable_engine: AsyncEngine, redis: Redis, redis_prefix: str
) -> None:
    harness = build_harness(
        create_session_factory(unreachable_engine),
        create_state_backend(redis, shared_locks=True, key_prefix=redis_prefix),
    )
    await UserSession(harness, new_user_id()).client.send("/start")
    assert harness.bot.sent_texts() == [TEMPORARY_FAILURE_TEXT]


async def test_a_silent_database_host_gives_up_after_the_connect_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A host that takes the TCP connection but never speaks (a hung server, a firewall
    that drops packets after the handshake): asyncpg alone would wait 60 s."""
    monkeypatch.setattr(engine_module, "CONNECT_TIMEOUT_SECONDS", 0.3)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel completes handshakes; nobody ever accepts or answers
        port = silent.getsockname()[1]
        engine = create_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{port}/nowhere")
        attempt = asyncio.create_task(engine.connect().start())
        try:
            # A ceiling far below asyncpg's own 60 s: the attempt must end by itself.
            done, _ = await asyncio.wait({attempt}, timeout=20)
            assert attempt in done, "still connecting: the connect timeout is not applied"
            assert isinstance(attempt.exception(), TimeoutError), attempt.exception()
        finally:
            attempt.cancel()
            await engine.dispose()
