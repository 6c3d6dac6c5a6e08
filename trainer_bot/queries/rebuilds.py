"""Data access for «🔁 Собрать заново»: thin queries, no rules."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.db.models import SetLog, User, WorkoutExercise


async def try_reserve_rebuild(
    session: AsyncSession, user_id: int, *, now: datetime, cooldown_start: datetime, limit: int
) -> bool:
    """Atomically claim one of the `limit` rebuilds of the current cooldown period.

    One conditional UPDATE of the user's row, like the 12-hour rule's: Postgres re-checks
    the WHERE clause on the newest row version after waiting for a concurrent writer (and
    SQLite serializes writers), so however many requests race in however many processes,
    at most `limit` succeed per period. The period is identified by the last_workout_at it
    began with; the count starts again at 1 in a new one. The generation reservation is
    taken in the same statement, so a rebuild never runs beside another generation.
    """
    same_period = User.rebuild_period_at == User.last_workout_at
    result = await session.execute(
        update(User)
        .where(
            User.id == user_id,
            User.workout_generation_started_at.is_(None),
            User.last_workout_at > cooldown_start,
            or_(
                User.rebuild_period_at.is_(None),
                User.rebuild_period_at != User.last_workout_at,
                User.rebuild_count < limit,
            ),
        )
        .values(
            workout_generation_started_at=now,
            # Right-hand sides read the row as it was: the period's count, then its start.
            rebuild_count=case((same_period, User.rebuild_count + 1), else_=1),
            rebuild_period_at=User.last_workout_at,
        )
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def has_logged_sets(session: AsyncSession, workout_id: int) -> bool:
    return bool(
        await session.scalar(
            select(
                exists().where(
                    and_(
                        SetLog.workout_exercise_id == WorkoutExercise.id,
                        WorkoutExercise.workout_id == workout_id,
                    )
                )
            )
        )
    )


async def mark_rebuilt(
    session: AsyncSession, user_id: int, *, received_at: datetime, cooldown_start: datetime
) -> None:
    """The rebuilt workout is saved: the generation reservation is released; the 12-hour
    clock keeps running from the workout it replaced while that period lasts (a rebuild
    after it ended starts a new one, like any new workout)."""
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(
            workout_generation_started_at=None,
            last_workout_at=case(
                (User.last_workout_at > cooldown_start, User.last_workout_at),
                else_=received_at,
            ),
        )
        .execution_options(synchronize_session=False)
    )


async def refund_rebuild(session: AsyncSession, user_id: int) -> None:
    """A rebuild that failed (the user got «Не получилось…») gives its claim back."""
    await session.execute(
        update(User)
        .where(
            User.id == user_id,
            User.rebuild_count > 0,
            User.rebuild_period_at == User.last_workout_at,
        )
        .values(rebuild_count=User.rebuild_count - 1)
        .execution_options(synchronize_session=False)
    )
