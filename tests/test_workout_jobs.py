"""Workout jobs through the real Dispatcher on Postgres and Redis: a dead owner's job is
finished by another replica, slow results never take over another screen, double taps.

The LLM is faked at the edge (an object standing in for LLMWorkoutGenerator that waits
for the test); everything else is the application's own code.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import pytest
from aiogram.methods import AnswerCallbackQuery
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.errors import STALE_SCREEN_TEXT
from dialogs.fallback import UNDERSTOOD_TEXT
from tests.support.dialogs import UserSession
from tests.support.harness import DialogHarness, build_harness, make_settings
from tests.support.registration import fill_until
from trainer_bot.app import create_state_backend
from trainer_bot.db.models import User, Workout, WorkoutJob

USER_ID = 626262
# Short intervals: a dead owner is noticed within a second.
FAST_JOBS = {
    "workout_job_heartbeat_seconds": 0.2,
    "workout_job_stale_seconds": 0.6,
    "workout_job_sweep_seconds": 0.2,
    "workout_slow_notice_seconds": 0.3,
}


class GatedLLM:
    """Stands in for LLMWorkoutGenerator: answers (with nothing usable, so the rule-based
    generator builds the plan) only once the test opens the gate."""

    def __init__(self) -> None:
        self.started = asyncio.Event()
        self.gate = asyncio.Event()
        self.calls = 0

    async def generate(self, **_: Any) -> Any:
        self.calls += 1
        self.started.set()
        await self.gate.wait()
        return SimpleNamespace(plan=None)


def replica(
    session_factory: async_sessionmaker[AsyncSession],
    redis: Redis,
    prefix: str,
    llm: Any = None,
) -> DialogHarness:
    """One bot process: its own Dispatcher and services on the shared database and Redis."""
    state = create_state_backend(redis, shared_locks=True, key_prefix=prefix)
    return build_harness(session_factory, state, settings=make_settings(**FAST_JOBS), llm=llm)


async def register(harness: DialogHarness) -> UserSession:
    user = UserSession(harness, USER_ID, first_name="Мария")
    await fill_until(user)
    await user.press("✅ Всё верно")
    return user


async def workouts(session_factory: async_sessionmaker[AsyncSession]) -> list[Workout]:
    async with session_factory() as session:
        rows = await session.scalars(
            select(Workout).join(User).where(User.telegram_id == USER_ID).order_by(Workout.id)
        )
        return list(rows)


async def jobs(session_factory: async_sessionmaker[AsyncSession]) -> list[WorkoutJob]:
    async with session_factory() as session:
        rows = await session.scalars(
            select(WorkoutJob).join(User).where(User.telegram_id == USER_ID).order_by(WorkoutJob.id)
        )
        return list(rows)


async def wait_for_text(user: UserSession, fragment: str, timeout: float = 10) -> float:  # noqa: ASYNC109
    """Seconds until the user's last screen contains `fragment`."""
    started = time.monotonic()
    while fragment not in user.text():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"{fragment!r} not shown within {timeout} s: {user.text()!r}")
        await asyncio.sleep(0.02)
    return time.monotonic() - started


@pytest.fixture
async def replicas(
    session_factory: async_sessionmaker[AsyncSession], redis: Redis, redis_prefix: str
) -> AsyncIterator[tuple[DialogHarness, DialogHarness, GatedLLM]]:
    """Replica A (whose LLM never answers: it will be "killed") and replica B."""
    llm = GatedLLM()
    a = replica(session_factory, redis, redis_prefix, llm=llm)
    b = replica(session_factory, redis, redis_prefix)
    yield a, b, llm
    llm.gate.set()
    for harness in (a, b):
        await harness.jobs.stop_sweeper()
        await harness.workout_service.aclose(grace_seconds=5)


async def test_job_of_a_killed_replica_is_finished_by_another_within_seconds(
    replicas: tuple[DialogHarness, DialogHarness, GatedLLM],
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    a, b, llm = replicas
    user = await register(a)
    assert "Составляю тренировку" in await user.press("🏋️ Получить тренировку")
    await asyncio.wait_for(llm.started.wait(), 5)
    (job,) = await jobs(session_factory)
    assert (job.state, job.owner) == ("running", a.workout_service.owner)

    # Replica A dies mid-generation: its tasks stop, its heartbeat with them.
    await a.workout_service.aclose(grace_seconds=0)
    b.jobs.start_sweeper(b.bot)  # replica B was running all along
    on_b = UserSession(b, USER_ID, first_name="Мария")
    b.messages.sent_messages.extend(a.messages.sent_messages)  # the chat so far
    waited = await wait_for_text(on_b, "Разминка", timeout=30)
    # Stale after 0.6 s, swept every 0.2 s, the rule-based generator: about a second.
    print(f"workout shown {waited:.1f} s after the owner died")
    assert waited < 10, waited  # a ceiling for a loaded machine; ~1 s when idle
    await b.workout_service.wait_background()  # the job is DONE right after it is shown
    (workout,) = await workouts(session_factory)
    assert workout.source == "fallback"
    (job,) = await jobs(session_factory)
    assert (job.state, job.owner, job.attempts, job.workout_id) == ("done", None, 2, workout.id)
    assert "✅ Завершить тренировку" in on_b.buttons()
    assert "Отличная работа" in await on_b.press("✅ Завершить тренировку")


async def test_asking_again_during_an_orphaned_job_finishes_it(
    replicas: tuple[DialogHarness, DialogHarness, GatedLLM],
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    a, b, llm = replicas
    user = await register(a)
    menu = user.screen()
    await user.press("🏋️ Получить тренировку")
    await asyncio.wait_for(llm.started.wait(), 5)
    await a.workout_service.aclose(grace_seconds=0)
    await asyncio.sleep(0.7)  # the heartbeat goes stale; replica B has no sweeper running

    on_b = UserSession(b, USER_ID, first_name="Мария")
    await on_b.press("◀️ В меню", message=user.screen())
    assert "Составляю тренировку" in await on_b.press("🏋️ Получить тренировку")
    await b.workout_service.wait_background()
    assert "Разминка" in on_b.text()
    assert len(await workouts(session_factory)) == 1
    assert [j.state for j in await jobs(session_factory)] == ["done"]
    assert menu is not None


async def test_slow_result_arrives_as_a_new_message_and_typed_weight_is_saved(
    session_factory: async_sessionmaker[AsyncSession], redis: Redis, redis_prefix: str
) -> None:
    llm = GatedLLM()
    harness = replica(session_factory, redis, redis_prefix, llm=llm)
    try:
        await _slow_result_scenario(harness, llm, session_factory)
    finally:
        llm.gate.set()
        await harness.workout_service.aclose(grace_seconds=1)


async def _slow_result_scenario(
    harness: DialogHarness, llm: GatedLLM, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user = await register(harness)
    assert "Составляю тренировку" in await user.press("🏋️ Получить тренировку")
    await asyncio.wait_for(llm.started.wait(), 5)
    # After the slow-notice delay the same screen says the coach needs longer.
    await wait_for_text(user, "чуть больше времени")
    assert "◀️ В меню" in user.buttons()

    # She moves on: the profile, edit, her weight.
    await user.press("◀️ В меню")
    await user.press("👤 Мой профиль")
    await user.press("✏️ Изменить анкету")
    assert "весишь" in await user.press("✏️ Вес")
    weight_question = user.screen()

    llm.gate.set()  # the LLM answers now
    await harness.workout_service.wait_background()
    workout_message = user.screen()
    assert workout_message.message_id != weight_question.message_id, "a new message"
    assert "Разминка" in user.text() and "✅ Завершить тренировку" in user.buttons()

    # What she types goes to the weight question, not to the workout.
    await user.say("68")
    # Accepted: the wizard asks the target weight again (76 is no loss from 68).
    assert "(сейчас 68 кг)" in user.text()
    assert "Проверь анкету" in await user.say("65")
    await user.press("✅ Всё верно")
    async with session_factory() as session:
        saved = await session.scalar(select(User).where(User.telegram_id == USER_ID))
        assert saved is not None and saved.current_weight_kg == 68
    # The workout message keeps working buttons.
    assert "Отличная работа" in await user.press("✅ Завершить тренировку", message=workout_message)
    assert len(await workouts(session_factory)) == 1


async def test_double_tap_with_a_fast_generator_makes_one_workout_and_a_toast(
    harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user = await register(harness)
    menu = user.screen()
    await user.press("🏋️ Получить тренировку", message=menu)
    await harness.workout_service.wait_background()  # fast: already shown
    workout_message = user.screen()
    assert "Разминка" in user.text()
    shown = len(harness.messages.sent_messages)

    await user.client.click(menu, _locator("🏋️ Получить тренировку"))
    toasts = [c.text for c in harness.bot.calls_of(AnswerCallbackQuery)]
    assert toasts and toasts[-1] and STALE_SCREEN_TEXT not in toasts
    assert len(harness.messages.sent_messages) == shown, "no new screen"
    assert len(await workouts(session_factory)) == 1
    assert "✅ Завершить тренировку" in user.buttons()
    assert "Отличная работа" in await user.press("✅ Завершить тренировку", message=workout_message)


def _locator(label: str) -> Any:
    from aiogram_dialog.test_tools.keyboard import InlineButtonTextLocator

    return InlineButtonTextLocator(label)


async def test_free_text_on_the_menu_gets_one_helpful_line(harness: DialogHarness) -> None:
    user = await register(harness)
    sent = len(harness.bot.sent_texts())
    answer = (await user.say_expecting(2, "Привет! Что делать дальше?")).window_text()
    assert harness.bot.sent_texts()[sent:] == [UNDERSTOOD_TEXT]
    assert "главное меню" in answer and "Анкета сохранена" not in answer
    assert "🏋️ Получить тренировку" in user.buttons()


def keyboard_removed(harness: DialogHarness, message_id: int) -> bool:
    return any(
        m.message_id == message_id and m.reply_markup is None and m.text is None
        for m in harness.messages.sent_messages
    )


async def test_old_menus_lose_their_keyboard_and_their_buttons_still_work(
    harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user = await register(harness)
    first_menu = user.screen()
    assert "главное меню" in await user.say("/start")
    assert keyboard_removed(harness, first_menu.message_id), "one live menu per chat"

    # «Получить тренировку» on the old menu gets a workout, not one more menu.
    assert "Составляю тренировку" in await user.press("🏋️ Получить тренировку", message=first_menu)
    toasts = [c.text for c in harness.bot.calls_of(AnswerCallbackQuery)]
    assert STALE_SCREEN_TEXT not in toasts
    await harness.workout_service.wait_background()
    assert "Разминка" in user.text()
    assert len(await workouts(session_factory)) == 1

    # «📋 Моя тренировка» on an old menu opens the workout.
    menu_with_workout_text = await user.press("◀️ В меню")
    assert "📋 Моя тренировка" in user.buttons(), menu_with_workout_text
    menu_with_workout = user.screen()
    await user.say("/start")
    assert keyboard_removed(harness, menu_with_workout.message_id)
    assert "Разминка" in await user.press("📋 Моя тренировка", message=menu_with_workout)
    assert "✅ Завершить тренировку" in user.buttons()
    # And asking again on the oldest menu says when, instead of starting over.
    assert "Новая тренировка пока недоступна" in await user.press(
        "🏋️ Получить тренировку", message=first_menu
    )
    assert len(await workouts(session_factory)) == 1


async def test_menu_from_a_workout_that_arrived_separately_opens_where_text_goes(
    session_factory: async_sessionmaker[AsyncSession], redis: Redis, redis_prefix: str
) -> None:
    llm = GatedLLM()
    harness = replica(session_factory, redis, redis_prefix, llm=llm)
    try:
        user = await register(harness)
        await user.press("🏋️ Получить тренировку")
        await asyncio.wait_for(llm.started.wait(), 5)
        await user.press("◀️ В меню")
        await user.press("👤 Мой профиль")
        llm.gate.set()
        await harness.workout_service.wait_background()
        workout_message = user.screen()
        assert "Разминка" in user.text()

        # The main stack's menu is a background update: no message from the press itself.
        await user.press_expecting(0, "◀️ В меню", message=workout_message)
        await asyncio.sleep(0.2)
        assert "главное меню" in user.text()
        await user.press("👤 Мой профиль")
        await user.press("✏️ Изменить анкету")
        await user.press("✏️ Вес")
        await user.say("79")
        # The typed weight went to the question she was on: the summary, with 79 kg.
        assert "Проверь анкету" in user.text()
        assert "Вес: <b>79 кг</b>" in user.text()
    finally:
        llm.gate.set()
        await harness.workout_service.aclose(grace_seconds=1)


async def test_free_text_on_the_workout_keeps_the_workout(harness: DialogHarness) -> None:
    user = await register(harness)
    await user.press("🏋️ Получить тренировку")
    await harness.workout_service.wait_background()
    sent = len(harness.bot.sent_texts())
    # The line on what the bot understands, then the workout again below it.
    answer = (await user.say_expecting(2, "а можно полегче?")).window_text()
    assert harness.bot.sent_texts()[sent:] == [UNDERSTOOD_TEXT]
    assert "Разминка" in answer and "✅ Завершить тренировку" in user.buttons()
    assert "Отличная работа" in await user.press("✅ Завершить тренировку")
