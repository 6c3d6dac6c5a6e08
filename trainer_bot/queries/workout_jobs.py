"""Data access for workout jobs: thin queries, no rules.

Every change of a job that may race with another process is one conditional UPDATE
(checked through its rowcount): Postgres re-checks the WHERE clause on the newest row
version after waiting for a concurrent writer, and SQLite serializes writers.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.db.enums import WorkoutJobState
from trainer_bot.db.models import User, WorkoutJob

ACTIVE_STATES = (WorkoutJobState.RUNNING.value, WorkoutJobState.SAVED.value)


def add(session: AsyncSession, job: WorkoutJob) -> None:
    session.add(job)


async def get(session: AsyncSession, job_id: int) -> WorkoutJob | None:
    return await session.get(WorkoutJob, job_id)


async def running_for_user(session: AsyncSession, user_id: int) -> WorkoutJob | None:
    result = await session.execute(
        select(WorkoutJob).where(
            WorkoutJob.user_id == user_id, WorkoutJob.state == WorkoutJobState.RUNNING.value
        )
    )
    return result.scalar_one_or_none()


async def claim(
    session: AsyncSession, job_id: int, *, owner: str, now: datetime, stale_before: datetime
) -> bool:
    """Take over an active job whose owner stopped heartbeating."""
    result = await session.execute(
        update(WorkoutJob)
        .where(
            WorkoutJob.id == job_id,
            WorkoutJob.state.in_(ACTIVE_STATES),
            WorkoutJob.heartbeat_at < stale_before,
        )
        .values(owner=owner, heartbeat_at=now, attempts=WorkoutJob.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def lock_stale(session: AsyncSession, *, stale_before: datetime, limit: int) -> Sequence[int]:
    """Ids of active jobs with an old heartbeat, row-locked; rows another sweeper holds
    are skipped, not waited for (SQLite, one process, has no row locks: the clause is
    left out there and `claim` alone decides)."""
    result = await session.execute(
        select(WorkoutJob.id)
        .where(WorkoutJob.state.in_(ACTIVE_STATES), WorkoutJob.heartbeat_at < stale_before)
        .order_by(WorkoutJob.heartbeat_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(result.scalars())


async def heartbeat(session: AsyncSession, job_id: int, *, owner: str, now: datetime) -> bool:
    """False when the job is no longer this owner's (taken over, or finished)."""
    result = await session.execute(
        update(WorkoutJob)
        .where(
            WorkoutJob.id == job_id,
            WorkoutJob.owner == owner,
            WorkoutJob.state.in_(ACTIVE_STATES),
        )
        .values(heartbeat_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def mark_saved(
    session: AsyncSession, job_id: int, *, owner: str, workout_id: int, now: datetime
) -> bool:
    """Running -> saved, only by its owner: the write that makes a save happen once."""
    result = await session.execute(
        update(WorkoutJob)
        .where(
            WorkoutJob.id == job_id,
            WorkoutJob.owner == owner,
            WorkoutJob.state == WorkoutJobState.RUNNING.value,
        )
        .values(state=WorkoutJobState.SAVED.value, workout_id=workout_id, heartbeat_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def finish(
    session: AsyncSession, job_id: int, *, owner: str, state: WorkoutJobState, from_state: str
) -> bool:
    """Saved -> done, or running -> failed, only by its owner."""
    result = await session.execute(
        update(WorkoutJob)
        .where(WorkoutJob.id == job_id, WorkoutJob.owner == owner, WorkoutJob.state == from_state)
        .values(state=state.value, owner=None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


async def telegram_id_of(session: AsyncSession, user_id: int) -> int | None:
    return await session.scalar(select(User.telegram_id).where(User.id == user_id))
