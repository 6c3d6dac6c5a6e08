"""Logging results on the exercise screen, through the real Dispatcher on Postgres."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.support.dialogs import UserSession
from tests.support.exercises import open_loaded_exercise
from tests.support.harness import DialogHarness
from tests.support.registration import fill_until
from tests.support.set_entries import HOSTILE
from trainer_bot.db.models import SetLog, Workout, WorkoutExercise

USER_ID = 626262


@pytest.fixture
async def user(harness: DialogHarness) -> UserSession:
    session = UserSession(harness, USER_ID, first_name="Олег")
    await fill_until(session)
    await session.press("✅ Всё верно")
    await session.press("🏋️ Получить тренировку")
    await harness.workout_service.wait_background()
    return session


async def logs(session_factory: async_sessionmaker[AsyncSession]) -> list[tuple[int, int, float]]:
    async with session_factory() as session:
        rows = await session.execute(
            select(SetLog.set_number, SetLog.reps, SetLog.weight_kg).order_by(
                SetLog.workout_exercise_id, SetLog.set_number
            )
        )
        return [(n, r, w) for n, r, w in rows]


async def planned_first_loaded(
    session_factory: async_sessionmaker[AsyncSession], name_part: str
) -> WorkoutExercise:
    async with session_factory() as session:
        rows = await session.execute(select(WorkoutExercise).order_by(WorkoutExercise.position))
        for item in rows.scalars():
            if item.exercise.name in name_part:
                return item
    raise AssertionError(name_part)


async def test_as_written_logs_every_planned_set_once(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    text = await open_loaded_exercise(user)
    assert "Запиши, как прошло" in text
    screen = user.screen()
    await user.press("✅ Сделал как написано")
    text = await user.press("✅ Сделал как написано", message=screen)  # a double tap
    async with session_factory() as session:
        item = (await session.execute(select(WorkoutExercise).join(SetLog).limit(1))).scalar_one()
        sets, reps, weight = item.sets, item.reps_min, item.weight_kg
    assert await logs(session_factory) == [(n, reps, weight) for n in range(1, sets + 1)]
    assert "✅ Записано" in text


async def test_set_by_set_with_steppers_double_tap_and_undo(
    user: UserSession, harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await open_loaded_exercise(user)
    add = next(b for b in user.buttons() if b.startswith("➕ Подход 1"))
    weight = float(re.search(r"([\d,]+) кг", add).group(1).replace(",", "."))  # type: ignore[union-attr]
    reps = int(add.rsplit("× ", 1)[1])
    step_up = next(b for b in user.buttons() if b.startswith("+") and b.endswith("кг"))
    step = float(step_up[1:-3].replace(",", "."))
    await user.press(re.escape(step_up))
    await user.press(r"\+1")
    screen = user.screen()
    label = next(b for b in user.buttons() if b.startswith("➕ Подход 1"))
    await user.press(re.escape(label))
    await user.press(re.escape(label), message=screen)  # the double tap logs set 1 once
    assert await logs(session_factory) == [(1, reps + 1, weight + step)]
    harness.clock.advance(minutes=2)  # the rest between sets: undo tells the taps apart by time
    second = next(b for b in user.buttons() if b.startswith("➕ Подход 2"))
    await user.press(re.escape(second))
    assert [n for n, _, _ in await logs(session_factory)] == [1, 2]
    undo_screen = user.screen()
    await user.press("↩️ Отменить")
    await user.press("↩️ Отменить", message=undo_screen)  # a double tap undoes once
    assert [n for n, _, _ in await logs(session_factory)] == [1]


async def test_undo_after_a_typed_line_brings_back_the_sets_it_replaced(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await open_loaded_exercise(user)
    await user.say("60 10 10 10")
    first = await logs(session_factory)
    assert first == [(1, 10, 60.0), (2, 10, 60.0), (3, 10, 60.0)]
    await user.say("62,5 8 8")  # fewer sets replace more, in the same minute
    assert await logs(session_factory) == [(1, 8, 62.5), (2, 8, 62.5)]
    undo_screen = user.screen()
    text = await user.press("↩️ Отменить")
    assert await logs(session_factory) == first
    assert "✅ Записано: 60 кг × 10, 10, 10" in text, text
    await user.press("↩️ Отменить", message=undo_screen)  # a double tap undoes once
    assert await logs(session_factory) == first
    # The next undo takes back the first line too: nothing was logged before it.
    text = await user.press("↩️ Отменить")
    assert await logs(session_factory) == []
    assert "Записано" not in text and "↩️ Отменить" not in user.buttons()


async def test_undo_after_skip_brings_back_the_logged_sets(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await open_loaded_exercise(user)
    await user.say("60 10 9")
    logged = await logs(session_factory)
    assert "⏭ Пропущено" in await user.press("⏭ Пропустить")
    assert await logs(session_factory) == []
    text = await user.press("↩️ Отменить")
    assert await logs(session_factory) == logged
    assert "✅ Записано: 60 кг × 10, 9" in text, text
    async with session_factory() as session:
        skipped = await session.scalar(
            select(func.count()).select_from(WorkoutExercise).where(WorkoutExercise.skipped)
        )
    assert skipped == 0


async def test_undo_of_a_set_added_to_a_typed_line_keeps_the_line(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await open_loaded_exercise(user)
    await user.say("60 10 10")
    await user.say("60x8")  # one set is added after the logged ones
    assert await logs(session_factory) == [(1, 10, 60.0), (2, 10, 60.0), (3, 8, 60.0)]
    await user.press("↩️ Отменить")
    assert await logs(session_factory) == [(1, 10, 60.0), (2, 10, 60.0)]


@pytest.mark.parametrize(
    ("typed", "expected_reps", "weight"),
    [
        ("8 8 7", [8, 8, 7], None),
        ("60x8", [8], 60.0),
        ("60 8 8 7", [8, 8, 7], 60.0),
        ("60кг 3х10", [10, 10, 10], 60.0),
        ("72,5*6", [6], 72.5),
    ],
)
async def test_typed_formats(
    user: UserSession,
    session_factory: async_sessionmaker[AsyncSession],
    typed: str,
    expected_reps: list[int],
    weight: float | None,
) -> None:
    await open_loaded_exercise(user)
    text = await user.say(typed)
    assert "✅ Записано" in text, text
    saved = await logs(session_factory)
    assert [r for _, r, _ in saved] == expected_reps
    if weight is not None:
        assert {w for _, _, w in saved} == {weight}


async def test_hostile_lines_are_answered_and_nothing_is_saved(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await open_loaded_exercise(user)
    for line in [text for text in HOSTILE if text.strip()]:
        answer = await user.say(line)
        assert "⚠️" in answer, (line, answer)
    assert "⚠️" in await user.send_sticker()
    assert await logs(session_factory) == []


async def test_skip_and_completion_with_effort(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await open_loaded_exercise(user)
    text = await user.press("⏭ Пропустить")
    assert "⏭ Пропущено" in text
    await user.press("◀️ К тренировке")
    assert any(b.endswith("⏭") for b in user.buttons())
    done = await user.press("✅ Завершить тренировку")
    assert "Как прошло?" in done
    answer = await user.press("😮‍💨 Тяжело")
    assert "тяжело" in answer and "Как прошло?" not in answer
    async with session_factory() as session:
        workout = (await session.execute(select(Workout))).scalar_one()
        assert workout.effort == "hard"
        skipped = await session.scalar(
            select(func.count()).select_from(WorkoutExercise).where(WorkoutExercise.skipped)
        )
    assert skipped == 1 and await logs(session_factory) == []  # the rest stays unknown


async def test_rest_as_written_after_completion(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await open_loaded_exercise(user)
    await user.say("10 10")
    await user.press("◀️ К тренировке")
    await user.press("✅ Завершить тренировку")
    answer = await user.press("✅ Остальное — как написано")
    assert "Записал: остальные упражнения — как написано" in answer
    async with session_factory() as session:
        per_exercise = dict(
            (
                await session.execute(
                    select(SetLog.workout_exercise_id, func.count()).group_by(
                        SetLog.workout_exercise_id
                    )
                )
            ).all()
        )
        items = list((await session.execute(select(WorkoutExercise))).scalars())
    assert len(per_exercise) == len(items)
    assert sorted(per_exercise.values()).count(2) >= 1  # the typed exercise kept its 2 sets
