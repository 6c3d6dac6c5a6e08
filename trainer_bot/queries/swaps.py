"""Data access for «🔄 Заменить»: thin queries, no rules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.db.models import Exercise, ExerciseSwap, Workout, WorkoutExercise

# Swapped away this many times: ranked lower from then on.
RANKED_LOWER_AFTER = 2


async def ranked_lower_slugs(session: AsyncSession, user_id: int) -> frozenset[str]:
    """Slugs of the exercises the user swapped away at least twice (one index range scan
    of (user_id, from_exercise_id))."""
    rows = await session.scalars(
        select(Exercise.slug)
        .join(ExerciseSwap, ExerciseSwap.from_exercise_id == Exercise.id)
        .where(ExerciseSwap.user_id == user_id)
        .group_by(Exercise.slug)
        .having(func.count() >= RANKED_LOWER_AFTER)
    )
    return frozenset(rows)


async def replace_exercise(
    session: AsyncSession,
    workout_exercise_id: int,
    *,
    old_exercise_id: int,
    values: Mapping[str, Any],
) -> bool:
    """The slot gets another exercise, once: a conditional UPDATE on the exercise it had,
    so a double tap (or a second process) changes it once. The first swap remembers the
    planned exercise; later ones keep it."""
    result = await session.execute(
        update(WorkoutExercise)
        .where(
            WorkoutExercise.id == workout_exercise_id,
            WorkoutExercise.exercise_id == old_exercise_id,
        )
        .values(
            **values,
            original_exercise_id=func.coalesce(
                WorkoutExercise.original_exercise_id, WorkoutExercise.exercise_id
            ),
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def add_swap(session: AsyncSession, swap: ExerciseSwap) -> None:
    session.add(swap)


async def set_warmup(session: AsyncSession, workout_id: int, warmup: str) -> None:
    await session.execute(
        update(Workout)
        .where(Workout.id == workout_id)
        .values(warmup=warmup)
        .execution_options(synchronize_session=False)
    )
