"""Data access for the progress screen and the export: thin, bounded reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.db.enums import WorkoutStatus
from trainer_bot.db.models import BodyWeight, Exercise, SetLog, User, Workout, WorkoutExercise

RecordsSelect = Select[int, str, int, float | None, int]


@dataclass(frozen=True, slots=True)
class ExerciseRecord:
    exercise_id: int
    name: str
    last_workout_exercise_id: int
    best_one_rep_max: float | None  # Epley; None for bodyweight work
    best_reps: int


def exercise_records_statement(user_id: int, since: datetime, limit: int) -> RecordsSelect:
    """The statement of `exercise_records` (also EXPLAINed by the tests)."""
    epley = SetLog.weight_kg * (1.0 + SetLog.reps / 30.0)
    return (
        select(
            SetLog.exercise_id,
            Exercise.name,
            func.max(SetLog.workout_exercise_id),
            func.max(epley),
            func.max(SetLog.reps),
        )
        .select_from(SetLog)
        .join(Exercise, Exercise.id == SetLog.exercise_id)
        .where(SetLog.user_id == user_id, SetLog.logged_at >= since)
        .group_by(SetLog.exercise_id, Exercise.name)
        .order_by(func.max(SetLog.logged_at).desc())
        .limit(limit)
    )


async def exercise_records(
    session: AsyncSession, user_id: int, since: datetime, limit: int
) -> list[ExerciseRecord]:
    """The user's most recently logged exercises since `since`, with their best estimated
    1RM (Epley, on the sets with a weight) and best reps: one range of
    ix_set_logs_user_logged_at, bounded by the window."""
    rows = await session.execute(exercise_records_statement(user_id, since, limit))
    return [ExerciseRecord(*row) for row in rows]


async def sets_of(
    session: AsyncSession, workout_exercise_ids: list[int]
) -> dict[int, list[tuple[int, float | None]]]:
    """(reps, weight) of each set of these workout exercises, in order."""
    if not workout_exercise_ids:
        return {}
    rows = await session.execute(
        select(SetLog.workout_exercise_id, SetLog.reps, SetLog.weight_kg)
        .where(SetLog.workout_exercise_id.in_(workout_exercise_ids))
        .order_by(SetLog.workout_exercise_id, SetLog.set_number)
    )
    sets: dict[int, list[tuple[int, float | None]]] = {}
    for we_id, reps, weight in rows:
        sets.setdefault(we_id, []).append((reps, weight))
    return sets


async def completed_days(session: AsyncSession, user_id: int, since: datetime) -> list[datetime]:
    """When the user's workouts received since `since` were completed."""
    rows = await session.execute(
        select(Workout.completed_at).where(
            Workout.user_id == user_id,
            Workout.created_at >= since,
            Workout.status == WorkoutStatus.COMPLETED.value,
        )
    )
    return [moment for (moment,) in rows if moment is not None]


@dataclass(frozen=True, slots=True)
class WorkoutRow:
    id: int
    received_at: datetime
    title: str
    status: str


async def workouts_page(
    session: AsyncSession, user_id: int, offset: int, limit: int
) -> list[WorkoutRow]:
    """Newest first, `limit` rows from `offset` (ix_workouts_user_id_created_at)."""
    rows = await session.execute(
        select(Workout.id, Workout.created_at, Workout.title, Workout.status)
        .where(Workout.user_id == user_id, Workout.status != WorkoutStatus.SKIPPED.value)
        .order_by(Workout.created_at.desc(), Workout.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [WorkoutRow(*row) for row in rows]


async def record_body_weight(
    session: AsyncSession, user_id: int, day: date, weight_kg: float, logged_at: datetime
) -> None:
    """Today's weight (a second entry the same day replaces the first) and the profile's
    current weight: two statements, one transaction (the caller commits)."""
    insert = (
        postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    )(BodyWeight).values(user_id=user_id, measured_on=day, weight_kg=weight_kg, logged_at=logged_at)
    await session.execute(
        insert.on_conflict_do_update(
            index_elements=["user_id", "measured_on"],
            set_={"weight_kg": insert.excluded.weight_kg, "logged_at": insert.excluded.logged_at},
        )
    )
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(current_weight_kg=weight_kg)
        .execution_options(synchronize_session=False)
    )


@dataclass(frozen=True, slots=True)
class ExportRow:
    title: str
    focus: str
    effort: str | None
    position: int
    exercise: str
    set_number: int
    reps: int
    weight_kg: float | None
    logged_at: datetime


async def export_rows(session: AsyncSession, user_id: int) -> list[ExportRow]:
    """Every logged set of the user with its workout and exercise, oldest first."""
    rows = await session.execute(
        select(
            Workout.title,
            Workout.focus,
            Workout.effort,
            WorkoutExercise.position,
            Exercise.name,
            SetLog.set_number,
            SetLog.reps,
            SetLog.weight_kg,
            SetLog.logged_at,
        )
        .join(WorkoutExercise, WorkoutExercise.id == SetLog.workout_exercise_id)
        .join(Workout, Workout.id == WorkoutExercise.workout_id)
        .join(Exercise, Exercise.id == SetLog.exercise_id)
        .where(SetLog.user_id == user_id)
        .order_by(SetLog.logged_at, WorkoutExercise.position, SetLog.set_number)
    )
    return [ExportRow(*row) for row in rows]


async def body_weights(session: AsyncSession, user_id: int) -> list[tuple[date, float]]:
    rows = await session.execute(
        select(BodyWeight.measured_on, BodyWeight.weight_kg)
        .where(BodyWeight.user_id == user_id)
        .order_by(BodyWeight.measured_on)
    )
    return [(day, weight) for day, weight in rows]


async def body_weights_since(
    session: AsyncSession, user_id: int, since: date
) -> list[tuple[date, float]]:
    rows = await session.execute(
        select(BodyWeight.measured_on, BodyWeight.weight_kg)
        .where(BodyWeight.user_id == user_id, BodyWeight.measured_on >= since)
        .order_by(BodyWeight.measured_on)
    )
    return [(day, weight) for day, weight in rows]


async def one_rep_max_by_session(
    session: AsyncSession, user_id: int, exercise_id: int, since: datetime
) -> list[tuple[datetime, float]]:
    """The best estimated 1RM (Epley) of each session of one exercise since `since`: a range
    of ix_set_logs_user_exercise_logged_at."""
    epley = SetLog.weight_kg * (1.0 + SetLog.reps / 30.0)
    rows = await session.execute(
        select(func.max(SetLog.logged_at), func.max(epley))
        .where(
            SetLog.user_id == user_id,
            SetLog.exercise_id == exercise_id,
            SetLog.logged_at >= since,
            SetLog.weight_kg.is_not(None),
        )
        .group_by(SetLog.workout_exercise_id)
        .order_by(func.max(SetLog.logged_at))
    )
    return [(moment, value) for moment, value in rows if value is not None]
