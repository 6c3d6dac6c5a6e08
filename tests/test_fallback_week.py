"""The fallback's week plan: the sets of the days before come from the saved plans."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import UTC, date, datetime

from trainer_bot.catalogue import default_catalogue
from trainer_bot.db.enums import EquipmentType, FitnessLevel, Gender, Goal, Muscle, WorkoutStatus
from trainer_bot.training import rules
from trainer_bot.training.fallback import fallback_context, generate_fallback_workout
from trainer_bot.training.fallback.context import Draft
from trainer_bot.training.fallback.volume import window_volume
from trainer_bot.training.fallback.week import window_gaps
from trainer_bot.training.rules_check import weekly_minimum
from trainer_bot.training.schemas import PastWorkout, TrainingProfile

CATALOGUE = default_catalogue()
MONDAY = date(2026, 1, 5)
PROFILE = TrainingProfile(
    gender=Gender.MALE,
    age=30,
    height_cm=180,
    weight_kg=82.5,
    level=FitnessLevel.INTERMEDIATE,
    goal=Goal.MASS_GAIN,
    target_weight_kg=86.0,
    workouts_per_week=3,
    equipment=EquipmentType.GYM,
)
CHEST = list(Muscle).index(Muscle.CHEST)


def _past(sets: tuple[int, ...]) -> list[PastWorkout]:
    plan = generate_fallback_workout(PROFILE, [], CATALOGUE, today=MONDAY)
    slugs = tuple(e.slug for e in plan.exercises)
    at = datetime(2026, 1, 5, 18, tzinfo=UTC)
    return [PastWorkout(at, WorkoutStatus.COMPLETED, plan.focus, slugs, sets or ())]


def test_the_days_before_count_with_their_planned_sets() -> None:
    plan = generate_fallback_workout(PROFILE, [], CATALOGUE, today=MONDAY)
    count = len(plan.exercises)
    unknown = fallback_context(PROFILE, _past(()), CATALOGUE, today=date(2026, 1, 7))
    four = fallback_context(PROFILE, _past((4,) * count), CATALOGUE, today=date(2026, 1, 7))
    estimated, _ = window_volume(unknown)
    planned, _ = window_volume(four)
    # Unknown sets are estimated at the bottom of the range (3 for this table row).
    assert planned[CHEST] == estimated[CHEST] * 4 / 3 > 0


def test_a_history_with_sets_of_another_length_is_estimated() -> None:
    ctx = fallback_context(PROFILE, _past((4,)), CATALOGUE, today=date(2026, 1, 7))
    assert all(sets == 0 for workout in ctx.window for _, sets in workout)


def test_a_regular_week_lands_inside_the_weekly_range() -> None:
    """Two weeks of Monday, Wednesday, Friday: the last session's 7 days (what the rules
    check counts) are inside the range, as the week plan computes them."""
    past: list[PastWorkout] = []
    day = MONDAY
    for offset in (0, 2, 4, 7, 9, 11):
        day = date.fromordinal(MONDAY.toordinal() + offset)
        plan = generate_fallback_workout(PROFILE, past, CATALOGUE, today=day)
        at = datetime(day.year, day.month, day.day, 18, tzinfo=UTC)
        slugs = tuple(e.slug for e in plan.exercises)
        sets = tuple(e.sets for e in plan.exercises)
        past.insert(0, PastWorkout(at, WorkoutStatus.COMPLETED, plan.focus, slugs, sets))
    ctx = fallback_context(PROFILE, past[1:], CATALOGUE, today=day)
    by_slug = {e.slug: e for e in CATALOGUE}
    last = [Draft(by_slug[s], n, i) for i, (s, n) in enumerate(zip(slugs, sets, strict=True))]
    assert window_gaps(ctx, last) == {}


def test_the_week_plan_never_aims_under_the_checks_weekly_minimum() -> None:
    """The check caps the minimum where the week cannot hold the level's; the fallback
    keeps aiming at training.md's own (as close as it gets), never lower."""
    for level, goal, frequency, age in itertools.product(
        FitnessLevel, Goal, (2, 3, 5), (11, 16, 30, 70)
    ):
        user = dataclasses.replace(
            PROFILE, level=level, goal=goal, workouts_per_week=frequency, age=age
        )
        aim = rules.weekly_hard_sets(rules.effective_level(level, age), age)[0]
        assert aim >= weekly_minimum(user), user
