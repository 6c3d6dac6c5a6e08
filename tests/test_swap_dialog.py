"""«🔄 Заменить» through the real Dispatcher on Postgres: the alternatives, the swap, the
log of a swapped exercise, the refusals."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.support.dialogs import UserSession
from tests.support.exercises import open_loaded_exercise
from tests.support.harness import DialogHarness
from tests.support.registration import fill_until
from trainer_bot.db.models import ExerciseSwap, SetLog, WorkoutExercise

USER_ID = 737373


@pytest.fixture
async def user(harness: DialogHarness) -> UserSession:
    session = UserSession(harness, USER_ID, first_name="Олег")
    await fill_until(session)
    await session.press("✅ Всё верно")
    await session.press("🏋️ Получить тренировку")
    await harness.workout_service.wait_background()
    return session


def options(user: UserSession) -> list[str]:
    return [b for b in user.buttons() if re.match(r"\d\. ", b)]


async def slots(session_factory: async_sessionmaker[AsyncSession]) -> list[WorkoutExercise]:
    async with session_factory() as session:
        rows = await session.execute(select(WorkoutExercise).order_by(WorkoutExercise.position))
        return list(rows.scalars())


async def test_swap_keeps_the_slot_and_the_new_exercise_is_logged(
    user: UserSession,
    session_factory: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    text = await open_loaded_exercise(user)
    name = re.match(r"<b>(.+?)</b> · (\d+) из", text)
    assert name is not None
    position = int(name.group(2))
    before = {s.position: s for s in await slots(session_factory)}[position]
    reason = await user.press("🔄 Заменить")
    assert f"🔄 <b>Замена: {name.group(1)}</b>" in reason
    assert user.buttons() == ["🏋️ Занят тренажёр", "🤕 Не нравится / болит", "◀️ К упражнению"]
    choice = await user.press("🏋️ Занят тренажёр")
    assert "Чем заменить" in choice and "🩺" not in choice
    offered = options(user)
    assert 2 <= len(offered) <= 4, choice
    with caplog.at_level(logging.INFO, logger="trainer_bot.training.gate"):
        swapped = await user.press(re.escape(offered[0]))
    new_name = offered[0].split(". ", 1)[1].rsplit(" · ", 1)[0]
    assert swapped.startswith(f"<b>{new_name}</b> · {position} из"), swapped
    assert f"🔄 Вместо «{name.group(1)}»" in swapped
    assert "🔄 Заменить" in user.buttons()  # nothing logged yet: may swap again
    assert any("source=swap" in r.getMessage() for r in caplog.records)
    after = {s.position: s for s in await slots(session_factory)}[position]
    assert after.exercise_id != before.exercise_id
    assert after.original_exercise_id == before.exercise_id
    assert (after.sets, after.reps_min, after.reps_max) == (
        before.sets,
        before.reps_min,
        before.reps_max,
    )
    # Logged like any other exercise, under the new exercise.
    logged = await user.say("10 10")
    assert "✅ Записано" in logged
    assert "🔄 Заменить" not in user.buttons()  # logged: no more swapping
    async with session_factory() as session:
        logs = list((await session.execute(select(SetLog))).scalars())
        swaps = list((await session.execute(select(ExerciseSwap))).scalars())
    assert {log.exercise_id for log in logs} == {after.exercise_id}
    assert [(s.from_exercise_id, s.to_exercise_id, s.reason) for s in swaps] == [
        (before.exercise_id, after.exercise_id, "busy")
    ]
