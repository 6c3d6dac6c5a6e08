"""Choosing exercises: the best allowed exercise for a slot of the session.

Preferences (`training.scoring`, shared with the LLM shortlist): not used in the most
recent workouts where an alternative exists, the slot's movement pattern, the user's
level and (gym users) equipment. Ties are broken by a stable hash of the slug.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.db.enums import FitnessLevel, Muscle
from trainer_bot.training import rules
from trainer_bot.training.fallback.context import Candidate, Context, Index, Kind, kind_of
from trainer_bot.training.schemas import PastWorkout
from trainer_bot.training.scoring import (
    ISOLATION_IN_MAIN_SLOT_PENALTY,
    RANKED_LOWER_PENALTY,
    SMALL_FIRST_PENALTY,
    LevelAndEquipment,
    leads_with_small_muscle,
    tiebreak,
)
from trainer_bot.training.selection import allowed_exercises, is_power_lift
from trainer_bot.training.split import PatternSlot

# Recency penalty of an exercise used in the last, 2nd, 3rd, 4th completed workout, and
# in the last session of the same focus.
RECENCY_PENALTIES = (8.0, 4.0, 2.0, 1.0)
SAME_FOCUS_PENALTY = 3.0
# Taking a slot's second-choice movement pattern costs about as much as repeating an
# exercise from two workouts ago: rotation wins over the exact pattern.
MOVEMENT_STEP_PENALTY = 3.0
HIGH_REP_THRESHOLD = 10
# "Advanced" exercises (muscle-ups, pistols) are not for 10-15-rep work.
ADVANCED_HIGH_REP_PENALTY = 4.0


def build_index(ctx: Context, exercises: Iterable[CatalogueExercise]) -> Index:
    """`exercises` grouped for `pick`, with their slot-independent scores."""
    preferences = LevelAndEquipment(ctx.profile, ctx.level)
    high_reps = ctx.scheme.reps[0] >= HIGH_REP_THRESHOLD
    index = Index({}, {})
    for exercise in exercises:
        kind = kind_of(exercise)
        static = preferences.penalty(exercise)
        if exercise.level is FitnessLevel.ADVANCED and high_reps:
            static += ADVANCED_HIGH_REP_PENALTY
        primary = frozenset(exercise.primary_muscles)
        candidate = Candidate(
            exercise=exercise,
            primary=primary,
            loaded=primary - rules.STABILISER_MUSCLES,
            static=static,
            small_first=leads_with_small_muscle(exercise),
            tiebreak=tiebreak(exercise.slug),
        )
        index.by_movement.setdefault(exercise.movement, []).append(candidate)
        if kind in (Kind.COMPOUND, Kind.ISOLATION):
            for muscle in primary:
                index.by_muscle.setdefault(muscle, []).append(candidate)
    return index


# The grouped, scored catalogue depends only on the catalogue and a few profile traits;
# tests and the bot generate many workouts from one catalogue, so it is built once.
_Indexed = tuple[tuple[CatalogueExercise, ...], list[CatalogueExercise], Index]
_INDEX_CACHE: dict[tuple[object, ...], _Indexed] = {}
_INDEX_CACHE_SIZE = 64


def cached_index(
    ctx: Context, catalogue: Sequence[CatalogueExercise]
) -> tuple[list[CatalogueExercise], Index]:
    """The exercises the fallback may use and their index. Olympic / power lifts stay
    out even for adults: they need a coach's eye, not a text plan."""
    profile = ctx.profile
    key = (
        tuple(map(id, catalogue)),
        profile.equipment,
        profile.home_equipment,
        profile.level,
        ctx.level,
        ctx.goal,
        profile.is_minor,
        rules.is_child(profile.age),
        profile.is_older_adult,
        profile.bmi >= rules.LOW_IMPACT_BMI,
        profile.bmi >= rules.NO_HANGING_BMI,
    )
    cached = _INDEX_CACHE.get(key)
    if cached is not None:
        return cached[1], cached[2]
    allowed = [e for e in allowed_exercises(profile, catalogue) if not is_power_lift(e)]
    # Drills (balance, mobility, cool-down) are added by `sessions`, never as a strength
    # slot's pick.
    index = build_index(ctx, [e for e in allowed if not e.is_drill])
    if len(_INDEX_CACHE) >= _INDEX_CACHE_SIZE:
        _INDEX_CACHE.clear()
    # The tuple keeps the exercises alive, so their ids in the key stay unique.
    _INDEX_CACHE[key] = (tuple(catalogue), allowed, index)
    return allowed, index


def recency_penalties(
    done_newest_first: Sequence[PastWorkout], focus: str, ranked_lower: Iterable[str] = ()
) -> dict[str, float]:
    """How much each exercise was used lately: in the last workouts, and in the last
    session of today's focus (so "upper" alternates between two sets of exercises); the
    user's `ranked_lower` exercises (swapped away twice) cost as much as a recent one."""
    penalties: dict[str, float] = defaultdict(float)
    for slug in ranked_lower:
        penalties[slug] += RANKED_LOWER_PENALTY
    for workout, penalty in zip(done_newest_first, RECENCY_PENALTIES, strict=False):
        for slug in workout.exercise_slugs:
            penalties[slug] += penalty
    same = next((w for w in done_newest_first if w.focus == focus), None)
    if same is not None:
        for slug in same.exercise_slugs:
            penalties[slug] += SAME_FOCUS_PENALTY
    return dict(penalties)


def clear_index_cache() -> None:
    """Forget the indexed catalogues (benchmarks time a cold start with it)."""
    _INDEX_CACHE.clear()


def fits(
    exercise: CatalogueExercise,
    muscles: frozenset[Muscle],
    avoid: frozenset[Muscle],
) -> bool:
    primary = frozenset(exercise.primary_muscles) - rules.STABILISER_MUSCLES
    return primary <= muscles and primary.isdisjoint(avoid)


def pick(
    ctx: Context,
    pattern: PatternSlot,
    used: set[str],
    *,
    only: Callable[[CatalogueExercise], bool] | None = None,
    pool: Sequence[Candidate] | None = None,
) -> CatalogueExercise | None:
    """The best allowed exercise for a slot: fits the focus and recovery, least recently
    used, preferred movement, level and equipment; ties broken by a stable hash. With
    `pool`, any of its exercises fits, whatever its movement."""
    best: CatalogueExercise | None = None
    best_key: tuple[float, int] | None = None
    muscles, avoid = ctx.slot.muscles, ctx.slot.avoid_muscles
    groups = (
        [pool]
        if pool is not None
        else [ctx.index.by_movement.get(m, []) for m in pattern.movements]
    )
    for step, group in enumerate(groups):
        for candidate in group:
            exercise = candidate.exercise
            if exercise.slug in used:
                continue
            if pattern.muscle is not None and pattern.muscle not in candidate.primary:
                continue
            if not candidate.loaded <= muscles or not candidate.loaded.isdisjoint(avoid):
                continue
            if only is not None and not only(exercise):
                continue
            score = ctx.recency.get(exercise.slug, 0.0) + candidate.static
            score += MOVEMENT_STEP_PENALTY * step
            if pattern.compound and not exercise.is_compound:
                score += ISOLATION_IN_MAIN_SLOT_PENALTY
            if pattern.muscle is None and candidate.small_first:
                # A close-grip bench press is a triceps lift: a poor pick for a chest slot.
                score += SMALL_FIRST_PENALTY
            key = (score, candidate.tiebreak)
            if best_key is None or key < best_key:
                best, best_key = exercise, key
    return best
