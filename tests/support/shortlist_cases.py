"""Profiles and histories for checking session shortlists and prompt sizes."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from trainer_bot.catalogue import CatalogueExercise, default_catalogue
from trainer_bot.db.enums import (
    EquipmentType,
    FitnessLevel,
    Gender,
    Goal,
    Movement,
    WorkoutStatus,
)
from trainer_bot.llm.prompt import HISTORY_LIMIT
from trainer_bot.training.schemas import PastWorkout, TrainingProfile
from trainer_bot.training.selection import allowed_exercises
from trainer_bot.training.split import SessionSlot, next_session, week_sessions

CATALOGUE = default_catalogue()
TODAY = date(2026, 3, 5)
TARGET_TOKENS = 2000


def profile(
    *,
    age: int = 30,
    level: FitnessLevel = FitnessLevel.ADVANCED,
    goal: Goal = Goal.MAINTENANCE,
    frequency: int = 3,
    equipment: EquipmentType = EquipmentType.GYM,
    weight: float = 70.0,
) -> TrainingProfile:
    target = {Goal.WEIGHT_LOSS: weight - 5, Goal.MASS_GAIN: weight + 4}.get(goal, weight)
    return TrainingProfile(
        gender=Gender.FEMALE,
        age=age,
        height_cm=170,
        weight_kg=weight,
        level=level,
        goal=goal,
        target_weight_kg=target,
        workouts_per_week=frequency,
        equipment=equipment,
    )


def grid() -> list[TrainingProfile]:
    """Every level, goal, frequency and equipment at a child's, a teen's and an adult's age,
    plus a heavy adult (low-impact rule)."""
    profiles = [
        profile(age=age, level=level, goal=goal, frequency=frequency, equipment=equipment)
        for age, level, goal, frequency, equipment in itertools.product(
            (12, 16, 30), FitnessLevel, Goal, (2, 3, 5), EquipmentType
        )
    ]
    return [*profiles, profile(weight=110.0, goal=Goal.WEIGHT_LOSS)]


def longest_history(
    allowed: list[CatalogueExercise], days_ago: tuple[int, ...]
) -> list[PastWorkout]:
    """The longest history the prompt carries: three workouts of seven long slugs; trained
    1-3 days ago, the session plan also lists the muscles to spare."""
    longest = sorted(allowed, key=lambda e: len(e.slug), reverse=True)
    midnight = datetime.combine(TODAY, datetime.min.time(), UTC)
    return [
        PastWorkout(
            midnight - timedelta(days=days) + timedelta(hours=9),
            WorkoutStatus.COMPLETED,
            "full_body_b" if number % 2 else "full_body_a",
            tuple(e.slug for e in longest[number * 7 : number * 7 + 7]),
        )
        for number, days in enumerate(days_ago[:HISTORY_LIMIT])
    ]


def fits(exercise: CatalogueExercise, session: SessionSlot, movement: Movement) -> bool:
    """Whether one of the session's slots for `movement` could take `exercise`."""
    muscles = [slot.muscle for slot in session.patterns if movement in slot.movements]
    return exercise.movement is movement and (
        not muscles or None in muscles or not set(muscles).isdisjoint(exercise.primary_muscles)
    )


def cases() -> Iterator[tuple[TrainingProfile, list[CatalogueExercise], list, SessionSlot]]:
    for user in grid():
        allowed = allowed_exercises(user, CATALOGUE)
        for days_ago in ((1, 2, 3), (10, 12, 14)):
            history = longest_history(allowed, days_ago)
            slot = next_session(user, history, today=TODAY, catalogue=CATALOGUE)
            for session in week_sessions(user, slot):
                yield user, allowed, history, session
