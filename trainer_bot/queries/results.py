"""Data access for workout results (set logs, skips, session effort): thin statements.

Every write here is one statement; a logging tap uses at most two. Inserts go through
`ON CONFLICT` on (workout_exercise_id, set_number), so a double tap writes one log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.db.enums import WorkoutStatus
from trainer_bot.db.models import Exercise, SetLog, Workout, WorkoutExercise

HistorySelect = Select[str, int, int, float | None, datetime, int, int, str | None]


@dataclass(frozen=True, slots=True)
class NewSet:
    set_number: int
    reps: int
    weight_kg: float | None


def _insert(session: AsyncSession) -> Any:
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(SetLog)


async def upsert_sets(
    session: AsyncSession,
    *,
    workout_exercise_id: int,
    user_id: int,
    exercise_id: int,
    sets: Sequence[NewSet],
    logged_at: datetime,
    overwrite: bool,
) -> None:
    """Write `sets`; an existing set number is overwritten (or kept when not `overwrite`)."""
    statement = _insert(session).values(
        [
            {
                "workout_exercise_id": workout_exercise_id,
                "user_id": user_id,
                "exercise_id": exercise_id,
                "set_number": item.set_number,
                "reps": item.reps,
                "weight_kg": item.weight_kg,
                "logged_at": logged_at,
            }
            for item in sets
        ]
    )
    keys = ["workout_exercise_id", "set_number"]
    if overwrite:
        excluded = statement.excluded
        statement = statement.on_conflict_do_update(
            index_elements=keys,
            set_={
                "reps": excluded.reps,
                "weight_kg": excluded.weight_kg,
                "logged_at": excluded.logged_at,
            },
        )
    else:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    await session.execute(statement)


@dataclass(frozen=True, slots=True)
class StoredSet:
    set_number: int
    reps: int
    weight_kg: float | None
    logged_at: datetime


async def replace_sets(
    session: AsyncSession,
    *,
    workout_exercise_id: int,
    user_id: int,
    exercise_id: int,
    sets: Sequence[StoredSet],
    skipped: bool | None = None,
) -> None:
    """Make the exercise's log exactly `sets` (and its skipped flag `skipped`, unless None).

    On PostgreSQL this is one statement: the sets not in `sets` are removed and the flag
    is set by data-modifying CTEs of the upsert (they touch other rows than the upsert, so
    their order does not matter). SQLite has no such CTEs: up to three statements there.
    """
    numbers = [item.set_number for item in sets]
    gone = delete(SetLog).where(SetLog.workout_exercise_id == workout_exercise_id)
    if numbers:
        gone = gone.where(SetLog.set_number.not_in(numbers))
    flag = (
        update(WorkoutExercise)
        .where(WorkoutExercise.id == workout_exercise_id, WorkoutExercise.skipped != skipped)
        .values(skipped=skipped)
        .execution_options(synchronize_session=False)
        if skipped is not None
        else None
    )
    write = None
    if sets:
        write = _insert(session).values(
            [
                {
                    "workout_exercise_id": workout_exercise_id,
                    "user_id": user_id,
                    "exercise_id": exercise_id,
                    "set_number": item.set_number,
                    "reps": item.reps,
                    "weight_kg": item.weight_kg,
                    "logged_at": item.logged_at,
                }
                for item in sets
            ]
        )
        excluded = write.excluded
        write = write.on_conflict_do_update(
            index_elements=["workout_exercise_id", "set_number"],
            set_={
                "reps": excluded.reps,
                "weight_kg": excluded.weight_kg,
                "logged_at": excluded.logged_at,
            },
        )
    if session.get_bind().dialect.name == "postgresql":
        main: Any = write if write is not None else gone
        if write is not None:
            main = main.add_cte(gone.cte("gone"))
        if flag is not None:
            main = main.add_cte(flag.cte("flag"))
        await session.execute(main)
        return
    for statement in (flag, gone, write):
        if statement is not None:
            await session.execute(statement)


async def delete_last_entry(session: AsyncSession, workout_exercise_id: int, top_set: int) -> None:
    """Undo: remove the sets written together with set `top_set` (one tap wrote them with
    one timestamp). Pressed twice, the second finds no set `top_set` and removes nothing."""
    stamp = (
        select(SetLog.logged_at)
        .where(SetLog.workout_exercise_id == workout_exercise_id, SetLog.set_number == top_set)
        .scalar_subquery()
    )
    await session.execute(
        delete(SetLog).where(
            SetLog.workout_exercise_id == workout_exercise_id,
            SetLog.logged_at == stamp,
            SetLog.set_number <= top_set,
        )
    )


async def set_skipped(session: AsyncSession, workout_exercise_id: int, skipped: bool) -> None:
    await session.execute(
        update(WorkoutExercise)
        .where(WorkoutExercise.id == workout_exercise_id)
        .values(skipped=skipped)
        .execution_options(synchronize_session=False)
    )


async def set_effort(session: AsyncSession, workout_id: int, user_id: int, effort: str) -> bool:
    """The answer to «Как прошло?», once, for a completed workout of the user."""
    result = await session.execute(
        update(Workout)
        .where(
            Workout.id == workout_id,
            Workout.user_id == user_id,
            Workout.status == WorkoutStatus.COMPLETED.value,
            Workout.effort.is_(None),
        )
        .values(effort=effort)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def insert_planned_sets(
    session: AsyncSession,
    exercises: Sequence[tuple[int, int, int, int, float | None]],
    *,
    user_id: int,
    logged_at: datetime,
) -> None:
    """The planned sets of several exercises (workout_exercise_id, exercise_id, sets, reps,
    weight), in one statement; sets already logged are kept."""
    rows = [
        NewSetRow(we_id, exercise_id, number, reps, weight)
        for we_id, exercise_id, sets, reps, weight in exercises
        for number in range(1, sets + 1)
    ]
    statement = _insert(session).values(
        [
            {
                "workout_exercise_id": row.workout_exercise_id,
                "user_id": user_id,
                "exercise_id": row.exercise_id,
                "set_number": row.set_number,
                "reps": row.reps,
                "weight_kg": row.weight_kg,
                "logged_at": logged_at,
            }
            for row in rows
        ]
    )
    await session.execute(
        statement.on_conflict_do_nothing(index_elements=["workout_exercise_id", "set_number"])
    )


@dataclass(frozen=True, slots=True)
class NewSetRow:
    workout_exercise_id: int
    exercise_id: int
    set_number: int
    reps: int
    weight_kg: float | None


@dataclass(frozen=True, slots=True)
class HistoryRow:
    slug: str
    workout_exercise_id: int
    reps: int
    weight_kg: float | None
    logged_at: datetime
    reps_min: int
    reps_max: int
    effort: str | None


def logged_history_statement(user_id: int, slugs: Sequence[str], since: datetime) -> HistorySelect:
    """The statement of `logged_history` (also EXPLAINed by the tests)."""
    return (
        select(
            Exercise.slug,
            SetLog.workout_exercise_id,
            SetLog.reps,
            SetLog.weight_kg,
            SetLog.logged_at,
            WorkoutExercise.reps_min,
            WorkoutExercise.reps_max,
            Workout.effort,
        )
        .select_from(SetLog)
        .join(Exercise, Exercise.id == SetLog.exercise_id)
        .join(WorkoutExercise, WorkoutExercise.id == SetLog.workout_exercise_id)
        .join(Workout, Workout.id == WorkoutExercise.workout_id)
        .where(
            SetLog.user_id == user_id,
            Exercise.slug.in_(list(slugs)),
            SetLog.logged_at >= since,
        )
        .order_by(Workout.created_at.desc(), SetLog.workout_exercise_id, SetLog.set_number)
    )


async def logged_history(
    session: AsyncSession, user_id: int, slugs: Sequence[str], since: datetime
) -> list[HistoryRow]:
    """The user's logged sets of these exercises since `since`, newest workout first: a
    range scan of ix_set_logs_user_exercise_logged_at per exercise, so its cost follows the
    window, never the length of the whole history."""
    if not slugs:
        return []
    rows = await session.execute(logged_history_statement(user_id, slugs, since))
    return [HistoryRow(*row) for row in rows]
