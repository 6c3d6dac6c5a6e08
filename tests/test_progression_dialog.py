"""Progression seen by users who log their workouts, through the real Dispatcher on
Postgres: the load rises, drops after two failures, follows «Тяжело»/«Легко», and a
bodyweight user climbs the ladder."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.support.dialogs import UserSession
from tests.support.harness import DialogHarness
from trainer_bot.db.models import User, Workout
from trainer_bot.formatting import format_kg
from trainer_bot.training.increments import load_step


@dataclass(frozen=True)
class Planned:
    position: int
    slug: str
    sets: int
    reps_min: int
    reps_max: int
    weight_kg: float | None
    note: str | None
    loaded: bool
    step: float


Typed = Callable[[Planned], str | None]  # the line the user types, None: log nothing


async def register(user: UserSession, *, level: str, equipment: str) -> None:
    await user.start()
    await user.press("🚀 Начать")
    await user.press("👨 Мужской")
    for answer in ("27", "178", "82,5"):
        await user.say(answer)
    await user.press(level)
    await user.press("📉 Похудение")
    await user.say("76")
    await user.press("3 раза")
    await user.press(equipment)
    if equipment == "🤸 Свой вес":  # what they have at home: nothing
        await user.press("Ничего нет")
        await user.press("Готово")
    await user.press("✅ Всё верно")


async def latest_plan(
    session_factory: async_sessionmaker[AsyncSession], telegram_id: int
) -> tuple[str, list[Planned]]:
    async with session_factory() as session:
        workout = (
            await session.execute(
                select(Workout)
                .join(User)
                .where(User.telegram_id == telegram_id)
                .order_by(Workout.id.desc())
                .limit(1)
            )
        ).scalar_one()
        await session.refresh(workout, ["exercises"])
        items = [
            Planned(
                e.position,
                e.exercise.slug,
                e.sets,
                e.reps_min,
                e.reps_max,
                e.weight_kg,
                e.progression_note,
                e.exercise.equipment not in ("bodyweight", "pullup_bar"),
                load_step(e.exercise.equipment, e.exercise.is_compound),
            )
            for e in workout.exercises
        ]
        return workout.focus, items


async def train(
    user: UserSession,
    session_factory: async_sessionmaker[AsyncSession],
    typed: Typed,
    effort: str = "👍 Нормально",
) -> tuple[str, list[Planned]]:
    """One workout: get it, log each exercise by typing, complete, answer «Как прошло?»;
    then two days pass."""
    harness = user.harness
    await user.say("/workout")
    await harness.workout_service.wait_background()
    focus, items = await latest_plan(session_factory, user.user_id)
    await user.press(re.escape(next(b for b in user.buttons() if b.startswith("1. "))))
    for item in items:
        line = typed(item)
        if line is not None:
            assert "✅ Записано" in await user.say(line), line
        if "➡️" in user.buttons():
            await user.press("➡️")
    await user.press("◀️ К тренировке")
    assert "Как прошло?" in await user.press("✅ Завершить тренировку")
    await user.press(effort)
    await user.press("◀️ В меню")
    harness.clock.advance(days=2)
    return focus, items


def at_top(item: Planned) -> str:
    if item.loaded and item.weight_kg:
        return f"{format_kg(item.weight_kg)}кг {item.sets}х{item.reps_max}"
    return " ".join([str(item.reps_max)] * item.sets)


def failing(item: Planned) -> str:
    low = max(1, item.reps_min - 3)
    if item.loaded and item.weight_kg:
        return f"{format_kg(item.weight_kg)}кг {item.sets}х{low}"
    return " ".join([str(low)] * item.sets)


def main_lift(items: list[Planned]) -> Planned:
    return next(i for i in items if i.loaded and i.weight_kg)


async def sessions_of_focus(
    user: UserSession,
    session_factory: async_sessionmaker[AsyncSession],
    count: int,
    typed: Typed,
    effort: str = "👍 Нормально",
) -> list[list[Planned]]:
    """Train until `count` sessions of the first session's focus were seen; the others are
    completed without logs."""
    seen: list[list[Planned]] = []
    focus = None
    for _ in range(count * 4 + 1):
        if len(seen) == count:
            break
        await user.say("/workout")
        await user.harness.workout_service.wait_background()
        next_focus, _ = await latest_plan(session_factory, user.user_id)
        user.harness.clock.advance(hours=13)  # a new workout replaces this preview
        if focus is None:
            focus = next_focus
        focus_now, items = await train(
            user, session_factory, typed if next_focus == focus else (lambda _: None), effort
        )
        if focus_now == focus:
            seen.append(items)
    assert len(seen) == count
    return seen


@pytest.fixture
async def gym_user(harness: DialogHarness) -> UserSession:
    user = UserSession(harness, 737001, first_name="Иван")
    await register(user, level="💪 1–3 года", equipment="🏋️ Зал")
    return user


async def test_top_of_the_range_three_times_raises_the_load_each_time(
    gym_user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    first, second, third = await sessions_of_focus(gym_user, session_factory, 3, at_top)
    lift = main_lift(first)
    after = [next(i for i in s if i.slug == lift.slug) for s in (second, third)]
    assert after[0].weight_kg == lift.weight_kg + lift.step  # type: ignore[operator]
    assert after[1].weight_kg == after[0].weight_kg + lift.step  # type: ignore[operator]
    assert after[0].reps_min == lift.reps_min  # back to the bottom of the range
    assert after[1].note == (
        f"{format_kg(after[1].weight_kg)} кг — +{format_kg(lift.step)} кг: "  # type: ignore[arg-type]
        f"в прошлый раз все подходы по {after[0].reps_max}"
    )


async def test_two_failed_sessions_drop_the_load_about_ten_percent(
    gym_user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    first, second, third = await sessions_of_focus(gym_user, session_factory, 3, failing)
    lift = main_lift(first)
    held = next(i for i in second if i.slug == lift.slug)
    dropped = next(i for i in third if i.slug == lift.slug)
    assert held.weight_kg == lift.weight_kg
    assert lift.weight_kg is not None and dropped.weight_kg is not None
    assert 0.85 * lift.weight_kg <= dropped.weight_kg < lift.weight_kg
    assert "два раза подряд" in (dropped.note or "")


GYM_USER_TABLE_SETS = (3, 3)


@pytest.mark.parametrize(("effort", "change"), [("😮‍💨 Тяжело", -1), ("😎 Легко", 1)])
async def test_session_effort_sets_the_next_volume_or_load(
    gym_user: UserSession,
    session_factory: async_sessionmaker[AsyncSession],
    effort: str,
    change: int,
) -> None:
    first, second = await sessions_of_focus(gym_user, session_factory, 2, at_top, effort)
    lift = main_lift(first)
    after = next(i for i in second if i.slug == lift.slug)
    # The set count moves by one within the table's range for this person (an intermediate
    # losing weight: exactly 3 sets, training.md), so here the load tells the difference.
    low, high = GYM_USER_TABLE_SETS
    assert after.sets == min(max(lift.sets + change, low), high)
    if change < 0:  # hard: no load added although every set reached the top
        assert after.weight_kg == lift.weight_kg and "тяжело" in (after.note or "")
    else:
        assert after.weight_kg == lift.weight_kg + lift.step  # type: ignore[operator]


async def test_bodyweight_user_climbs_the_push_up_ladder(
    harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    user = UserSession(harness, 737002, first_name="Аня")
    await register(user, level="🌱 Начинающий", equipment="🤸 Свой вес")

    def knee_push_ups_at_top(item: Planned) -> str | None:
        return at_top(item) if item.slug == "knee_push_up" else None

    climbed = None
    for _ in range(8):
        _, items = await train(user, session_factory, knee_push_ups_at_top)
        slugs = [i.slug for i in items]
        if "knee_push_up" in slugs and climbed is None:
            climbed = False
        elif climbed is False and "push_up" in slugs:
            push_up = next(i for i in items if i.slug == "push_up")
            assert push_up.note is not None and (
                "Новая ступень" in push_up.note or "медленно" in push_up.note
            )
            assert "knee_push_up" not in slugs  # never sent back down
            climbed = True
            break
    assert climbed, "no push-up session followed the knee push-ups"


async def test_the_exercise_screen_says_what_changed_and_why(
    gym_user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    (first,) = await sessions_of_focus(gym_user, session_factory, 1, at_top)
    lift = main_lift(first)
    for _ in range(4):  # the same focus comes back within a week's cycle
        await gym_user.say("/workout")
        await gym_user.harness.workout_service.wait_background()
        _, items = await latest_plan(session_factory, gym_user.user_id)
        if any(i.slug == lift.slug for i in items):
            break
        gym_user.harness.clock.advance(hours=13)  # a new workout replaces this preview
        await train(gym_user, session_factory, lambda _: None)
    again = next(i for i in items if i.slug == lift.slug)
    screens = []
    await gym_user.press(re.escape(next(b for b in gym_user.buttons() if b.startswith("1. "))))
    screens.append(gym_user.text())
    while "➡️" in gym_user.buttons():
        screens.append(await gym_user.press("➡️"))
    lift_screen = screens[again.position - 1]
    step = format_kg(lift.step)
    assert (
        f"📈 {format_kg(again.weight_kg or 0)} кг — +{step} кг: в прошлый раз все подходы по"
        in (lift_screen)
    )
    assert f"🕘 В прошлый раз: {format_kg(lift.weight_kg or 0)} кг × " in lift_screen
    new_ones = [i for i in items if i.slug not in {f.slug for f in first}]
    assert new_ones, "the accessories rotate"
    for item in new_ones:
        assert "Первый раз" in screens[item.position - 1]
