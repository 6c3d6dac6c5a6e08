"""Data access for the `exercises` table; no business rules here.

Every function takes an `AsyncSession` and never commits: the caller owns the transaction.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.db.models import Exercise, ExerciseSwap, WorkoutExercise

# An arbitrary constant naming the catalogue sync among Postgres advisory locks.
_SYNC_LOCK_KEY = 0x7472_6169_6E65_72  # "trainer"


async def lock_for_sync(session: AsyncSession) -> None:
    """Make concurrent catalogue syncs (replicas starting together) run one after another.

    The lock is held until the caller's transaction ends; the next sync then reads what the
    first committed. SQLite allows one writer at a time anyway.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(select(func.pg_advisory_xact_lock(_SYNC_LOCK_KEY)))


async def get_all_by_slug(session: AsyncSession) -> dict[str, Exercise]:
    """Every exercise, active or not, keyed by slug (one query)."""
    rows = await session.scalars(select(Exercise))
    return {exercise.slug: exercise for exercise in rows}


async def referenced_exercise_ids(
    session: AsyncSession, among: Collection[int] | None = None
) -> set[int]:
    """Ids of exercises a workout uses or used (a swapped-away one is remembered),
    optionally only `among` these."""
    columns = (
        WorkoutExercise.exercise_id,
        WorkoutExercise.original_exercise_id,
        ExerciseSwap.from_exercise_id,
        ExerciseSwap.to_exercise_id,
    )
    if among is not None and not among:
        return set()
    parts = []
    for column in columns:
        part = select(column.label("id")).where(column.is_not(None))
        if among is not None:
            part = part.where(column.in_(among))
        parts.append(part)
    return set(await session.scalars(select(union(*parts).subquery().c.id)))


async def add_exercises(
    session: AsyncSession, values: Sequence[Mapping[str, Any]]
) -> list[Exercise]:
    """Insert new rows (column name -> value); the flush sends them as one batch."""
    exercises = [Exercise(**row) for row in values]
    session.add_all(exercises)
    await session.flush()
    return exercises


def update_exercise(exercise: Exercise, changes: Mapping[str, Any]) -> None:
    """Set changed columns on a loaded row; it is written (one UPDATE) at the next flush."""
    for column, value in changes.items():
        setattr(exercise, column, value)


async def delete_exercises(session: AsyncSession, exercise_ids: Collection[int]) -> None:
    """Delete rows by id in one statement (fails on rows a workout still references)."""
    if not exercise_ids:
        return
    await session.execute(
        delete(Exercise).where(Exercise.id.in_(exercise_ids)),
        execution_options={"synchronize_session": "fetch"},
    )
