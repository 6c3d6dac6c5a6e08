"""Redis lost: dialog state vanishes (FLUSHDB, a restart without persistence) or Redis
drops its connections; Postgres keeps everything that was saved.

FLUSHDB is simulated by deleting only the keys under this test's prefix: the shared Redis
serves other tests and other engineers at the same time.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import AsyncIterator

import pytest
from aiogram.methods import AnswerCallbackQuery
from aiogram_dialog.test_tools.keyboard import InlineButtonTextLocator
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from dialogs.errors import STALE_SCREEN_TEXT, TEMPORARY_FAILURE_TEXT
from tests.resilience.outages import TcpProxy
from tests.resilience.outages import redis_behind_proxy as redis_behind_proxy  # the fixture
from tests.resilience.support import (
    delete_prefixed_keys,
    new_user_id,
    open_workout,
    register,
    user_row,
    workouts_of,
)
from tests.support.databases import redis_url
from tests.support.dialogs import UserSession
from tests.support.harness import DialogHarness, build_harness
from tests.support.registration import fill_until
from trainer_bot.app import create_state_backend

REDIS_URL = redis_url()  # resolved by conftest before test modules are imported


def stale_answers(harness: DialogHarness) -> list[str | None]:
    return [call.text for call in harness.bot.calls_of(AnswerCallbackQuery)]


async def test_button_after_state_loss_mid_registration_reopens_the_greeting(
    res_harness: DialogHarness, redis: Redis, redis_prefix: str, res_engine: AsyncEngine
) -> None:
    user = UserSession(res_harness, new_user_id(), first_name="Иван")
    await fill_until(user, "height")
    assert await delete_prefixed_keys(redis, redis_prefix) > 0

    answer = await user.press("◀️ Назад")  # a button of the weight question still on screen
    assert STALE_SCREEN_TEXT in stale_answers(res_harness)
    assert "Привет, Иван" in answer and "🚀 Начать" in user.buttons()
    assert res_engine.pool.checkedout() == 0, "the stale-screen handler kept a connection"
    # The answers so far lived only in Redis: the wizard starts over and works.
    await user.press("🚀 Начать")
    await user.press("👨 Мужской")
    for text in ("27", "178", "82,5"):
        await user.say(text)
    assert "опыт" in user.text()


async def test_start_after_state_loss_mid_registration_starts_over(
    res_harness: DialogHarness, redis: Redis, redis_prefix: str
) -> None:
    user = UserSession(res_harness, new_user_id(), first_name="Иван")
    await fill_until(user, "gender")
    await delete_prefixed_keys(redis, redis_prefix)
    # The greeting alone: the welcome video note went with the first /start.
    assert "Привет, Иван" in await user.say("/start")
    assert "Укажи пол" in await user.press("🚀 Начать")


@pytest.mark.parametrize("registered", [False, True], ids=["mid-registration", "registered"])
async def test_text_after_state_loss_gets_an_answer(
    res_harness: DialogHarness, redis: Redis, redis_prefix: str, registered: bool
) -> None:
    user_id = new_user_id()
    if registered:
        user = await register(res_harness, user_id)
    else:
        user = UserSession(res_harness, user_id, first_name="Иван")
        await fill_until(user, "height")
    await delete_prefixed_keys(redis, redis_prefix)

    # The answer to a question the bot no longer remembers: a word of explanation, then
    # the screen the user is really on.
    sent = await user.say_expecting(2, "82,5")
    assert sent.texts()[0] == "Я потерял нить разговора — открываю актуальный экран 👇"
    expected = "главное меню" if registered else "Привет, Иван"
    assert expected in sent.window_text()


async def test_open_workout_survives_state_loss(
    res_harness: DialogHarness,
    redis: Redis,
    redis_prefix: str,
    res_session_factory: async_sessionmaker[AsyncSession],
    res_engine: AsyncEngine,
) -> None:
    user = await register(res_harness, new_user_id(), first_name="Мария")
    await open_workout(user)
    saved_user = await user_row(res_session_factory, user.user_id)
    saved_workouts = await workouts_of(res_session_factory, user.user_id)
    assert saved_user is not None and len(saved_workouts) == 1
    workout_screen = user.screen()

    await delete_prefixed_keys(redis, redis_prefix)
    answer = await user.press("✅ Завершить тренировку", message=workout_screen)

    # A short explanation and the main menu, which still knows the planned workout.
    assert STALE_SCREEN_TEXT in stale_answers(res_harness)
    assert "главное меню" in answer and "Мария" in answer
    assert "📋 Моя тренировка" in user.buttons()
    assert res_engine.pool.checkedout() == 0
    # Nothing in Postgres changed or was lost.
    after_user = await user_row(res_session_factory, user.user_id)
    assert after_user is not None
    columns = ("id", "age", "height_cm", "current_weight_kg", "goal", "last_workout_at")
    assert {c: getattr(after_user, c) for c in columns} == {
        c: getattr(saved_user, c) for c in columns
    }
    assert await workouts_of(res_session_factory, user.user_id) == saved_workouts

    # The workout is one tap away and can be completed as usual.
    assert "Разминка" in await user.press("📋 Моя тренировка")
    assert "Отличная работа" in await user.press("✅ Завершить тренировку")
    (workout,) = await workouts_of(res_session_factory, user.user_id)
    assert workout.status == "completed"


async def test_registered_user_start_after_state_loss_opens_the_menu(
    res_harness: DialogHarness, redis: Redis, redis_prefix: str
) -> None:
    user = await register(res_harness, new_user_id())
    await delete_prefixed_keys(redis, redis_prefix)
    assert "главное меню" in await user.say("/start")
    assert "Твой профиль" in await user.press("👤 Мой профиль")


# --- Redis restarted: connections drop, then come back ------------------------------------


@pytest.fixture(params=[True, False], ids=["redis-locks", "in-process-locks"])
async def harness_behind_proxy(
    request: pytest.FixtureRequest,
    res_session_factory: async_sessionmaker[AsyncSession],
    redis: Redis,
    redis_behind_proxy: tuple[Redis, TcpProxy],
) -> AsyncIterator[tuple[DialogHarness, TcpProxy]]:
    """Both lock configurations: webhook replicas (Redis locks) and polling (in-process)."""
    client, proxy = redis_behind_proxy
    prefix = f"trainer_bot_test:{uuid.uuid4().hex[:12]}"
    state = create_state_backend(client, shared_locks=request.param, key_prefix=prefix)
    harness = build_harness(res_session_factory, state)
    try:
        yield harness, proxy
    finally:
        await delete_prefixed_keys(redis, prefix)


async def test_redis_restart_the_bot_recovers_by_itself(
    harness_behind_proxy: tuple[DialogHarness, TcpProxy],
) -> None:
    harness, proxy = harness_behind_proxy
    user = await register(harness, new_user_id())

    await proxy.stop()  # Redis goes down: open connections die, new ones are refused
    with contextlib.suppress(Exception):  # what the user sees meanwhile: the next test
        await user.say("/start")
    await proxy.start()  # back on the same address with its data (a plain restart)

    assert "главное меню" in await user.say("/start")
    assert "Твой профиль" in await user.press("👤 Мой профиль")


async def test_redis_outage_gets_the_temporary_answer(
    harness_behind_proxy: tuple[DialogHarness, TcpProxy], caplog: pytest.LogCaptureFixture
) -> None:
    harness, proxy = harness_behind_proxy
    user = await register(harness, new_user_id())
    menu = user.screen()
    await proxy.stop()
    caplog.clear()
    with caplog.at_level(logging.INFO):
        await user.say("/start")
        assert harness.bot.sent_texts()[-1:] == [TEMPORARY_FAILURE_TEXT]
        callback_id = await user.client.click(menu, InlineButtonTextLocator("👤 Мой профиль"))
    answers = [
        a for a in harness.bot.calls_of(AnswerCallbackQuery) if a.callback_query_id == callback_id
    ]
    assert [a.text for a in answers] == [TEMPORARY_FAILURE_TEXT], answers
    logged = [r for r in caplog.records if r.name.startswith(("dialogs", "trainer_bot"))]
    assert [r.levelname for r in logged] == ["ERROR", "ERROR"], logged  # one line per update
    assert all("service unavailable" in r.getMessage() for r in logged), logged

    await proxy.start()
    assert "главное меню" in await user.say("/start")
