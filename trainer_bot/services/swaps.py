"""«🔄 Заменить»: the alternatives to an exercise of the user's planned workout, and the swap.

The choice itself is `training.swap` (pure). This module reads what it needs (the workout,
the workouts before it, the user's logs of the candidates, what they swapped away before),
and saves a swap in one transaction: the slot's exercise and prescription (a conditional
UPDATE, so a double tap swaps once), the swap remembered in exercise_swaps, the warm-up when
the first lift changed. One `plan_check … source=swap …` log line per saved swap.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.db.enums import Equipment, SwapReason, WorkoutStatus
from trainer_bot.db.models import ExerciseSwap, Workout
from trainer_bot.queries import swaps as swap_queries
from trainer_bot.queries import workouts as workout_queries
from trainer_bot.services.progress_history import read_history
from trainer_bot.services.training_profile import profile_of
from trainer_bot.services.workouts import HISTORY_DEPTH, WorkoutService, past_workout
from trainer_bot.training.gate import log_plan_check
from trainer_bot.training.plan import PlannedExercise, WorkoutPlan
from trainer_bot.training.swap import Alternative, SavedPlan, alternatives

logger = logging.getLogger(__name__)


class SwapOutcome(StrEnum):
    SWAPPED = "swapped"
    NOT_FOUND = "not_found"  # not the user's workout, or no such position
    CLOSED = "closed"  # completed or replaced: nothing to swap in it any more
    LOGGED = "logged"  # sets are logged for the exercise: undo them first
    NOT_OFFERED = "not_offered"  # not (or no longer) among the alternatives


@dataclass(frozen=True, slots=True)
class SwapOption:
    """One alternative as the screen lists it."""

    exercise_id: int
    name: str
    equipment: Equipment
    sets: int
    reps_min: int
    reps_max: int
    is_timed: bool
    weight_kg: float | None


@dataclass(frozen=True, slots=True)
class SwapChoice:
    """What the swap screen shows: the exercise and its alternatives, or why it cannot be
    swapped (`refused`)."""

    name: str = ""
    options: tuple[SwapOption, ...] = ()
    refused: SwapOutcome | None = None


@dataclass(frozen=True, slots=True)
class _Loaded:
    workout: Workout
    index: int  # of the slot in the plan
    found: list[Alternative]


class WorkoutViews(Protocol):
    """What Swaps needs from the update's `Workouts`: forgetting a changed workout."""

    def forget(self, telegram_id: int, workout_id: int) -> None: ...


class Swaps:
    """Swaps within one update, bound to its session."""

    __slots__ = ("_service", "_session", "_views")

    def __init__(self, service: WorkoutService, session: AsyncSession, views: WorkoutViews) -> None:
        self._service = service
        self._session = session
        self._views = views

    async def options(
        self, telegram_id: int, workout_id: int, position: int, reason: SwapReason
    ) -> SwapChoice:
        loaded = await self._load(telegram_id, workout_id, position, reason)
        if isinstance(loaded, SwapOutcome):
            return SwapChoice(refused=loaded)
        item = loaded.workout.exercises[loaded.index]
        ids = await workout_queries.exercise_ids_by_slug(
            self._session, [a.exercise.slug for a in loaded.found]
        )
        options = tuple(
            SwapOption(
                exercise_id=ids[a.exercise.slug],
                name=a.exercise.name,
                equipment=a.exercise.equipment,
                sets=a.planned.sets,
                reps_min=a.planned.reps_min,
                reps_max=a.planned.reps_max,
                is_timed=a.exercise.is_timed,
                weight_kg=a.planned.weight_kg,
            )
            for a in loaded.found
            if a.exercise.slug in ids
        )
        return SwapChoice(item.exercise.name, options)

    async def swap(
        self,
        telegram_id: int,
        workout_id: int,
        position: int,
        exercise_id: int,
        reason: SwapReason,
    ) -> SwapOutcome:
        loaded = await self._load(telegram_id, workout_id, position, reason)
        if isinstance(loaded, SwapOutcome):
            return loaded
        workout, item = loaded.workout, loaded.workout.exercises[loaded.index]
        if item.exercise_id == exercise_id:
            return SwapOutcome.SWAPPED  # the second tap of a double tap
        ids = await workout_queries.exercise_ids_by_slug(
            self._session, [a.exercise.slug for a in loaded.found]
        )
        chosen = next((a for a in loaded.found if ids.get(a.exercise.slug) == exercise_id), None)
        if chosen is None:
            return SwapOutcome.NOT_OFFERED
        planned = chosen.planned
        swapped = await swap_queries.replace_exercise(
            self._session,
            item.id,
            old_exercise_id=item.exercise_id,
            values={
                "exercise_id": exercise_id,
                "sets": planned.sets,
                "reps_min": planned.reps_min,
                "reps_max": planned.reps_max,
                "weight_kg": planned.weight_kg,
                "rest_seconds": planned.rest_seconds,
                "notes": planned.notes,
                "progression_note": chosen.note or None,
                "previous_sets": [list(s) for s in chosen.previous] or None,
                "skipped": False,
            },
        )
        if not swapped:
            await self._session.rollback()
            return SwapOutcome.SWAPPED  # swapped meanwhile (another tap got there first)
        swap_queries.add_swap(
            self._session,
            ExerciseSwap(
                user_id=workout.user_id,
                workout_exercise_id=item.id,
                from_exercise_id=item.exercise_id,
                to_exercise_id=exercise_id,
                reason=reason.value,
                swapped_at=self._service.now(),
            ),
        )
        if chosen.saved.plan.warmup != workout.warmup:
            await swap_queries.set_warmup(self._session, workout.id, chosen.saved.plan.warmup)
        old_slug = item.exercise.slug
        await self._session.commit()
        self._views.forget(telegram_id, workout_id)
        action = "kept" if chosen.violations else "none"
        log_plan_check(telegram_id, "swap", chosen.violations, action)
        logger.info(
            "User %s swapped %s for %s in workout %s (%s)",
            telegram_id,
            old_slug,
            chosen.exercise.slug,
            workout_id,
            reason.value,
        )
        return SwapOutcome.SWAPPED

    async def _load(
        self, telegram_id: int, workout_id: int, position: int, reason: SwapReason
    ) -> _Loaded | SwapOutcome:
        """The workout and the slot's alternatives, or why it cannot be swapped."""
        session = self._session
        workout = await workout_queries.get_for_telegram_user(session, workout_id, telegram_id)
        if workout is None:
            return SwapOutcome.NOT_FOUND
        index = next((i for i, e in enumerate(workout.exercises) if e.position == position), None)
        if index is None:
            return SwapOutcome.NOT_FOUND
        if workout.status != WorkoutStatus.PLANNED.value:
            return SwapOutcome.CLOSED
        if workout.exercises[index].set_logs:
            return SwapOutcome.LOGGED
        user = workout.user
        profile = dataclasses.replace(
            profile_of(user),
            ranked_lower=await swap_queries.ranked_lower_slugs(session, user.id),
        )
        history = [
            past_workout(w)
            for w in await workout_queries.recent_with_exercises(
                session, user.id, HISTORY_DEPTH + 1
            )
            if w.id != workout.id
        ][:HISTORY_DEPTH]
        catalogue = self._service.catalogue
        movement = workout.exercises[index].exercise.movement
        slugs = [e.slug for e in catalogue if e.movement == movement]
        logged = await read_history(session, user.id, slugs, history, self._service.now())
        saved = saved_plan(workout)
        found = alternatives(
            saved,
            index,
            profile,
            history,
            logged,
            catalogue,
            reason=reason,
            today=self._service.today(),
        )
        return _Loaded(workout, index, found)


def saved_plan(workout: Workout) -> SavedPlan:
    """A saved workout as the plan model (and the sets each load came from)."""
    plan = WorkoutPlan.model_construct(
        focus=workout.focus,
        title=workout.title,
        rationale=workout.rationale,
        warmup=workout.warmup,
        exercises=[
            PlannedExercise(
                slug=item.exercise.slug,
                sets=item.sets,
                reps_min=item.reps_min,
                reps_max=item.reps_max,
                weight_kg=item.weight_kg,
                rest_seconds=item.rest_seconds,
                notes=item.notes,
            )
            for item in workout.exercises
        ],
    )
    previous = tuple(
        tuple((int(reps or 0), weight) for reps, weight in (item.previous_sets or ()))
        for item in workout.exercises
    )
    return SavedPlan(plan, previous)
