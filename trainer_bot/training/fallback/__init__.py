"""The rule-based workout: what the user gets when the LLM is unavailable.

Deterministic (same inputs, same plan) and built only from training.md's rules:
1. `next_session` picks today's focus from the split and the completed history.
2. Each slot of the focus' blueprint gets the best-fitting allowed exercise (`choice`):
   not used in the most recent workouts where an alternative exists, fitting the
   equipment and level.
3. Exercises and sets are fitted to a per-session budget by a small local search
   (`volume`, `sessions`): the weekly hard sets per muscle (training.md) shared out over
   the sessions of the week that train the muscle, the 4-7 exercises and the ~45-60
   minutes.
4. Reps, rest, effort and a starting weight come from the goal x level tables
   (`prescription`); the warm-up and the rationale are written by `texts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.training import rules
from trainer_bot.training.fallback.choice import cached_index, recency_penalties
from trainer_bot.training.fallback.context import Context, Kind
from trainer_bot.training.fallback.prescription import plan_hard, plan_light
from trainer_bot.training.fallback.sessions import hard_session, light_session
from trainer_bot.training.fallback.texts import CARDIO_FINISHER, rationale_text, warmup_text
from trainer_bot.training.plan import WorkoutPlan
from trainer_bot.training.schemas import PastWorkout, TrainingProfile
from trainer_bot.training.split import (
    completed_newest_first,
    is_hard_focus,
    next_session,
    workout_day,
)

__all__ = ["fallback_context", "generate_fallback_workout"]

WEEK_DAYS = 7


def generate_fallback_workout(
    profile: TrainingProfile,
    history: Sequence[PastWorkout],
    catalogue: Sequence[CatalogueExercise],
    *,
    today: date,
) -> WorkoutPlan:
    """One workout by the rules, deterministic for the same inputs."""
    ctx = fallback_context(profile, history, catalogue, today=today)
    if ctx.slot.is_hard:
        drafts = hard_session(ctx)
        planned = [plan_hard(ctx, d) for d in drafts]
        extra = None
        if ctx.conditioning_day and not any(d.kind is Kind.CONDITIONING for d in drafts):
            extra = CARDIO_FINISHER
    else:
        drafts = light_session(ctx)
        planned = [plan_light(ctx, d) for d in drafts]
        extra = None
    return WorkoutPlan(
        focus=ctx.slot.focus,
        title=ctx.slot.title,
        rationale=rationale_text(ctx, drafts, extra),
        warmup=warmup_text(ctx, drafts, planned),
        exercises=planned,
    )


def fallback_context(
    profile: TrainingProfile,
    history: Sequence[PastWorkout],
    catalogue: Sequence[CatalogueExercise],
    *,
    today: date,
) -> Context:
    """Today's session and the user's effective traits, with the indexed exercises: what
    the fallback builds from, and what the plan gate borrows its choices and texts from."""
    slot = next_session(profile, history, today=today, catalogue=catalogue)
    done = completed_newest_first(history, today)
    window = tuple(
        _exercise_sets(w)
        for w in done
        if is_hard_focus(w.focus) and (today - workout_day(w)).days < WEEK_DAYS
    )
    level = rules.effective_level(profile.level, profile.age)
    goal = rules.effective_goal(profile.goal, profile.age, profile.bmi)
    ctx = Context(
        profile=profile,
        slot=slot,
        level=level,
        goal=goal,
        scheme=rules.LOAD_SCHEMES[(goal, level)],
        rir=rules.reps_in_reserve(level, profile.age),
        allowed=[],
        recency=recency_penalties(done, slot.focus),
        window=window,
    )
    ctx.allowed, ctx.index = cached_index(ctx, catalogue)
    if not ctx.allowed:
        raise ValueError("no catalogue exercise fits this profile")
    return ctx


def _exercise_sets(workout: PastWorkout) -> tuple[tuple[str, int], ...]:
    """(slug, planned sets) of a past workout; sets 0 when the history does not carry them."""
    sets = workout.exercise_sets
    if len(sets) != len(workout.exercise_slugs):
        sets = (0,) * len(workout.exercise_slugs)
    return tuple(zip(workout.exercise_slugs, sets, strict=True))
