"""«🔄 Заменить» through the real Dispatcher on Postgres: the alternatives, the swap, the
log of a swapped exercise, the refusals."""

from __future__ import annotations

import logging
import re

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from dialogs.swap.texts import EQUIPMENT_NAMES, PAIN_TEXT
from tests.support.dialogs import UserSession
from tests.support.exercises import open_loaded_exercise
from tests.support.harness import DialogHarness
from tests.support.registration import fill_until, register_as
from tests.support.set_logs import log_first_set_elsewhere
from tests.support.sql import captured_sql
from tests.support.swaps import alternative_findings, saved_findings
from trainer_bot.db.enums import Equipment
from trainer_bot.db.models import Exercise, ExerciseSwap, SetLog, User, WorkoutExercise
from trainer_bot.queries.swaps import ranked_lower_slugs

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


async def open_swap_choice(user: UserSession) -> str:
    """The first loaded exercise's alternatives («Не нравится / болит»)."""
    await open_loaded_exercise(user)
    await user.press("🔄 Заменить")
    return await user.press("🤕 Не нравится / болит")


async def test_the_pain_note_double_tap_and_text_on_the_swap_screens(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    choice = await open_swap_choice(user)
    assert PAIN_TEXT in choice
    sent = await user.say_expecting(2, "а можно что-то другое?")
    assert PAIN_TEXT in sent.window_text()
    stale = user.screen()
    option = options(user)[0]
    await user.press(re.escape(option))
    # The same option pressed again on the old screen (the swap screens are closed): the
    # menu answers, as for any closed screen, and the swap is done once.
    again = await user.press(re.escape(option), message=stale)
    assert "это главное меню" in again
    async with session_factory() as session:
        swaps = list((await session.execute(select(ExerciseSwap))).scalars())
    assert [s.reason for s in swaps] == ["dislike"]


async def test_a_swap_is_refused_once_a_set_is_logged(
    user: UserSession,
    harness: DialogHarness,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    await open_swap_choice(user)
    # A set of this exercise logged meanwhile (from another screen of the workout).
    await log_first_set_elsewhere(session_factory, harness.clock.current, loaded_only=True)
    answer = await user.press(re.escape(options(user)[0]))
    assert "уже записаны подходы — сначала отмени их" in answer
    assert options(user) == [] and user.buttons() == ["◀️ К упражнению"]
    back = await user.press("◀️ К упражнению")
    assert "✅ Записано" in back and "🔄 Заменить" not in user.buttons()
    async with session_factory() as session:
        assert list((await session.execute(select(ExerciseSwap))).scalars()) == []


async def test_no_swap_in_a_completed_workout(user: UserSession) -> None:
    await user.press(re.escape(next(b for b in user.buttons() if b[0].isdigit())))
    assert "🔄 Заменить" in user.buttons()
    await user.press("◀️ К тренировке")
    await user.press("✅ Завершить тренировку")
    await user.press("◀️ В меню")
    await user.press("🏋️ Получить тренировку")  # the cooldown screen leads to it
    await user.press("📋 Моя тренировка")
    await user.press(re.escape(next(b for b in user.buttons() if b[0].isdigit())))
    assert "🔄 Заменить" not in user.buttons()


async def test_an_exercise_swapped_away_twice_is_ranked_lower(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    text = await open_loaded_exercise(user)
    first_name = re.match(r"<b>(.+?)</b>", text).group(1)  # type: ignore[union-attr]
    for swap in range(3):
        await user.press("🔄 Заменить")
        await user.press("🏋️ Занят тренажёр")
        names = [o.split(". ", 1)[1].rsplit(" · ", 1)[0] for o in options(user)]
        # The second swap goes back to the first exercise, to swap it away again.
        choice = names.index(first_name) if swap == 1 else 0
        await user.press(re.escape(options(user)[choice]))
    async with session_factory() as session:
        user_id = (await session.execute(select(User.id))).scalar_one()
        lowered = await ranked_lower_slugs(session, user_id)
        first_slug = (
            await session.execute(select(Exercise.slug).where(Exercise.name == first_name))
        ).scalar_one()
    assert lowered == {first_slug}


async def test_statements_per_swap_step(user: UserSession, engine: AsyncEngine) -> None:
    """Pinned, so a change that adds a query shows up here. The list reads the workout
    (its exercises and logs joined), the user's swapped-away exercises, the workouts before
    it (two statements), the logs of the candidates and their ids; the swap reads the same,
    then writes the slot, the swap and (a new first lift) the warm-up, in one commit."""
    await open_loaded_exercise(user)
    with captured_sql(engine) as sql:
        await user.press("🔄 Заменить")
    assert len(sql.statements) <= 1 and sql.commits == 0, sql.statements
    with captured_sql(engine) as sql:
        await user.press("🏋️ Занят тренажёр")
    assert len(sql.statements) <= 6 and sql.commits == 0, sql.statements
    with captured_sql(engine) as sql:
        await user.press(re.escape(options(user)[0]))
    assert len(sql.statements) <= 10 and sql.commits == 1, sql.statements


def test_every_equipment_has_a_name_on_the_alternatives_list() -> None:
    assert set(EQUIPMENT_NAMES) == set(Equipment)
