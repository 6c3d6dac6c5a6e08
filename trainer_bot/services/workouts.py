"""The core loop: the 12-hour rule, generation (LLM, else the rule-based fallback), completion."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.config import Settings
from trainer_bot.db.base import utcnow
from trainer_bot.db.enums import (
    WorkoutJobState,
    WorkoutSource,
    WorkoutStatus,
)
from trainer_bot.db.models import User, Workout, WorkoutExercise, WorkoutJob
from trainer_bot.llm import LLMWorkoutGenerator, session_shortlist
from trainer_bot.llm.drafting import DraftListener
from trainer_bot.queries import rebuilds as rebuild_queries
from trainer_bot.queries import swaps as swap_queries
from trainer_bot.queries import users as user_queries
from trainer_bot.queries import workout_jobs as job_queries
from trainer_bot.queries import workouts as workout_queries
from trainer_bot.services.progress_history import read_history, slugs_to_read
from trainer_bot.services.training_profile import profile_of
from trainer_bot.services.views import WorkoutView, workout_view
from trainer_bot.training.fallback import generate_fallback_workout
from trainer_bot.training.gate import gate_fallback
from trainer_bot.training.plan import WorkoutPlan
from trainer_bot.training.progression import (
    Progressed,
    TrainingHistory,
    apply_progression,
    main_lift_hint,
    main_lift_lines,
)
from trainer_bot.training.progression_gate import check_progressed
from trainer_bot.training.schemas import PastWorkout, TrainingProfile
from trainer_bot.training.selection import allowed_exercises
from trainer_bot.training.split import next_session

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
HISTORY_DEPTH = 10
# Headroom over the LLM budget before the service stops waiting and uses the fallback.
GENERATION_GRACE_SECONDS = 5.0


class RequestOutcome(StrEnum):
    STARTED = "started"  # this request generates the workout
    IN_PROGRESS = "in_progress"  # another request is generating it right now
    COOLDOWN = "cooldown"  # the previous workout is too recent
    NOT_REGISTERED = "not_registered"  # no profile to build a workout for


@dataclass(frozen=True, slots=True)
class JobTicket:
    """What a process needs to run a workout job it owns (a row of workout_jobs)."""

    job_id: int
    user_id: int  # users.id
    telegram_id: int
    chat_id: int
    attempt: int  # 1 for the request's own run; more once taken over
    state: WorkoutJobState = WorkoutJobState.RUNNING
    workout_id: int | None = None  # set when SAVED: what is left is to show it
    # «🔁 Собрать заново»: the workout replaces the planned one; the 12-hour clock stays.
    rebuild: bool = False
    # The dialog stack the composing screen was opened in (known only in the process
    # that took the request; a sweeper shows results on the default stack).
    stack_id: str | None = None


@dataclass(frozen=True, slots=True)
class WorkoutRequest:
    outcome: RequestOutcome
    available_at: datetime | None = None
    latest_workout_id: int | None = None
    # Set when STARTED: the job this request now owns (new, or an orphan taken over).
    job: JobTicket | None = None


class JobLostError(Exception):
    """The job was taken over by another process (this one was presumed dead)."""


def process_owner_id() -> str:
    """hostname:pid:random, unique per WorkoutService (a process, or a test's replica)."""
    return f"{socket.gethostname()[:64]}:{os.getpid()}:{secrets.token_hex(4)}"


class CompletionOutcome(StrEnum):
    COMPLETED = "completed"
    ALREADY_COMPLETED = "already_completed"
    REPLACED = "replaced"  # a newer workout made this one skipped
    NOT_FOUND = "not_found"
    NOT_REGISTERED = "not_registered"  # the profile is gone


@dataclass(frozen=True, slots=True)
class CompletionResult:
    outcome: CompletionOutcome
    next_available_at: datetime | None
    timezone: str | None = None  # users.timezone, read anyway: the done screen names it


def past_workout(workout: Workout) -> PastWorkout:
    return PastWorkout(
        received_at=workout.created_at,
        status=WorkoutStatus(workout.status),
        focus=workout.focus,
        exercise_slugs=tuple(item.exercise.slug for item in workout.exercises),
        exercise_sets=tuple(item.sets for item in workout.exercises),
    )


def replaced_slugs(history: Sequence[PastWorkout]) -> frozenset[str]:
    """The exercises of the planned workout a rebuild replaces (the newest one)."""
    planned = next((w for w in history if w.status is WorkoutStatus.PLANNED), None)
    return frozenset(planned.exercise_slugs) if planned is not None else frozenset()


class WorkoutService:
    def __init__(
        self,
        *,
        settings: Settings,
        session_factory: async_sessionmaker[AsyncSession],
        catalogue: Sequence[CatalogueExercise],
        llm: LLMWorkoutGenerator | None = None,
        clock: Clock = utcnow,
        wall_clock: Clock = utcnow,
    ) -> None:
        self._settings = settings
        # Heartbeats use the real time (`wall_clock`) even when tests move `clock`.
        self.wall_clock = wall_clock
        self.owner = process_owner_id()
        self.stale_after = timedelta(seconds=settings.workout_job_stale_seconds)
        self._session_factory = session_factory
        self._catalogue = tuple(catalogue)
        self._llm = llm
        self._clock = clock
        self._cooldown = timedelta(hours=settings.workout_cooldown_hours)
        self._timezone = ZoneInfo(settings.timezone)
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def writes_with_llm(self) -> bool:
        """A first attempt asks the LLM (a taken-over job goes to the fallback at once)."""
        return self._llm is not None

    @property
    def session_factory(self) -> async_sessionmaker[AsyncSession]:
        return self._session_factory

    @property
    def timezone(self) -> ZoneInfo:
        return self._timezone

    @property
    def cooldown(self) -> timedelta:
        return self._cooldown

    @property
    def catalogue(self) -> tuple[CatalogueExercise, ...]:
        return self._catalogue

    def now(self) -> datetime:
        return self._clock()

    def today(self) -> date:
        """The local date of `now()` (the date workouts are planned for)."""
        return self._clock().astimezone(self._timezone).date()

    def available_at(self, last_workout_at: datetime | None) -> datetime | None:
        """When the next workout can be received; None when it can be right now."""
        if last_workout_at is None:
            return None
        moment = last_workout_at + self._cooldown
        return moment if moment > self._clock() else None

    async def request(
        self, session: AsyncSession, telegram_id: int, chat_id: int | None = None
    ) -> WorkoutRequest:
        """Claim the next workout for this user, or say why not (committed at once).

        STARTED comes with a job this process now owns: a new one, or the user's running
        job whose owner stopped heartbeating (the user asked again: finish it now).
        """
        user = await user_queries.get_by_telegram_id(session, telegram_id)
        if user is None:
            return WorkoutRequest(RequestOutcome.NOT_REGISTERED)
        chat_id = chat_id if chat_id is not None else telegram_id
        now = self._clock()
        running: WorkoutJob | None = None
        for _ in range(2):  # a second pass only after releasing an orphaned reservation
            if await workout_queries.try_reserve_generation(
                session, user.id, now=now, cooldown_start=now - self._cooldown
            ):
                job = WorkoutJob(
                    user_id=user.id,
                    chat_id=chat_id,
                    state=WorkoutJobState.RUNNING.value,
                    owner=self.owner,
                    heartbeat_at=self.wall_clock(),
                    attempts=1,
                )
                job_queries.add(session, job)
                await session.flush()
                ticket = JobTicket(job.id, user.id, telegram_id, chat_id, attempt=1)
                await session.commit()
                return WorkoutRequest(RequestOutcome.STARTED, job=ticket)
            await session.refresh(user)
            available_at = self.available_at(user.last_workout_at)
            if available_at is not None:
                latest = await workout_queries.latest(session, user.id)
                await session.commit()
                latest_id = latest.id if latest is not None else None
                return WorkoutRequest(RequestOutcome.COOLDOWN, available_at, latest_id)
            running = await job_queries.running_for_user(session, user.id)
            if running is not None:
                break
            # A reservation without a job (written before jobs existed): nobody will
            # ever finish it, so it is released and the request tries again.
            logger.warning("User %s had a reservation without a job, released", telegram_id)
            await workout_queries.release_generation(session, user.id)
        if running is None:
            await session.commit()
            return WorkoutRequest(RequestOutcome.IN_PROGRESS)
        job_id, attempt = running.id, running.attempts + 1
        wall = self.wall_clock()
        claimed = await job_queries.claim(
            session, job_id, owner=self.owner, now=wall, stale_before=wall - self.stale_after
        )
        await session.commit()
        if not claimed:
            return WorkoutRequest(RequestOutcome.IN_PROGRESS)
        logger.info("User %s asked again: taking over orphaned workout job %s", telegram_id, job_id)
        ticket = JobTicket(
            job_id, user.id, telegram_id, chat_id, attempt=attempt, rebuild=running.rebuild
        )
        return WorkoutRequest(RequestOutcome.STARTED, job=ticket)

    async def generate_and_save(self, job: JobTicket, drafts: DraftListener | None = None) -> int:
        """Build the job's workout and save it; returns the new workout's id.

        The save, the job's SAVED state and the 12-hour clock commit together, and only
        while this process still owns the job (`JobLostError` otherwise): however many processes
        once ran the job, one workout is saved. A job taken over from a dead owner skips
        the LLM: the user has waited long enough, the rule-based generator answers at once.
        No database connection is held while the LLM thinks. `drafts` gets the workout as
        the LLM writes it (checked exercise by exercise), when the answer is streamed.
        """
        async with self._session_factory() as session:
            user = await session.get(User, job.user_id)
            if user is None:
                raise LookupError(f"user {job.user_id} vanished during generation")
            telegram_id = user.telegram_id
            history = [
                past_workout(w)
                for w in await workout_queries.recent_with_exercises(
                    session, job.user_id, HISTORY_DEPTH
                )
            ]
            # Ranked lower: what the user swapped away twice, and on a rebuild the
            # exercises of the workout it replaces (so the new one is not the same).
            ranked_lower = await swap_queries.ranked_lower_slugs(session, job.user_id)
            if job.rebuild:
                ranked_lower |= replaced_slugs(history)
            profile = dataclasses.replace(profile_of(user), ranked_lower=ranked_lower)
            # The recent main lifts' results, for the LLM prompt.
            logged = await read_history(
                session, job.user_id, slugs_to_read((), history), history, self._clock()
            )
        plan, source = await self._build_plan(
            telegram_id, profile, history, logged, use_llm=job.attempt == 1, drafts=drafts
        )
        async with self._session_factory() as session:
            # First: lock the job row while checking it is still ours, so a sweeper that
            # wants it waits for this transaction and then sees a fresh heartbeat.
            if not await job_queries.heartbeat(
                session, job.job_id, owner=self.owner, now=self.wall_clock()
            ):
                raise JobLostError(f"workout job {job.job_id} was taken over")
            progressed = await self._progress(session, job.user_id, profile, plan, history)
            workout_id = await self._save(session, job.user_id, progressed, source, job.rebuild)
            await job_queries.mark_saved(
                session, job.job_id, owner=self.owner, workout_id=workout_id, now=self.wall_clock()
            )
            await session.commit()
        logger.info(
            "User %s received workout %s (%s, %s, %d exercises)",
            telegram_id,
            workout_id,
            source.value,
            plan.focus,
            len(plan.exercises),
        )
        return workout_id

    async def _progress(
        self,
        session: AsyncSession,
        user_id: int,
        profile: TrainingProfile,
        plan: WorkoutPlan,
        history: Sequence[PastWorkout],
    ) -> Progressed:
        """The generated plan with load and reps from the user's logs (one read): a step
        of its own, after generation and before saving, whoever wrote the plan."""
        slugs = slugs_to_read((item.slug for item in plan.exercises), history)
        logged = await read_history(session, user_id, slugs, history, self._clock())
        allowed = {e.slug: e for e in allowed_exercises(profile, self._catalogue)}
        today = self._clock().astimezone(self._timezone).date()
        progressed = apply_progression(plan, logged, allowed, today=today)
        # The progressed plan passes the rules check like any other before it is saved.
        count = len(plan.exercises)
        checked = Progressed(plan, ("",) * count, ((),) * count)
        return check_progressed(
            checked, progressed, profile, history, self._catalogue, today=today, user_id=user_id
        )

    async def _build_plan(
        self,
        telegram_id: int,
        profile: TrainingProfile,
        history: Sequence[PastWorkout],
        logged: TrainingHistory | None = None,
        *,
        use_llm: bool = True,
        drafts: DraftListener | None = None,
    ) -> tuple[WorkoutPlan, WorkoutSource]:
        today = self._clock().astimezone(self._timezone).date()
        started = time.monotonic()
        if self._llm is not None and use_llm:
            slot = next_session(profile, history, today=today, catalogue=self._catalogue)
            # The prompt lists (and validation accepts) only the session's shortlist.
            allowed = session_shortlist(
                profile, allowed_exercises(profile, self._catalogue), slot, history
            )
            budget = self._settings.llm_total_budget_seconds + GENERATION_GRACE_SECONDS
            try:
                async with asyncio.timeout(budget):
                    outcome = await self._llm.generate(
                        user_id=telegram_id,
                        profile=profile,
                        allowed=allowed,
                        history=history,
                        session_hint=slot.prompt_hint() + self._results_hint(slot.focus, logged),
                        focus=slot.focus,
                        today=today,
                        listener=drafts,
                    )
            except TimeoutError:
                logger.warning("LLM generation for user %s exceeded %.0f s", telegram_id, budget)
            else:
                if outcome.plan is not None:
                    # The split decides the focus; the model only fills it in.
                    return outcome.plan.model_copy(update={"focus": slot.focus}), WorkoutSource.LLM
        # Pure CPU (a few ms, tens for the hardest week plans): in a worker thread, so
        # the event loop keeps serving other users' taps meanwhile.
        plan = await asyncio.to_thread(self._checked_fallback, profile, history, today, telegram_id)
        logger.info(
            "Fallback workout for user %s built in %.1f ms",
            telegram_id,
            (time.monotonic() - started) * 1000,
        )
        return plan, WorkoutSource.FALLBACK

    def _checked_fallback(
        self,
        profile: TrainingProfile,
        history: Sequence[PastWorkout],
        today: date,
        telegram_id: int,
    ) -> WorkoutPlan:
        plan = generate_fallback_workout(profile, history, self._catalogue, today=today)
        # The rules gate: the fallback's own plans pass it too (a violation is a bug,
        # logged at ERROR, and still repaired before anyone sees it).
        return gate_fallback(
            plan, profile, history, self._catalogue, today=today, user_id=telegram_id
        )

    def _results_hint(self, focus: str, logged: TrainingHistory | None) -> str:
        """The last results of the session's main lifts, so the LLM's choice and rationale
        fit them (their load and reps are set by the progression engine afterwards)."""
        if logged is None:
            return ""
        return main_lift_hint(main_lift_lines(logged, focus, {e.slug: e for e in self._catalogue}))

    async def _save(
        self,
        session: AsyncSession,
        user_id: int,
        progressed: Progressed,
        source: WorkoutSource,
        rebuild: bool = False,
    ) -> int:
        """One transaction: the new workout, the old planned one skipped, the clock reset
        (a rebuild keeps the clock of the workout it replaces). A rebuild whose workout
        got a logged set while it was being written is dropped: the started workout stays
        (and is what the user is shown), the claim is given back."""
        plan = progressed.plan
        received_at = self._clock()
        if rebuild:
            started = await workout_queries.started_planned_workout(session, user_id)
            if started is not None:
                logger.info(
                    "Rebuild for user %s dropped: workout %s was started meanwhile",
                    user_id,
                    started,
                )
                await workout_queries.release_generation(session, user_id)
                await rebuild_queries.refund_rebuild(session, user_id)
                return started
        ids = await workout_queries.exercise_ids_by_slug(
            session, [item.slug for item in plan.exercises]
        )
        missing = [item.slug for item in plan.exercises if item.slug not in ids]
        if missing:  # the catalogue file and the table disagree: never show a ghost
            raise LookupError(f"exercises missing from the database: {', '.join(missing)}")
        await workout_queries.skip_planned(session, user_id)
        workout = Workout(
            user_id=user_id,
            planned_date=received_at.astimezone(self._timezone).date(),
            status=WorkoutStatus.PLANNED.value,
            source=source.value,
            focus=plan.focus,
            title=plan.title,
            rationale=plan.rationale,
            warmup=plan.warmup,
            created_at=received_at,
            exercises=[
                WorkoutExercise(
                    exercise_id=ids[item.slug],
                    position=position,
                    sets=item.sets,
                    reps_min=min(item.reps_min, item.reps_max),
                    reps_max=max(item.reps_min, item.reps_max),
                    weight_kg=item.weight_kg,
                    rest_seconds=item.rest_seconds,
                    notes=item.notes,
                    progression_note=progressed.notes[position - 1] or None,
                    previous_sets=[list(s) for s in progressed.previous[position - 1]] or None,
                )
                for position, item in enumerate(plan.exercises, start=1)
            ],
        )
        workout_queries.add_workout(session, workout)
        await session.flush()
        if rebuild:
            await rebuild_queries.mark_rebuilt(
                session,
                user_id,
                received_at=received_at,
                cooldown_start=received_at - self._cooldown,
            )
        else:
            await workout_queries.mark_received(session, user_id, received_at)
        return workout.id

    async def workout(
        self, session: AsyncSession, telegram_id: int, workout_id: int
    ) -> WorkoutView | None:
        """The user's workout with its exercises; None if there is none or it is not theirs."""
        workout = await workout_queries.get_for_telegram_user(session, workout_id, telegram_id)
        return workout_view(workout, workout.user) if workout is not None else None

    async def latest_id(self, session: AsyncSession, telegram_id: int) -> int | None:
        """The user's newest workout, whatever its status."""
        latest = await workout_queries.latest_id_and_status(session, telegram_id)
        return latest[0] if latest is not None else None

    async def planned_workout_id(self, session: AsyncSession, telegram_id: int) -> int | None:
        """The user's newest workout while it is still planned (not completed or replaced)."""
        latest = await workout_queries.latest_id_and_status(session, telegram_id)
        if latest is None or latest[1] != WorkoutStatus.PLANNED.value:
            return None
        return latest[0]

    async def complete(
        self, session: AsyncSession, telegram_id: int, workout_id: int
    ) -> CompletionResult:
        user = await user_queries.get_by_telegram_id(session, telegram_id)
        if user is None:
            return CompletionResult(CompletionOutcome.NOT_REGISTERED, None)
        now = self._clock()
        done = await workout_queries.complete(session, workout_id, user.id, now)
        await session.commit()
        next_at = self.available_at(user.last_workout_at)
        zone = user.timezone
        if done:
            logger.info("User %s completed workout %s", user.telegram_id, workout_id)
            return CompletionResult(CompletionOutcome.COMPLETED, next_at, zone)
        workout = await workout_queries.get_for_user(session, workout_id, user.id)
        if workout is None:
            logger.warning(
                "User %s tried to complete foreign workout %s", user.telegram_id, workout_id
            )
            return CompletionResult(CompletionOutcome.NOT_FOUND, next_at, zone)
        if workout.status == WorkoutStatus.COMPLETED.value:
            return CompletionResult(CompletionOutcome.ALREADY_COMPLETED, next_at, zone)
        return CompletionResult(CompletionOutcome.REPLACED, next_at, zone)

    def spawn(self, coroutine: Coroutine[Any, Any, Any], name: str) -> None:
        """Run in the background; the reference is kept so the task is not collected."""
        task = asyncio.create_task(coroutine, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def wait_background(self, grace_seconds: float | None = None) -> None:
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=grace_seconds)

    async def aclose(self, grace_seconds: float = 10.0) -> None:
        """On shutdown: let running generations finish, within a bound."""
        await self.wait_background(grace_seconds)
        for task in list(self._tasks):
            task.cancel()
