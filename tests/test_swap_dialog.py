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
from tests.support.registration import fill_until, register_as
from tests.support.swaps import alternative_findings, saved_findings
from dialogs.swap.texts import PAIN_TEXT
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


# Every profile kind: (answers, home items or None for the gym).
PROFILE_KINDS = {
    "gym": {"age": "27", "height": "178", "weight": "82,5", "target": "82,5"},
    "home_with_bar": {
        "age": "31",
        "height": "180",
        "weight": "75",
        "target": "75",
        "home": ("Турник",),
    },
    "home_without_bar": {
        "age": "31",
        "height": "180",
        "weight": "75",
        "target": "75",
        "home": (),
    },
    "minor": {"age": "12", "height": "150", "weight": "40", "target": "40"},
    "teen_gym": {
        "age": "16",
        "height": "175",
        "weight": "65",
        "target": "65",
        "level": "💪 1–3 года",
    },
    "bmi_40": {
        "age": "40",
        "height": "175",
        "weight": "125",
        "target": "110",
        "goal": "📉 Похудение",
    },
}


@pytest.mark.parametrize("kind", list(PROFILE_KINDS))
async def test_every_alternative_of_every_profile_kind_passes_the_rules_check(
    harness: DialogHarness,
    session_factory: async_sessionmaker[AsyncSession],
    kind: str,
) -> None:
    """Each exercise of the workout is swapped for its first alternative (the user's
    screens all the way); every alternative offered, and the swapped workout, add no
    finding of the rules check to the workout as it was generated."""
    telegram_id = USER_ID + 1
    user = UserSession(harness, telegram_id, first_name="Гость")
    await register_as(user, **PROFILE_KINDS[kind])  # type: ignore[arg-type]
    await user.press("🏋️ Получить тренировку")
    await user.background(1)
    today = harness.workout_service.today()
    before = await saved_findings(session_factory, telegram_id, today)
    assert before == set()  # the generated workout passes; so must every swap
    first = next(b for b in user.buttons() if b[0].isdigit())
    await user.press(re.escape(first))
    offered_any = 0
    while True:
        position = int(re.search(r"· (\d+) из", user.text()).group(1))  # type: ignore[union-attr]
        await user.press("🔄 Заменить")
        await user.press("🤕 Не нравится / болит")
        assert PAIN_TEXT in user.text()
        offered = options(user)
        assert len(offered) <= 4
        offered_any += bool(offered)
        for exercise_id in option_ids(user):
            found = await alternative_findings(
                session_factory, telegram_id, position, exercise_id, today
            )
            assert found <= before, (kind, position, exercise_id, found - before)
        if offered:
            await user.press(re.escape(offered[0]))
        else:
            await user.press("◀️ К упражнению")
        if "➡️" not in user.buttons():
            break
        await user.press("➡️")
    assert offered_any >= 2
    assert await saved_findings(session_factory, telegram_id, today) <= before


def option_ids(user: UserSession) -> list[int]:
    """The exercise ids the option buttons carry (their callback data's item)."""
    markup = user.screen().reply_markup
    assert markup is not None and hasattr(markup, "inline_keyboard")
    return [
        int(str(button.callback_data).rsplit(":", 1)[1])
        for row in markup.inline_keyboard
        for button in row
        if re.match(r"\d\. ", button.text)
    ]
