"""Rebuilds in the service, two replicas on one Postgres: parallel requests give at most
two rebuilds per cooldown period, and a rebuild's job is an ordinary durable job."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.support.dialogs import UserSession
from tests.support.harness import DialogHarness, make_settings
from tests.support.registration import fill_until
from trainer_bot.catalogue import default_catalogue
from trainer_bot.db.enums import WorkoutJobState
from trainer_bot.db.models import MAX_REBUILDS, User, Workout, WorkoutJob
from trainer_bot.queries import workout_jobs as job_queries
from trainer_bot.services.rebuilds import RebuildOutcome, request_rebuild
from trainer_bot.services.workout_jobs import WorkoutJobRunner
from trainer_bot.services.workouts import JobTicket, WorkoutService

USER_ID = 959595
PARALLEL = 12


@pytest.fixture
async def user(harness: DialogHarness) -> UserSession:
    session = UserSession(harness, USER_ID, first_name="Ира")
    await fill_until(session)
    await session.press("✅ Всё верно")
    await session.press("🏋️ Получить тренировку")
    await session.background(1)
    return session


async def planned_id(session_factory: async_sessionmaker[AsyncSession]) -> int:
    async with session_factory() as session:
        return (
            await session.execute(select(Workout.id).where(Workout.status == "planned"))
        ).scalar_one()


async def run_to_done(service: WorkoutService, job: JobTicket) -> None:
    """What the job runner does, minus showing: generate and save, then done."""
    await service.generate_and_save(job)
    async with service.session_factory() as session:
        assert await job_queries.finish(
            session,
            job.job_id,
            owner=service.owner,
            state=WorkoutJobState.DONE,
            from_state=WorkoutJobState.SAVED.value,
        )
        await session.commit()


async def test_parallel_rebuild_requests_in_two_replicas_give_at_most_two(
    user: UserSession,
    harness: DialogHarness,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    replicas = [
        harness.workout_service,
        WorkoutService(
            settings=make_settings(),
            session_factory=session_factory,
            catalogue=default_catalogue(),
            clock=harness.clock,
        ),
    ]
    started: list[JobTicket] = []
    outcomes: list[RebuildOutcome] = []
    for _ in range(MAX_REBUILDS + 2):
        workout_id = await planned_id(session_factory)

        async def one(index: int, workout_id: int = workout_id) -> RebuildOutcome:
            service = replicas[index % 2]
            async with session_factory() as session:
                request = await request_rebuild(service, session, USER_ID, USER_ID, workout_id)
            if request.job is not None:
                started.append(request.job)
                await run_to_done(service, request.job)
            return request.outcome

        outcomes += await asyncio.gather(*(one(i) for i in range(PARALLEL)))
        harness.clock.advance(minutes=10)
    assert len(started) == MAX_REBUILDS
    assert outcomes.count(RebuildOutcome.STARTED) == MAX_REBUILDS
    assert set(outcomes) <= {
        RebuildOutcome.STARTED,
        RebuildOutcome.IN_PROGRESS,
        RebuildOutcome.LIMIT,
        RebuildOutcome.NOT_PLANNED,  # asked for the workout another request just replaced
    }
    assert outcomes[-PARALLEL:] == [RebuildOutcome.LIMIT] * PARALLEL
    async with session_factory() as session:
        statuses = list(await session.scalars(select(Workout.status).order_by(Workout.id)))
        row = (await session.execute(select(User))).scalar_one()
    assert statuses == ["skipped"] * MAX_REBUILDS + ["planned"]
    assert row.rebuild_count == MAX_REBUILDS


async def test_an_orphaned_rebuild_job_is_finished_by_a_sweeper_as_a_rebuild(
    user: UserSession,
    harness: DialogHarness,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    """The process that took the rebuild died before generating: another one's sweeper
    takes the job over and saves it as a rebuild (the 12-hour clock stays)."""
    async with session_factory() as session:
        before = (await session.execute(select(User))).scalar_one().last_workout_at
        request = await request_rebuild(
            harness.workout_service, session, USER_ID, USER_ID, await planned_id(session_factory)
        )
    assert request.job is not None
    other = WorkoutService(
        settings=make_settings(workout_job_stale_seconds=0.05),
        session_factory=session_factory,
        catalogue=default_catalogue(),
        clock=harness.clock,
    )
    await asyncio.sleep(0.1)  # the owner's heartbeat (real time) goes stale
    (ticket,) = await WorkoutJobRunner(other).claim_stale()
    assert ticket.rebuild and ticket.job_id == request.job.job_id
    await run_to_done(other, ticket)
    async with session_factory() as session:
        row = (await session.execute(select(User))).scalar_one()
        job = await session.get(WorkoutJob, ticket.job_id)
        statuses = list(await session.scalars(select(Workout.status).order_by(Workout.id)))
    assert row.last_workout_at == before and row.workout_generation_started_at is None
    assert job is not None and job.rebuild and job.state == "done"
    assert statuses == ["skipped", "planned"]
