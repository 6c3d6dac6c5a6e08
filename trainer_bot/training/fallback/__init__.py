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
4. The week plan (`week`): the 7 days ending today are closed where the search left
   them outside the weekly range (a set more or less, an exercise added, dropped or
   exchanged, the session's shape kept), and the next session is built ahead: where it
   could not make up a muscle (or needs room under a ceiling), today is built again
   carrying that part. Decision: training.md fixes the sets per exercise by goal and
   level (3 for weight loss at 1-3+ years), so the week's volume is planned through
   which exercises each session gets, within that range, not by leaving the table.
5. Reps, rest, effort and a starting weight come from the goal x level tables
   (`prescription`); the warm-up and the rationale are written by `texts`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.db.enums import Muscle, WorkoutStatus
from trainer_bot.training import rules
from trainer_bot.training.fallback.choice import cached_index, recency_penalties
from trainer_bot.training.fallback.context import Context, Draft, Kind
from trainer_bot.training.fallback.prescription import plan_hard, plan_light
from trainer_bot.training.fallback.sessions import hard_session, light_session
from trainer_bot.training.fallback.texts import CARDIO_FINISHER, rationale_text, warmup_text
from trainer_bot.training.fallback.week import session_volume, window_gaps
from trainer_bot.training.plan import PlannedExercise, WorkoutPlan
from trainer_bot.training.schemas import PastWorkout, TrainingProfile
from trainer_bot.training.split import (
    completed_newest_first,
    is_hard_focus,
    next_session,
    workout_day,
)

__all__ = ["fallback_context", "generate_fallback_workout"]

WEEK_DAYS = 7
# Sessions the week plan builds ahead of today (each one costs one more session build).
LOOK_AHEAD_SESSIONS = 2


def generate_fallback_workout(
    profile: TrainingProfile,
    history: Sequence[PastWorkout],
    catalogue: Sequence[CatalogueExercise],
    *,
    today: date,
) -> WorkoutPlan:
    """One workout by the rules, deterministic for the same inputs."""
    ctx = fallback_context(profile, history, catalogue, today=today)
    if not ctx.slot.is_hard:
        drafts = light_session(ctx)
        planned = [plan_light(ctx, d) for d in drafts]
        return _plan(ctx, drafts, planned, None)
    drafts = hard_session(ctx)
    bounds = next_session_needs(ctx, drafts, history, catalogue, today=today)
    if bounds is not None:
        # The week plan: the next session would leave its 7 days outside the weekly
        # range where it cannot make up the difference itself: today is built again
        # carrying that part (or leaving the room it needs).
        first = drafts
        ctx.at_least, ctx.at_most = bounds
        drafts = hard_session(ctx)
        ctx.at_least, ctx.at_most = {}, {}
        if _missed(window_gaps(ctx, drafts)) > _missed(window_gaps(ctx, first)) + 1e-9:
            # Carrying more for later cost today's own 7 days: a sure miss now is
            # worse than a likely one later.
            drafts = first
    planned = [plan_hard(ctx, d) for d in drafts]
    extra = None
    if ctx.conditioning_day and not any(d.kind is Kind.CONDITIONING for d in drafts):
        extra = CARDIO_FINISHER
    return _plan(ctx, drafts, planned, extra)


def _plan(
    ctx: Context, drafts: list[Draft], planned: list[PlannedExercise], extra: str | None
) -> WorkoutPlan:
    return WorkoutPlan(
        focus=ctx.slot.focus,
        title=ctx.slot.title,
        rationale=rationale_text(ctx, drafts, extra),
        warmup=warmup_text(ctx, drafts, planned),
        exercises=planned,
    )


def next_session_needs(
    ctx: Context,
    drafts: Sequence[Draft],
    history: Sequence[PastWorkout],
    catalogue: Sequence[CatalogueExercise],
    *,
    today: date,
) -> tuple[dict[Muscle, float], dict[Muscle, float]] | None:
    """The week plan, a few sessions ahead: today's session taken as done, the next ones
    (on the next regular training days, each taking the one before as done) are built;
    where their 7 days would still miss the weekly range, the least and the most hard
    sets today's session should hold instead. None when they manage (most days)."""
    frequency = rules.normalized_frequency(ctx.profile.workouts_per_week)
    step = timedelta(days=max(WEEK_DAYS // frequency, 1))
    past = [_done(today, ctx.slot.focus, drafts), *history]
    day = today
    gaps: dict[Muscle, float] = {}
    for _ in range(LOOK_AHEAD_SESSIONS):
        day += step
        following = fallback_context(ctx.profile, past, catalogue, today=day)
        if not following.slot.is_hard:
            continue
        following.ahead_only = True
        built = hard_session(following)
        for muscle, gap in window_gaps(following, built).items():
            known = gaps.get(muscle, 0.0)
            gaps[muscle] = max(gap, known) if gap > 0 else min(gap, known)
        past.insert(0, _done(day, following.slot.focus, built))
    if not gaps:
        return None
    mine = session_volume(drafts)
    at_least = {m: mine.get(m, 0.0) + gap for m, gap in gaps.items() if gap > 0}
    at_most = {m: max(mine.get(m, 0.0) + gap, 0.0) for m, gap in gaps.items() if gap < 0}
    return at_least, at_most


def _missed(gaps: dict[Muscle, float]) -> float:
    return sum(abs(gap) for gap in gaps.values())


def _done(day: date, focus: str, drafts: Sequence[Draft]) -> PastWorkout:
    return PastWorkout(
        datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
        WorkoutStatus.COMPLETED,
        focus,
        tuple(d.exercise.slug for d in drafts),
        tuple(d.sets for d in drafts),
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
        recency=recency_penalties(done, slot.focus, profile.ranked_lower),
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
