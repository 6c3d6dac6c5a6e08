"""«🔁 Собрать заново»: replacing today's planned workout before the cooldown ends.

A rebuild is a workout request of its own kind: while the planned workout has no logged
set, it may be replaced at most `MAX_REBUILDS` times per cooldown period, claimed with one
conditional UPDATE of the user's row (race-safe across replicas, like the 12-hour rule:
queries/rebuilds.py). The claim makes a durable job like any request (workout_jobs with
`rebuild` set), so it runs, is heartbeated, taken over and shown by the same machinery and
passes the same rules gate; its save skips the old workout and keeps the 12-hour clock
(`mark_rebuilt`). After the cooldown, a rebuild is an ordinary new workout (no quota).

A profile change that affects training (equipment, home equipment, goal, level,
frequency) offers a rebuild (`training_changed`).
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.db.enums import WorkoutJobState, WorkoutStatus
from trainer_bot.db.models import MAX_REBUILDS, User, WorkoutJob
from trainer_bot.queries import rebuilds as rebuild_queries
from trainer_bot.queries import users as user_queries
from trainer_bot.queries import workout_jobs as job_queries
from trainer_bot.queries import workouts as workout_queries
from trainer_bot.services.profile_rules import ProfileAnswers
from trainer_bot.services.workouts import JobTicket, WorkoutService

logger = logging.getLogger(__name__)

# How many rebuilds a cooldown period allows (the screens say it; the database's CHECK
# on users.rebuild_count holds it).
REBUILDS_PER_PERIOD = MAX_REBUILDS


class RebuildOutcome(StrEnum):
    STARTED = "started"  # the job is this request's to run
    IN_PROGRESS = "in_progress"  # a workout is being made right now
    NOT_PLANNED = "not_planned"  # completed or already replaced: nothing to rebuild
    LOGGED = "logged"  # a set is logged: the workout has begun
    LIMIT = "limit"  # both rebuilds of this cooldown period are used
    NOT_REGISTERED = "not_registered"


@dataclass(frozen=True, slots=True)
class RebuildStatus:
    """What the confirmation screen says: how many rebuilds are left and until when, or
    why this workout cannot be rebuilt at all."""

    left: int
    available_at: datetime | None  # when the next ordinary workout may be received
    refused: RebuildOutcome | None = None  # NOT_PLANNED or LOGGED
    timezone: str | None = None  # users.timezone, read anyway: the screen names the zone


@dataclass(frozen=True, slots=True)
class RebuildRequest:
    outcome: RebuildOutcome
    status: RebuildStatus | None = None
    job: JobTicket | None = None


def training_changed(before: ProfileAnswers, after: ProfileAnswers) -> bool:
    """Whether a profile edit changes what a workout is made of."""
    fields = ("equipment", "home_equipment", "goal", "level", "frequency")
    return any(getattr(before, name) != getattr(after, name) for name in fields)


def _status(service: WorkoutService, user: User) -> RebuildStatus:
    available_at = service.available_at(user.last_workout_at)
    if available_at is None:
        return RebuildStatus(MAX_REBUILDS, None, timezone=user.timezone)
    used = user.rebuild_count if user.rebuild_period_at == user.last_workout_at else 0
    return RebuildStatus(max(0, MAX_REBUILDS - used), available_at, timezone=user.timezone)


async def rebuild_status(
    service: WorkoutService, session: AsyncSession, telegram_id: int, workout_id: int
) -> RebuildStatus | None:
    """Whether `workout_id` may be rebuilt now (three short reads, no writes)."""
    user = await user_queries.get_by_telegram_id(session, telegram_id)
    if user is None:
        return None
    status = _status(service, user)
    refused = await _refusal(session, user, workout_id)
    return dataclasses.replace(status, refused=refused) if refused is not None else status


async def _refusal(session: AsyncSession, user: User, workout_id: int) -> RebuildOutcome | None:
    latest = await workout_queries.latest(session, user.id)
    if latest is None or latest.id != workout_id or latest.status != WorkoutStatus.PLANNED.value:
        return RebuildOutcome.NOT_PLANNED
    if await rebuild_queries.has_logged_sets(session, workout_id):
        return RebuildOutcome.LOGGED
    return None


async def request_rebuild(
    service: WorkoutService,
    session: AsyncSession,
    telegram_id: int,
    chat_id: int,
    workout_id: int,
) -> RebuildRequest:
    """Claim a rebuild of `workout_id` (the user's newest, still planned, nothing logged)
    and create its job; committed at once."""
    user = await user_queries.get_by_telegram_id(session, telegram_id)
    if user is None:
        return RebuildRequest(RebuildOutcome.NOT_REGISTERED)
    refused = await _refusal(session, user, workout_id)
    if refused is not None:
        await session.commit()
        return RebuildRequest(refused, _status(service, user))
    now = service.now()
    cooldown_start = now - service.cooldown
    if service.available_at(user.last_workout_at) is None:
        # The cooldown is over: an ordinary new workout, no rebuild is used up.
        reserved = await workout_queries.try_reserve_generation(
            session, user.id, now=now, cooldown_start=cooldown_start
        )
    else:
        reserved = await rebuild_queries.try_reserve_rebuild(
            session, user.id, now=now, cooldown_start=cooldown_start, limit=MAX_REBUILDS
        )
    if not reserved:
        await session.refresh(user)
        await session.commit()
        outcome = (
            RebuildOutcome.IN_PROGRESS
            if user.workout_generation_started_at is not None
            else RebuildOutcome.LIMIT
        )
        return RebuildRequest(outcome, _status(service, user))
    job = WorkoutJob(
        user_id=user.id,
        chat_id=chat_id,
        state=WorkoutJobState.RUNNING.value,
        owner=service.owner,
        heartbeat_at=service.wall_clock(),
        attempts=1,
        rebuild=True,
    )
    job_queries.add(session, job)
    await session.flush()
    ticket = JobTicket(job.id, user.id, telegram_id, chat_id, attempt=1, rebuild=True)
    await session.commit()
    logger.info("User %s rebuilds workout %s (job %s)", telegram_id, workout_id, job.id)
    return RebuildRequest(RebuildOutcome.STARTED, job=ticket)
