"""WorkoutService on real Postgres: the 12-hour rule, races, reservations, completion.

Time is a `FakeClock`; the rule-based fallback generates (no LLM), except where a fake
generator is injected to make generation fail or hang.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.fakes.recording_bot import RecordingBot
from tests.support.harness import FakeClock, make_settings
from tests.support.plans import plan_of
from tests.training_checker import check_workout
from trainer_bot.catalogue import default_catalogue
from trainer_bot.db.engine import create_engine, create_session_factory
from trainer_bot.db.enums import EquipmentType, FitnessLevel, Gender, Goal
from trainer_bot.db.models import User, Workout, WorkoutJob
from trainer_bot.queries import users as user_queries
from trainer_bot.queries import workouts as workout_queries
from trainer_bot.services.profile_rules import ProfileAnswers
from trainer_bot.services.users import save_profile
from trainer_bot.services.workout_jobs import WorkoutJobRunner
from trainer_bot.services.workouts import (
    CompletionOutcome,
    CompletionResult,
    JobLostError,
    JobTicket,
    RequestOutcome,
    WorkoutRequest,
    WorkoutService,
    past_workout,
    profile_of,
)

SessionFactory = async_sessionmaker[AsyncSession]
CATALOGUE = default_catalogue()
_telegram_ids = itertools.count(7_100_000)


async def create_user(session_factory: SessionFactory, **overrides: Any) -> int:
    """A registered user (ORM row); returns users.id."""
    values: dict[str, Any] = {
        "telegram_id": next(_telegram_ids),
        "first_name": "Тест",
        "gender": Gender.MALE.value,
        "age": 30,
        "height_cm": 180,
        "current_weight_kg": 80.0,
        "fitness_level": FitnessLevel.INTERMEDIATE.value,
        "goal": Goal.MASS_GAIN.value,
        "target_weight_kg": 85.0,
        "workout_frequency": 3,
        "equipment_type": EquipmentType.GYM.value,
        **overrides,
    }
    async with session_factory() as session:
        user = User(**values)
        session.add(user)
        await session.commit()
        return user.id


async def load_user(session: AsyncSession, user_id: int) -> User:
    user = await session.get(User, user_id)
    assert user is not None
    return user


def make_service(
    session_factory: SessionFactory,
    clock: FakeClock,
    *,
    llm: Any = None,
    wall_clock: FakeClock | None = None,
    **settings: Any,
) -> WorkoutService:
    extra = {"wall_clock": wall_clock} if wall_clock is not None else {}
    return WorkoutService(
        settings=make_settings(**settings),
        session_factory=session_factory,
        catalogue=CATALOGUE,
        llm=llm,
        clock=clock,
        **extra,
    )


async def request(
    service: WorkoutService, session_factory: SessionFactory, user_id: int
) -> WorkoutRequest:
    async with session_factory() as session:
        return await service.request(session, (await load_user(session, user_id)).telegram_id)


async def get_new_workout(
    service: WorkoutService, session_factory: SessionFactory, user_id: int
) -> int:
    outcome = await request(service, session_factory, user_id)
    assert outcome.outcome is RequestOutcome.STARTED and outcome.job is not None, outcome
    return await service.generate_and_save(outcome.job)


async def complete(
    service: WorkoutService, session_factory: SessionFactory, user_id: int, workout_id: int
) -> CompletionResult:
    async with session_factory() as session:
        telegram_id = (await load_user(session, user_id)).telegram_id
        return await service.complete(session, telegram_id, workout_id)


async def workouts_of(session_factory: SessionFactory, user_id: int) -> list[Workout]:
    async with session_factory() as session:
        rows = await session.execute(
            select(Workout).where(Workout.user_id == user_id).order_by(Workout.id)
        )
        return list(rows.scalars())


async def reservation_of(session_factory: SessionFactory, user_id: int) -> datetime | None:
    async with session_factory() as session:
        return (await load_user(session, user_id)).workout_generation_started_at


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def service(session_factory: SessionFactory, clock: FakeClock) -> WorkoutService:
    return make_service(session_factory, clock)


@pytest.fixture
async def user_id(session_factory: SessionFactory) -> int:
    return await create_user(session_factory)


# --- the 12-hour rule ----------------------------------------------------------------------


async def test_first_request_starts_and_saves_one_planned_workout(
    service: WorkoutService, session_factory: SessionFactory, user_id: int, clock: FakeClock
) -> None:
    workout_id = await get_new_workout(service, session_factory, user_id)
    (workout,) = await workouts_of(session_factory, user_id)
    assert workout.id == workout_id
    assert workout.status == "planned" and workout.source == "fallback"
    assert workout.created_at == clock() and workout.completed_at is None
    async with session_factory() as session:
        user = await load_user(session, user_id)
        assert user.last_workout_at == clock()
        assert user.workout_generation_started_at is None  # the reservation is cleared


async def test_cooldown_boundary_1159_then_1200(
    service: WorkoutService, session_factory: SessionFactory, user_id: int, clock: FakeClock
) -> None:
    received = clock()
    first = await get_new_workout(service, session_factory, user_id)

    clock.advance(hours=11, minutes=59)
    refused = await request(service, session_factory, user_id)
    assert refused.outcome is RequestOutcome.COOLDOWN
    assert refused.available_at == received + timedelta(hours=12)
    assert refused.latest_workout_id == first
    clock.advance(seconds=59)  # 11:59:59 is still too early
    assert (await request(service, session_factory, user_id)).outcome is RequestOutcome.COOLDOWN
    assert len(await workouts_of(session_factory, user_id)) == 1
    assert await reservation_of(session_factory, user_id) is None  # a refusal reserves nothing

    clock.advance(seconds=1)  # exactly 12:00
    second = await get_new_workout(service, session_factory, user_id)
    old, new = await workouts_of(session_factory, user_id)
    assert (old.id, new.id) == (first, second)
    assert old.status == "skipped" and old.completed_at is None
    assert new.status == "planned" and new.created_at == clock()


async def test_completed_workout_stays_completed_after_the_next_one(
    service: WorkoutService, session_factory: SessionFactory, user_id: int, clock: FakeClock
) -> None:
    first = await get_new_workout(service, session_factory, user_id)
    clock.advance(hours=1)
    done = await complete(service, session_factory, user_id, first)
    assert done.outcome is CompletionOutcome.COMPLETED
    completed_at = clock()
    clock.advance(hours=11)
    second = await get_new_workout(service, session_factory, user_id)
    old, new = await workouts_of(session_factory, user_id)
    assert (old.id, new.id) == (first, second)
    assert old.status == "completed" and old.completed_at == completed_at
    assert new.status == "planned"


async def test_cooldown_hours_come_from_settings(
    session_factory: SessionFactory, user_id: int, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WORKOUT_COOLDOWN_HOURS", "1")
    service = make_service(session_factory, clock)
    received = clock()
    await get_new_workout(service, session_factory, user_id)
    clock.advance(minutes=59)
    refused = await request(service, session_factory, user_id)
    assert refused.outcome is RequestOutcome.COOLDOWN
    assert refused.available_at == received + timedelta(hours=1)
    clock.advance(minutes=1)
    await get_new_workout(service, session_factory, user_id)
    assert [w.status for w in await workouts_of(session_factory, user_id)] == [
        "skipped",
        "planned",
    ]


async def test_fractional_cooldown_override(
    session_factory: SessionFactory, user_id: int, clock: FakeClock
) -> None:
    service = make_service(session_factory, clock, workout_cooldown_hours=0.5)
    received = clock()
    await get_new_workout(service, session_factory, user_id)
    clock.advance(minutes=29)
    refused = await request(service, session_factory, user_id)
    assert refused.available_at == received + timedelta(minutes=30)
    clock.advance(minutes=1)
    assert (await request(service, session_factory, user_id)).outcome is RequestOutcome.STARTED


# --- concurrency ---------------------------------------------------------------------------


async def test_twenty_parallel_requests_start_exactly_one(
    service: WorkoutService, session_factory: SessionFactory, user_id: int
) -> None:
    results = await asyncio.gather(*(request(service, session_factory, user_id) for _ in range(20)))
    outcomes = [r.outcome for r in results]
    assert outcomes.count(RequestOutcome.STARTED) == 1, outcomes
    assert outcomes.count(RequestOutcome.IN_PROGRESS) == 19, outcomes
    assert all(r.available_at is None for r in results)

    (job,) = [r.job for r in results if r.job is not None]
    await service.generate_and_save(job)
    assert len(await workouts_of(session_factory, user_id)) == 1
    again = await asyncio.gather(*(request(service, session_factory, user_id) for _ in range(2)))
    assert [r.outcome for r in again] == [RequestOutcome.COOLDOWN] * 2
    assert len(await workouts_of(session_factory, user_id)) == 1


async def _request_and_generate(
    service: WorkoutService, session_factory: SessionFactory, user_id: int
) -> RequestOutcome:
    outcome = await request(service, session_factory, user_id)
    if outcome.job is not None:
        await service.generate_and_save(outcome.job)
    return outcome.outcome


@pytest.fixture
async def two_processes(
    database_url: str, session_factory: SessionFactory, clock: FakeClock
) -> AsyncIterator[list[tuple[WorkoutService, SessionFactory]]]:
    """Two engines (connection pools) and two services on one database, as two bot
    processes would have. `session_factory` is requested for its per-test cleanup."""
    engines = [create_engine(database_url) for _ in range(2)]
    try:
        pairs = []
        for engine in engines:
            factory = create_session_factory(engine)
            pairs.append((make_service(factory, clock), factory))
        yield pairs
    finally:
        for engine in engines:
            await engine.dispose()


async def test_two_processes_race_for_one_workout(
    two_processes: list[tuple[WorkoutService, SessionFactory]],
    session_factory: SessionFactory,
    user_id: int,
) -> None:
    attempts = [
        _request_and_generate(service, factory, user_id)
        for _ in range(10)
        for service, factory in two_processes
    ]
    outcomes = await asyncio.gather(*attempts)
    assert outcomes.count(RequestOutcome.STARTED) == 1, outcomes
    # Requests arriving after the winner saved see the cooldown.
    assert set(outcomes) <= {
        RequestOutcome.STARTED,
        RequestOutcome.IN_PROGRESS,
        RequestOutcome.COOLDOWN,
    }
    assert len(await workouts_of(session_factory, user_id)) == 1

    # Both "processes" now see the cooldown, and a new race makes nothing.
    late = await asyncio.gather(
        *(_request_and_generate(service, factory, user_id) for service, factory in two_processes)
    )
    assert late == [RequestOutcome.COOLDOWN, RequestOutcome.COOLDOWN]
    assert len(await workouts_of(session_factory, user_id)) == 1


async def test_parallel_users_do_not_block_each_other(
    service: WorkoutService, session_factory: SessionFactory
) -> None:
    ids = [await create_user(session_factory) for _ in range(3)]
    outcomes = await asyncio.gather(
        *(_request_and_generate(service, session_factory, uid) for uid in ids)
    )
    assert outcomes == [RequestOutcome.STARTED] * 3
    for uid in ids:
        assert len(await workouts_of(session_factory, uid)) == 1


# --- jobs: owners, heartbeats, takeovers --------------------------------------------------


async def job_row(session_factory: SessionFactory, job_id: int) -> WorkoutJob:
    async with session_factory() as session:
        job = await session.get(WorkoutJob, job_id)
        assert job is not None
        return job


async def age_heartbeat(session_factory: SessionFactory, job_id: int, seconds: float) -> None:
    """What a killed owner leaves behind: a heartbeat that stopped `seconds` ago."""
    async with session_factory() as session:
        job = await session.get(WorkoutJob, job_id)
        assert job is not None
        job.heartbeat_at -= timedelta(seconds=seconds)
        await session.commit()


async def test_orphaned_job_is_taken_over_by_the_next_request_and_saved_once(
    two_processes: list[tuple[WorkoutService, SessionFactory]],
    session_factory: SessionFactory,
    user_id: int,
) -> None:
    (a, a_factory), (b, b_factory) = two_processes
    started = await request(a, a_factory, user_id)  # "process A" takes the request...
    assert started.outcome is RequestOutcome.STARTED and started.job is not None
    job = await job_row(session_factory, started.job.job_id)
    assert (job.state, job.owner, job.attempts) == ("running", a.owner, 1)
    assert job.chat_id == started.job.telegram_id
    assert await reservation_of(session_factory, user_id) is not None

    # ...and is alive: B's request is "in progress".
    assert (await request(b, b_factory, user_id)).outcome is RequestOutcome.IN_PROGRESS
    await age_heartbeat(session_factory, job.id, 9)  # below the 10 s stale limit
    assert (await request(b, b_factory, user_id)).outcome is RequestOutcome.IN_PROGRESS

    await age_heartbeat(session_factory, job.id, 2)  # A went silent for 11 s: dead
    taken = await request(b, b_factory, user_id)
    assert taken.outcome is RequestOutcome.STARTED and taken.job is not None
    assert (taken.job.job_id, taken.job.attempt) == (job.id, 2)
    assert (await job_row(session_factory, job.id)).owner == b.owner
    workout_id = await b.generate_and_save(taken.job)

    # A wakes up and finishes its generation: its save is refused, nothing is doubled.
    with pytest.raises(JobLostError):
        await a.generate_and_save(started.job)
    (workout,) = await workouts_of(session_factory, user_id)
    assert workout.id == workout_id and workout.source == "fallback"
    saved = await job_row(session_factory, job.id)
    assert (saved.state, saved.workout_id) == ("saved", workout_id)
    assert await reservation_of(session_factory, user_id) is None


async def test_parallel_requests_take_over_an_orphan_exactly_once(
    two_processes: list[tuple[WorkoutService, SessionFactory]],
    session_factory: SessionFactory,
    user_id: int,
) -> None:
    (a, a_factory), _ = two_processes
    started = await request(a, a_factory, user_id)
    assert started.job is not None
    await age_heartbeat(session_factory, started.job.job_id, 60)
    results = await asyncio.gather(
        *(request(s, f, user_id) for s, f in two_processes for _ in range(5))
    )
    outcomes = [r.outcome for r in results]
    assert outcomes.count(RequestOutcome.STARTED) == 1, outcomes
    assert outcomes.count(RequestOutcome.IN_PROGRESS) == 9, outcomes


async def test_reservation_without_a_job_is_released(
    service: WorkoutService, session_factory: SessionFactory, user_id: int, clock: FakeClock
) -> None:
    """A reservation written before jobs existed has nobody to finish it."""
    async with session_factory() as session:
        await session.execute(
            update(User).where(User.id == user_id).values(workout_generation_started_at=clock())
        )
        await session.commit()
    await get_new_workout(service, session_factory, user_id)
    assert len(await workouts_of(session_factory, user_id)) == 1


class FailingLLM:
    """Stands in for LLMWorkoutGenerator: generation blows up (a bug, a lost database)."""

    def __init__(self) -> None:
        self.calls = 0

    async def generate(self, **_: Any) -> Any:
        self.calls += 1
        raise RuntimeError("generation exploded")


class HangingLLM:
    def __init__(self) -> None:
        self.started = asyncio.Event()

    async def generate(self, **_: Any) -> Any:
        self.started.set()
        await asyncio.Event().wait()


class RecordedScreens:
    """The dialog side of a job runner, recorded (dialog tests drive the real one)."""

    def __init__(self) -> None:
        self.results: list[tuple[int, int | None]] = []

    async def show_result(
        self, bot: Any, job: JobTicket, workout_id: int | None, *, replace_draft: bool = False
    ) -> None:
        self.results.append((job.telegram_id, workout_id))

    async def show_still_working(self, bot: Any, job: JobTicket) -> None:
        pass

    def render_draft(self, draft: Any) -> str:
        return "draft"


def runner_of(service: WorkoutService) -> tuple[WorkoutJobRunner, RecordedScreens]:
    runner, screens = WorkoutJobRunner(service), RecordedScreens()
    runner.attach_screens(screens)
    return runner, screens


async def test_failure_inside_generation_releases_the_reservation(
    session_factory: SessionFactory, user_id: int, clock: FakeClock
) -> None:
    llm = FailingLLM()
    service = make_service(session_factory, clock, llm=llm)
    runner, screens = runner_of(service)
    started = await request(service, session_factory, user_id)
    assert started.job is not None
    await runner.run(bot=RecordingBot(), job=started.job)
    assert llm.calls == 1
    assert screens.results == [(started.job.telegram_id, None)], "the user is told"
    assert (await job_row(session_factory, started.job.job_id)).state == "failed"
    assert await reservation_of(session_factory, user_id) is None
    assert await workouts_of(session_factory, user_id) == []
    async with session_factory() as session:
        assert (await load_user(session, user_id)).last_workout_at is None

    # The user can retry at once (same instant), and the retry works.
    retry = make_service(session_factory, clock)
    await get_new_workout(retry, session_factory, user_id)
    assert len(await workouts_of(session_factory, user_id)) == 1


async def test_cancelled_generation_leaves_the_job_to_a_sweeper(
    session_factory: SessionFactory, user_id: int, clock: FakeClock
) -> None:
    """A process stopped mid-generation: the job is not released, another finishes it."""
    llm = HangingLLM()
    service = make_service(session_factory, clock, llm=llm)
    started = await request(service, session_factory, user_id)
    assert started.job is not None
    task = asyncio.create_task(service.generate_and_save(started.job))
    await asyncio.wait_for(llm.started.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert (await job_row(session_factory, started.job.job_id)).state == "running"
    await age_heartbeat(session_factory, started.job.job_id, 30)

    other, screens = runner_of(make_service(session_factory, clock, llm=llm))
    (claimed,) = await other.claim_stale()
    assert (claimed.job_id, claimed.attempt) == (started.job.job_id, 2)
    await other.run(bot=RecordingBot(), job=claimed)
    (workout,) = await workouts_of(session_factory, user_id)
    assert workout.source == "fallback", "a taken-over job does not wait for the LLM again"
    assert screens.results == [(claimed.telegram_id, workout.id)]
    assert (await job_row(session_factory, claimed.job_id)).state == "done"
    assert await other.claim_stale() == []


async def test_ghost_exercise_fails_the_save_and_releases(
    session_factory: SessionFactory, user_id: int, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan naming an exercise missing from the table is never saved half-way."""
    service = make_service(session_factory, clock)
    runner, screens = runner_of(service)
    real_slugs = workout_queries.exercise_ids_by_slug

    async def without_first(session: AsyncSession, slugs: Any) -> dict[str, int]:
        ids = await real_slugs(session, slugs)
        ids.pop(slugs[0], None)
        return ids

    monkeypatch.setattr(workout_queries, "exercise_ids_by_slug", without_first)
    started = await request(service, session_factory, user_id)
    assert started.job is not None
    with pytest.raises(LookupError, match="missing from the database"):
        await service.generate_and_save(started.job)
    await runner.run(bot=RecordingBot(), job=started.job)
    assert await workouts_of(session_factory, user_id) == []
    assert await reservation_of(session_factory, user_id) is None
    assert screens.results == [(started.job.telegram_id, None)]


# --- completion --------------------------------------------------------------------------


async def test_complete_twice_counts_once(
    service: WorkoutService, session_factory: SessionFactory, user_id: int, clock: FakeClock
) -> None:
    received = clock()
    workout_id = await get_new_workout(service, session_factory, user_id)
    clock.advance(hours=1, minutes=30)
    first = await complete(service, session_factory, user_id, workout_id)
    assert first.outcome is CompletionOutcome.COMPLETED
    assert first.next_available_at == received + timedelta(hours=12)
    completed_at = clock()

    clock.advance(minutes=5)
    second = await complete(service, session_factory, user_id, workout_id)
    assert second.outcome is CompletionOutcome.ALREADY_COMPLETED
    assert second.next_available_at == received + timedelta(hours=12)
    (workout,) = await workouts_of(session_factory, user_id)
    assert workout.status == "completed" and workout.completed_at == completed_at


async def test_parallel_completion_counts_once(
    service: WorkoutService, session_factory: SessionFactory, user_id: int
) -> None:
    workout_id = await get_new_workout(service, session_factory, user_id)
    results = await asyncio.gather(
        *(complete(service, session_factory, user_id, workout_id) for _ in range(10))
    )
    outcomes = [r.outcome for r in results]
    assert outcomes.count(CompletionOutcome.COMPLETED) == 1, outcomes
    assert outcomes.count(CompletionOutcome.ALREADY_COMPLETED) == 9, outcomes


async def test_completing_another_users_workout_is_not_found(
    service: WorkoutService, session_factory: SessionFactory, user_id: int
) -> None:
    workout_id = await get_new_workout(service, session_factory, user_id)
    stranger = await create_user(session_factory)
    result = await complete(service, session_factory, stranger, workout_id)
    assert result.outcome is CompletionOutcome.NOT_FOUND
    (workout,) = await workouts_of(session_factory, user_id)
    assert workout.status == "planned" and workout.completed_at is None
    assert await workouts_of(session_factory, stranger) == []
    missing = await complete(service, session_factory, user_id, workout_id + 10_000)
    assert missing.outcome is CompletionOutcome.NOT_FOUND


async def test_completing_a_skipped_workout_is_replaced(
    service: WorkoutService, session_factory: SessionFactory, user_id: int, clock: FakeClock
) -> None:
    old_id = await get_new_workout(service, session_factory, user_id)
    clock.advance(hours=13)
    new_id = await get_new_workout(service, session_factory, user_id)
    result = await complete(service, session_factory, user_id, old_id)
    assert result.outcome is CompletionOutcome.REPLACED
    old, new = await workouts_of(session_factory, user_id)
    assert (old.id, new.id) == (old_id, new_id)
    assert old.status == "skipped" and old.completed_at is None
    assert new.status == "planned" and new.completed_at is None


# --- the saved workout follows the training rules ------------------------------------------


PROFILES = [
    ProfileAnswers("male", 27, 178, 82.5, "intermediate", Goal.WEIGHT_LOSS, 76.0, 3, "gym"),
    ProfileAnswers("female", 34, 165, 60.0, "beginner", Goal.MASS_GAIN, 63.0, 2, "bodyweight"),
    ProfileAnswers("male", 41, 182, 90.0, "advanced", Goal.MAINTENANCE, 90.0, 5, "gym"),
    ProfileAnswers("female", 15, 160, 52.0, "beginner", Goal.MAINTENANCE, 52.0, 3, "gym"),
]


@pytest.mark.parametrize("answers", PROFILES, ids=lambda a: f"{a.gender}-{a.age}-{a.equipment}")
async def test_saved_workouts_pass_the_training_checker(
    service: WorkoutService,
    session_factory: SessionFactory,
    clock: FakeClock,
    answers: ProfileAnswers,
) -> None:
    """Three sessions in a row (each completed, two days apart): every saved workout, read
    back from the database, follows training.md given the history before it."""
    async with session_factory() as session:
        telegram_id = (
            await save_profile(session, next(_telegram_ids), "Тест", answers)
        ).telegram_id
        user = await user_queries.get_by_telegram_id(session, telegram_id)
        assert user is not None
        user_id = user.id
    for _ in range(3):
        async with session_factory() as session:
            history = [
                past_workout(w)
                for w in await workout_queries.recent_with_exercises(session, user_id, 10)
            ]
        workout_id = await get_new_workout(service, session_factory, user_id)
        async with session_factory() as session:
            user = await load_user(session, user_id)
            workout = await workout_queries.get_for_user(session, workout_id, user.id)
            assert workout is not None and workout.source == "fallback"
            problems = check_workout(
                plan_of(workout),
                profile_of(user),
                CATALOGUE,
                history,
                today=clock().astimezone(service.timezone).date(),
            )
        assert problems == [], problems
        clock.advance(hours=1)
        done = await complete(service, session_factory, user_id, workout_id)
        assert done.outcome is CompletionOutcome.COMPLETED
        clock.advance(days=2)
