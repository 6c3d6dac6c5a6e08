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

from tests.support.harness import FakeClock, make_settings
from tests.support.plans import plan_of
from tests.training_checker import check_workout
from trainer_bot.catalogue import default_catalogue
from trainer_bot.db.engine import create_engine, create_session_factory
from trainer_bot.db.enums import EquipmentType, FitnessLevel, Gender, Goal
from trainer_bot.db.models import User, Workout
from trainer_bot.queries import users as user_queries
from trainer_bot.queries import workouts as workout_queries
from trainer_bot.services.profile_rules import ProfileAnswers
from trainer_bot.services.users import save_profile
from trainer_bot.services.workouts import (
    STALE_RESERVATION,
    CompletionOutcome,
    CompletionResult,
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
    session_factory: SessionFactory, clock: FakeClock, *, llm: Any = None, **settings: Any
) -> WorkoutService:
    return WorkoutService(
        settings=make_settings(**settings),
        session_factory=session_factory,
        catalogue=CATALOGUE,
        llm=llm,
        clock=clock,
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
    assert outcome.outcome is RequestOutcome.STARTED, outcome
    return await service.generate_and_save(user_id)


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

    await service.generate_and_save(user_id)
    assert len(await workouts_of(session_factory, user_id)) == 1
    again = await asyncio.gather(*(request(service, session_factory, user_id) for _ in range(2)))
    assert [r.outcome for r in again] == [RequestOutcome.COOLDOWN] * 2
    assert len(await workouts_of(session_factory, user_id)) == 1


async def _request_and_generate(
    service: WorkoutService, session_factory: SessionFactory, user_id: int
) -> RequestOutcome:
    outcome = await request(service, session_factory, user_id)
    if outcome.outcome is RequestOutcome.STARTED:
        await service.generate_and_save(user_id)
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
    assert set(outcomes) <= {RequestOutcome.STARTED, RequestOutcome.IN_PROGRESS}
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


# --- reservations ---------------------------------------------------------------------------


async def test_stale_reservation_of_a_crashed_process_is_taken_over(
    service: WorkoutService, session_factory: SessionFactory, user_id: int, clock: FakeClock
) -> None:
    # "Process A" reserves and dies before saving anything.
    assert (await request(service, session_factory, user_id)).outcome is RequestOutcome.STARTED
    reserved_at = clock()
    assert await reservation_of(session_factory, user_id) == reserved_at

    clock.advance(minutes=4, seconds=59)
    assert (await request(service, session_factory, user_id)).outcome is RequestOutcome.IN_PROGRESS
    clock.current = reserved_at + STALE_RESERVATION  # exactly 5 minutes: not stale yet
    assert (await request(service, session_factory, user_id)).outcome is RequestOutcome.IN_PROGRESS
    clock.advance(seconds=1)
    assert (await request(service, session_factory, user_id)).outcome is RequestOutcome.STARTED
    assert await reservation_of(session_factory, user_id) == clock()

    await service.generate_and_save(user_id)
    assert len(await workouts_of(session_factory, user_id)) == 1
    assert await reservation_of(session_factory, user_id) is None


async def test_stale_reservation_written_directly_is_taken_over(
    service: WorkoutService, session_factory: SessionFactory, user_id: int, clock: FakeClock
) -> None:
    async with session_factory() as session:
        await session.execute(
            update(User)
            .where(User.id == user_id)
            .values(workout_generation_started_at=clock() - timedelta(minutes=30))
        )
        await session.commit()
    results = await asyncio.gather(*(request(service, session_factory, user_id) for _ in range(5)))
    outcomes = [r.outcome for r in results]
    assert outcomes.count(RequestOutcome.STARTED) == 1, outcomes


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


async def test_failure_inside_generation_releases_the_reservation(
    session_factory: SessionFactory, user_id: int, clock: FakeClock
) -> None:
    llm = FailingLLM()
    service = make_service(session_factory, clock, llm=llm)
    assert (await request(service, session_factory, user_id)).outcome is RequestOutcome.STARTED
    with pytest.raises(RuntimeError, match="generation exploded"):
        await service.generate_and_save(user_id)
    assert llm.calls == 1
    assert await reservation_of(session_factory, user_id) is None
    assert await workouts_of(session_factory, user_id) == []
    async with session_factory() as session:
        assert (await load_user(session, user_id)).last_workout_at is None

    # The user can retry at once (same instant), and the retry works.
    retry = make_service(session_factory, clock)
    await get_new_workout(retry, session_factory, user_id)
    assert len(await workouts_of(session_factory, user_id)) == 1


async def test_cancelled_generation_releases_the_reservation(
    session_factory: SessionFactory, user_id: int, clock: FakeClock
) -> None:
    llm = HangingLLM()
    service = make_service(session_factory, clock, llm=llm)
    assert (await request(service, session_factory, user_id)).outcome is RequestOutcome.STARTED
    task = asyncio.create_task(service.generate_and_save(user_id))
    await asyncio.wait_for(llm.started.wait(), 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await reservation_of(session_factory, user_id) is None
    assert (await request(service, session_factory, user_id)).outcome is RequestOutcome.STARTED


async def test_ghost_exercise_fails_the_save_and_releases(
    session_factory: SessionFactory, user_id: int, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A plan naming an exercise missing from the table is never saved half-way."""
    service = make_service(session_factory, clock)
    real_slugs = workout_queries.exercise_ids_by_slug

    async def without_first(session: AsyncSession, slugs: Any) -> dict[str, int]:
        ids = await real_slugs(session, slugs)
        ids.pop(slugs[0], None)
        return ids

    monkeypatch.setattr(workout_queries, "exercise_ids_by_slug", without_first)
    assert (await request(service, session_factory, user_id)).outcome is RequestOutcome.STARTED
    with pytest.raises(LookupError, match="missing from the database"):
        await service.generate_and_save(user_id)
    assert await workouts_of(session_factory, user_id) == []
    assert await reservation_of(session_factory, user_id) is None


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
