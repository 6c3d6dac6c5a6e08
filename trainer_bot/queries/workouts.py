"""Data access for workouts: thin queries, no business rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from trainer_bot.db.enums import WorkoutStatus
from trainer_bot.db.models import Exercise, SetLog, User, Workout, WorkoutExercise


async def try_reserve_generation(
    session: AsyncSession, user_id: int, *, now: datetime, cooldown_start: datetime
) -> bool:
    """Atomically claim the right to generate the next workout.

    One conditional UPDATE of the user's row: Postgres re-checks the WHERE clause on the
    newest row version after waiting for a concurrent writer, SQLite serializes writers, so
    of any number of parallel requests (in any number of processes) exactly one wins. The
    reservation is held until the job saves (`mark_received`) or fails (`release_generation`);
    a job whose owner died is taken over through its row in workout_jobs, not here.
    """
    result = await session.execute(
        update(User)
        .where(
            User.id == user_id,
            or_(User.last_workout_at.is_(None), User.last_workout_at <= cooldown_start),
            User.workout_generation_started_at.is_(None),
        )
        .values(workout_generation_started_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def release_generation(session: AsyncSession, user_id: int) -> None:
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(workout_generation_started_at=None)
        .execution_options(synchronize_session=False)
    )


async def mark_received(session: AsyncSession, user_id: int, received_at: datetime) -> None:
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(last_workout_at=received_at, workout_generation_started_at=None)
        .execution_options(synchronize_session=False)
    )


async def skip_planned(session: AsyncSession, user_id: int) -> None:
    await session.execute(
        update(Workout)
        .where(Workout.user_id == user_id, Workout.status == WorkoutStatus.PLANNED.value)
        .values(status=WorkoutStatus.SKIPPED.value)
        .execution_options(synchronize_session=False)
    )


async def started_planned_workout(session: AsyncSession, user_id: int) -> int | None:
    """The user's planned workout if a set of it is logged, else None."""
    return await session.scalar(
        select(Workout.id)
        .join(WorkoutExercise, WorkoutExercise.workout_id == Workout.id)
        .join(SetLog, SetLog.workout_exercise_id == WorkoutExercise.id)
        .where(Workout.user_id == user_id, Workout.status == WorkoutStatus.PLANNED.value)
        .limit(1)
    )


async def exercise_ids_by_slug(session: AsyncSession, slugs: Sequence[str]) -> dict[str, int]:
    rows = await session.execute(select(Exercise.slug, Exercise.id).where(Exercise.slug.in_(slugs)))
    return {slug: exercise_id for slug, exercise_id in rows}


def add_workout(session: AsyncSession, workout: Workout) -> None:
    session.add(workout)


async def get_for_user(session: AsyncSession, workout_id: int, user_id: int) -> Workout | None:
    """The workout with its exercises, only if it belongs to the user (one statement:
    the exercises are joined in, a workout has a handful)."""
    result = await session.execute(
        select(Workout)
        .where(Workout.id == workout_id, Workout.user_id == user_id)
        .options(joinedload(Workout.exercises))
    )
    return result.unique().scalar_one_or_none()


async def get_for_telegram_user(
    session: AsyncSession, workout_id: int, telegram_id: int
) -> Workout | None:
    """The same, by the owner's Telegram id: screens know the chat, not the users.id.

    The owner comes in the same row (`workout.user`): the screen's population note uses it.
    """
    result = await session.execute(
        select(Workout)
        .join(User, User.id == Workout.user_id)
        .where(Workout.id == workout_id, User.telegram_id == telegram_id)
        .options(
            joinedload(Workout.exercises).joinedload(WorkoutExercise.set_logs),
            contains_eager(Workout.user),
        )
    )
    return result.unique().scalar_one_or_none()


async def latest(session: AsyncSession, user_id: int) -> Workout | None:
    result = await session.execute(
        select(Workout)
        .where(Workout.user_id == user_id)
        .order_by(Workout.created_at.desc(), Workout.id.desc())
        .limit(1)
    )
    return result.scalar_one_or_none()


async def latest_id_and_status(session: AsyncSession, telegram_id: int) -> tuple[int, str] | None:
    """Id and status of the user's newest workout, by the owner's Telegram id."""
    result = await session.execute(
        select(Workout.id, Workout.status)
        .join(User, User.id == Workout.user_id)
        .where(User.telegram_id == telegram_id)
        .order_by(Workout.created_at.desc(), Workout.id.desc())
        .limit(1)
    )
    row = result.first()
    return (row.id, row.status) if row is not None else None


async def recent_with_exercises(session: AsyncSession, user_id: int, limit: int) -> list[Workout]:
    result = await session.execute(
        select(Workout)
        .where(Workout.user_id == user_id)
        .order_by(Workout.created_at.desc(), Workout.id.desc())
        .limit(limit)
        .options(selectinload(Workout.exercises))
    )
    return list(result.scalars())


async def complete(
    session: AsyncSession, workout_id: int, user_id: int, completed_at: datetime
) -> bool:
    """Planned -> completed, once: a second press changes nothing and returns False."""
    result = await session.execute(
        update(Workout)
        .where(
            and_(
                Workout.id == workout_id,
                Workout.user_id == user_id,
                Workout.status == WorkoutStatus.PLANNED.value,
            )
        )
        .values(status=WorkoutStatus.COMPLETED.value, completed_at=completed_at)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]
