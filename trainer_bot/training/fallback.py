"""The rule-based workout: what the user gets when the LLM is unavailable.

Deterministic (same inputs, same plan) and built only from training.md's rules:
1. `next_session` picks today's focus from the split and the completed history.
2. Each slot of the focus' blueprint gets the best-fitting allowed exercise: not used in
   the most recent workouts where an alternative exists, fitting the equipment and level.
3. Exercises and sets are fitted to a per-session budget by a small local search: the
   weekly hard sets per muscle (training.md) shared out over the sessions of the week
   that train the muscle, the 4-7 exercises and the ~45-60 minutes.
4. Reps, rest, effort and a starting weight come from the goal x level tables.
"""

from __future__ import annotations

import itertools
import math
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from enum import IntEnum
from functools import lru_cache

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.db.enums import (
    HOME_EQUIPMENT,
    Equipment,
    EquipmentType,
    FitnessLevel,
    Goal,
    Movement,
    Muscle,
)
from trainer_bot.training import rules
from trainer_bot.training.plan import PlannedExercise, WorkoutPlan
from trainer_bot.training.rules import LoadScheme
from trainer_bot.training.schemas import PastWorkout, TrainingProfile
from trainer_bot.training.selection import allowed_exercises, is_power_lift
from trainer_bot.training.split import (
    BLUEPRINTS,
    PatternSlot,
    SessionSlot,
    completed_newest_first,
    next_session,
    weekly_focus_counts,
)
from trainer_bot.training.weights import suggest_weight, warmup_weight

# Recency penalty of an exercise used in the last, 2nd, 3rd, 4th completed workout, and
# in the last session of the same focus.
RECENCY_PENALTIES = (8.0, 4.0, 2.0, 1.0)
SAME_FOCUS_PENALTY = 3.0
# Taking a slot's second-choice movement pattern costs about as much as repeating an
# exercise from two workouts ago: rotation wins over the exact pattern.
MOVEMENT_STEP_PENALTY = 3.0
LEVEL_GAP_PENALTY = 0.5
HIGH_REP_THRESHOLD = 10
ADVANCED_HIGH_REP_PENALTY = 4.0
SMALL_FIRST_PENALTY = 2.0
ISOLATION_IN_MAIN_SLOT_PENALTY = 5.0
SMALL_MUSCLES = frozenset({Muscle.TRICEPS, Muscle.BICEPS, Muscle.FOREARMS, Muscle.CALVES})
# Gym users: which equipment suits the main slots (lower is better). Beginners start on
# machines and dumbbells (a guided path, no spotter needed); experienced lifters on bars.
GYM_EQUIPMENT_PENALTY_BEGINNER = {
    Equipment.MACHINE: 0.0,
    Equipment.DUMBBELL: 0.0,
    Equipment.CABLE: 0.0,
    Equipment.BARBELL: 1.0,
    Equipment.KETTLEBELL: 1.0,
    Equipment.BODYWEIGHT: 1.5,
    Equipment.PULLUP_BAR: 2.0,
}
GYM_EQUIPMENT_PENALTY_EXPERIENCED = {
    Equipment.BARBELL: 0.0,
    Equipment.DUMBBELL: 0.0,
    Equipment.CABLE: 0.5,
    Equipment.MACHINE: 0.5,
    Equipment.PULLUP_BAR: 0.5,
    Equipment.KETTLEBELL: 1.0,
    Equipment.BODYWEIGHT: 1.5,
}
# Time model for the ~45-60 minute session: seconds per repetition, warm-up minutes.
SECONDS_PER_REP = 3.0
WARMUP_ESTIMATE_MIN = 8.0
MAX_SESSION_MIN = float(rules.SESSION_MINUTES[1])
# The conditioning block of advanced weight loss: intervals of work / rest.
CONDITIONING_ROUNDS = 10
CONDITIONING_SECONDS = (40, 45)
CONDITIONING_REPS = (12, 15)
CONDITIONING_REST_S = 45
CORE_REST_S = 60
COMPOUND_REST_CAP_S = 120
REST_STEP_S = 15
LIGHT_PATTERN_EQUIPMENT = frozenset({Equipment.BODYWEIGHT})


# Conditioning drills gentle enough for a light day (the catalogue has no mobility flag).
MOBILITY_SLUG_WORDS = frozenset({"stretch", "cat", "cow", "inchworm", "march"})


def is_mobility_drill(exercise: CatalogueExercise) -> bool:
    return not MOBILITY_SLUG_WORDS.isdisjoint(exercise.slug.split("_"))


class Kind(IntEnum):
    """Order of exercises in a session: multi-joint, single-joint, trunk, conditioning."""

    COMPOUND = 0
    ISOLATION = 1
    CORE = 2
    CONDITIONING = 3


def kind_of(exercise: CatalogueExercise) -> Kind:
    if exercise.movement is Movement.CONDITIONING:
        return Kind.CONDITIONING
    if exercise.movement is Movement.CORE:
        return Kind.CORE
    return Kind.COMPOUND if exercise.is_compound else Kind.ISOLATION


@dataclass(slots=True)
class _Draft:
    exercise: CatalogueExercise
    sets: int
    order: int  # blueprint position, keeps large-before-small inside a kind
    heavy: bool = False
    rest_override: int = 0
    kind: Kind = field(init=False)

    def __post_init__(self) -> None:
        self.kind = kind_of(self.exercise)


@dataclass(slots=True)
class _Candidate:
    exercise: CatalogueExercise
    primary: frozenset[Muscle]
    loaded: frozenset[Muscle]  # primary muscles without the stabilisers
    static: float  # level and equipment fit: lower is better
    small_first: bool  # the first primary muscle is a small one
    tiebreak: int


@dataclass(slots=True)
class _Index:
    by_movement: dict[Movement, list[_Candidate]]
    by_muscle: dict[Muscle, list[_Candidate]]  # strength exercises by primary muscle


@dataclass(slots=True)
class _Context:
    profile: TrainingProfile
    slot: SessionSlot
    level: FitnessLevel  # effective: children train as beginners
    goal: Goal  # effective: no weight loss for an underweight adult
    scheme: LoadScheme
    rir: tuple[int, int]
    allowed: list[CatalogueExercise]
    recency: dict[str, float]
    index: _Index = field(default_factory=lambda: _Index({}, {}))

    def indexed(self, exercises: Iterable[CatalogueExercise]) -> _Index:
        """`exercises` grouped for `_pick`, with their slot-independent scores."""
        beginner = self.level is FitnessLevel.BEGINNER or self.profile.is_minor
        table = GYM_EQUIPMENT_PENALTY_BEGINNER if beginner else GYM_EQUIPMENT_PENALTY_EXPERIENCED
        ceiling = rules.LEVEL_RANK[FitnessLevel.BEGINNER if self.profile.is_minor else self.level]
        # "Advanced" is training age, not a calisthenics skill: muscle-ups and pistols only
        # now and then, and not at all for 10-15-rep work.
        target = min(ceiling, rules.LEVEL_RANK[FitnessLevel.INTERMEDIATE])
        high_reps = self.scheme.reps[0] >= HIGH_REP_THRESHOLD
        gym = self.gym
        index = _Index({}, {})
        for exercise in exercises:
            kind = kind_of(exercise)
            rank = rules.LEVEL_RANK[exercise.level]
            static = LEVEL_GAP_PENALTY * abs(target - rank)
            if exercise.level is FitnessLevel.ADVANCED and high_reps:
                static += ADVANCED_HIGH_REP_PENALTY
            if gym and kind not in (Kind.CORE, Kind.CONDITIONING):
                static += table[exercise.equipment]
            primary = frozenset(exercise.primary_muscles)
            candidate = _Candidate(
                exercise=exercise,
                primary=primary,
                loaded=primary - rules.STABILISER_MUSCLES,
                static=static,
                small_first=exercise.primary_muscles[0] in SMALL_MUSCLES,
                tiebreak=_tiebreak(exercise.slug),
            )
            index.by_movement.setdefault(exercise.movement, []).append(candidate)
            if kind in (Kind.COMPOUND, Kind.ISOLATION):
                for muscle in primary:
                    index.by_muscle.setdefault(muscle, []).append(candidate)
        return index

    @property
    def gym(self) -> bool:
        return self.profile.equipment is EquipmentType.GYM and not rules.is_child(self.profile.age)

    @property
    def heavy_day(self) -> bool:
        """Advanced mass gain: the first compound lift is heavy 4-6 work (adults only)."""
        return (
            self.goal is Goal.MASS_GAIN
            and self.level is FitnessLevel.ADVANCED
            and not self.profile.is_minor
        )

    @property
    def conditioning_day(self) -> bool:
        return self.goal is Goal.WEIGHT_LOSS and self.level is FitnessLevel.ADVANCED


def generate_fallback_workout(
    profile: TrainingProfile,
    history: Sequence[PastWorkout],
    catalogue: Sequence[CatalogueExercise],
    *,
    today: date,
) -> WorkoutPlan:
    """One workout by the rules, deterministic for the same inputs."""
    slot = next_session(profile, history, today=today, catalogue=catalogue)
    level = rules.effective_level(profile.level, profile.age)
    goal = rules.effective_goal(profile.goal, profile.age, profile.bmi)
    ctx = _Context(
        profile=profile,
        slot=slot,
        level=level,
        goal=goal,
        scheme=rules.LOAD_SCHEMES[(goal, level)],
        rir=rules.reps_in_reserve(level, profile.age),
        allowed=[],
        recency=_recency(completed_newest_first(history, today), slot.focus),
    )
    ctx.allowed, ctx.index = _cached_index(ctx, catalogue)
    if not ctx.allowed:
        raise ValueError("no catalogue exercise fits this profile")
    if slot.is_hard:
        drafts = _hard_session(ctx)
        planned = [_plan_hard(ctx, d) for d in drafts]
        extra = None
        if ctx.conditioning_day and not any(d.kind is Kind.CONDITIONING for d in drafts):
            extra = _CARDIO_FINISHER
    else:
        drafts = _light_session(ctx)
        planned = [_plan_light(ctx, d) for d in drafts]
        extra = None
    return WorkoutPlan(
        focus=slot.focus,
        title=slot.title,
        rationale=_rationale(ctx, drafts, extra),
        warmup=_warmup(ctx, drafts, planned),
        exercises=planned,
    )


# --- choosing exercises -------------------------------------------------------------

# The grouped, scored catalogue depends only on the catalogue and a few profile traits;
# tests and the bot generate many workouts from one catalogue, so it is built once.
_Indexed = tuple[tuple[CatalogueExercise, ...], list[CatalogueExercise], _Index]
_INDEX_CACHE: dict[tuple[object, ...], _Indexed] = {}
_INDEX_CACHE_SIZE = 64


def _cached_index(
    ctx: _Context, catalogue: Sequence[CatalogueExercise]
) -> tuple[list[CatalogueExercise], _Index]:
    """The exercises the fallback may use and their index. Olympic / power lifts stay
    out even for adults: they need a coach's eye, not a text plan."""
    profile = ctx.profile
    key = (
        tuple(map(id, catalogue)),
        profile.equipment,
        profile.level,
        ctx.level,
        ctx.goal,
        profile.is_minor,
        rules.is_child(profile.age),
        profile.bmi >= rules.LOW_IMPACT_BMI,
    )
    cached = _INDEX_CACHE.get(key)
    if cached is not None:
        return cached[1], cached[2]
    allowed = [e for e in allowed_exercises(profile, catalogue) if not is_power_lift(e)]
    index = ctx.indexed(allowed)
    if len(_INDEX_CACHE) >= _INDEX_CACHE_SIZE:
        _INDEX_CACHE.clear()
    # The tuple keeps the exercises alive, so their ids in the key stay unique.
    _INDEX_CACHE[key] = (tuple(catalogue), allowed, index)
    return allowed, index


def _recency(done_newest_first: Sequence[PastWorkout], focus: str) -> dict[str, float]:
    """How much each exercise was used lately: in the last workouts, and in the last
    session of today's focus (so "upper" alternates between two sets of exercises)."""
    penalties: dict[str, float] = defaultdict(float)
    for workout, penalty in zip(done_newest_first, RECENCY_PENALTIES, strict=False):
        for slug in workout.exercise_slugs:
            penalties[slug] += penalty
    same = next((w for w in done_newest_first if w.focus == focus), None)
    if same is not None:
        for slug in same.exercise_slugs:
            penalties[slug] += SAME_FOCUS_PENALTY
    return dict(penalties)


@lru_cache(maxsize=4096)
def _tiebreak(slug: str) -> int:
    # Stable across runs (unlike hash()); spreads choices instead of alphabetical order.
    return zlib.crc32(slug.encode())


def _fits(
    exercise: CatalogueExercise,
    muscles: frozenset[Muscle],
    avoid: frozenset[Muscle],
) -> bool:
    primary = frozenset(exercise.primary_muscles) - rules.STABILISER_MUSCLES
    return primary <= muscles and primary.isdisjoint(avoid)


def _pick(
    ctx: _Context,
    pattern: PatternSlot,
    used: set[str],
    *,
    only: Callable[[CatalogueExercise], bool] | None = None,
    pool: Sequence[_Candidate] | None = None,
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


def _contribution(exercise: CatalogueExercise) -> tuple[tuple[Muscle, float], ...]:
    """Hard sets one set of the exercise adds per muscle (indirect work counts half)."""
    kind = kind_of(exercise)
    if kind is Kind.CONDITIONING:
        return ()  # metabolic intervals, not hard sets
    primary = tuple((m, 1.0) for m in exercise.primary_muscles)
    if kind is Kind.CORE:
        return primary  # the glutes in a plank hold still: no hard set for them
    return primary + tuple((m, rules.INDIRECT_SET_WEIGHT) for m in exercise.secondary_muscles)


def _set_range(ctx: _Context, draft: _Draft) -> tuple[int, int]:
    if draft.kind is Kind.CONDITIONING:
        return CONDITIONING_ROUNDS, CONDITIONING_ROUNDS
    return ctx.scheme.sets


def _set_seconds(ctx: _Context, draft: _Draft) -> float:
    reps = _reps(ctx, draft)
    work = (reps[0] + reps[1]) / 2
    if not draft.exercise.is_timed:
        work *= SECONDS_PER_REP
    return work + _rest(ctx, draft)


def _minutes(ctx: _Context, drafts: Iterable[_Draft]) -> float:
    seconds = sum(d.sets * _set_seconds(ctx, d) for d in drafts)
    return WARMUP_ESTIMATE_MIN + seconds / 60


# --- fitting the session to its volume and time budget --------------------------------
# Per-session share of the weekly range: floor = weekly minimum / sessions that train the
# muscle, cap = weekly maximum / the same. A greedy local search moves one set (or one
# exercise) at a time while that lowers the penalty below; weights say what gives way
# first: a major muscle under its floor, then a muscle over its cap, then the clock.
# Per missing hard set of a major muscle: below the weekly minimum's share, and a little
# for the half-set margin above it (FLOOR_MARGIN).
UNDER_FLOOR_PENALTY = 1.0
UNDER_MINIMUM_PENALTY = 4.0
OVER_CAP_PENALTY = 3.0  # per hard set over the share of the weekly ceiling
# Up to 1.5 sets a week over the ceiling are tolerated when the floors need them (glutes
# are primary in every squat, lunge and hinge); past that the penalty is prohibitive.
WEEKLY_OVERSHOOT = 1.5
PAST_LIMIT_VOLUME_PENALTY = 12.0
OVER_TIME_PENALTY = 0.5  # per minute past 60 ("about 45-60 minutes")
HARD_TIME_LIMIT_MIN = 70.0
PAST_LIMIT_PENALTY = 10.0  # per minute past 70: never worth it
SHORT_SESSION_MIN = 45.0
SHORT_SESSION_PENALTY = 0.3  # per minute under 45: fill with useful sets if nothing else
EXTRA_EXERCISE_PENALTY = 0.5  # prefer the blueprint's exercises to added ones
# Each exercise costs a little: three sets of one push-up beat three push-up variants.
EXERCISE_COST = 1.0
# An exercise done last time weighs 8 x 0.1 = 0.8 against being chosen again.
RECENCY_WEIGHT = 0.1
COMPOUND_VALUE = 2.5  # multi-joint lifts before machines' single-joint fillers
INDIRECT_SLACK = 0.5
# Aim half a set over the weekly minimum's share: a session that falls short where the
# catalogue is thin is then covered by the others.
FLOOR_MARGIN = 0.5
# Extra candidates per major muscle: two multi-joint exercises, one single-joint one.
EXTRA_KINDS = (True, True, False)
CORE_EXTRAS = 2
START_EXERCISES = 1
REPAIR_CANDIDATES = 2
# Sort keys of exercises that come from outside the blueprint: after its slots.
_EXTRA_ORDER = 100
_LAST_ORDER = 1000


@dataclass(slots=True)
class _Option:
    draft: _Draft
    low: int
    high: int
    seconds: float  # one set, with its rest
    contribution: tuple[tuple[int, float], ...]  # (muscle index, hard sets per set)
    required: bool  # the opening lift stays
    value: float  # of having the exercise at all: multi-joint +, added by the search -


_MUSCLES = tuple(Muscle)
_INDEX = {m: i for i, m in enumerate(_MUSCLES)}


@dataclass(slots=True)
class _Fit:
    floor: list[float]  # 0 where no floor applies
    cap: list[float]  # inf where no cap applies
    limit: list[float]  # cap + the overshoot tolerated to reach the floors
    base_seconds: float  # warm-up and fixed blocks (conditioning)
    volume: list[float]
    seconds: float
    count: int
    time_now: float = 0.0  # time_cost(seconds), kept up to date by apply()

    def time_cost(self, seconds: float) -> float:
        minutes = (self.base_seconds + seconds) / 60
        cost = 0.0
        if minutes > MAX_SESSION_MIN:
            cost += OVER_TIME_PENALTY * (minutes - MAX_SESSION_MIN)
            if minutes > HARD_TIME_LIMIT_MIN:
                cost += PAST_LIMIT_PENALTY * (minutes - HARD_TIME_LIMIT_MIN)
        elif minutes < SHORT_SESSION_MIN:
            cost += SHORT_SESSION_PENALTY * (SHORT_SESSION_MIN - minutes)
        return cost

    def delta(self, option: _Option, change: int) -> float:
        """Change of the penalty if `option` gets `change` more sets."""
        return self.muscle_delta(option, change) + self.time_delta(option, change)

    def time_delta(self, option: _Option, change: int) -> float:
        return self.time_cost(self.seconds + option.seconds * change) - self.time_now

    def muscle_delta(self, option: _Option, change: int) -> float:
        cost = 0.0
        floor, cap, limit, volume = self.floor, self.cap, self.limit, self.volume
        for index, share in option.contribution:
            before = volume[index]
            after = before + share * change
            low, high, top = floor[index], cap[index], limit[index]
            if before < low:
                cost -= UNDER_FLOOR_PENALTY * (low - before)
                if before < low - FLOOR_MARGIN:
                    cost -= UNDER_MINIMUM_PENALTY * (low - FLOOR_MARGIN - before)
            if after < low:
                cost += UNDER_FLOOR_PENALTY * (low - after)
                if after < low - FLOOR_MARGIN:
                    cost += UNDER_MINIMUM_PENALTY * (low - FLOOR_MARGIN - after)
            if before > high:
                cost -= OVER_CAP_PENALTY * (before - high)
                if before > top:
                    cost -= PAST_LIMIT_VOLUME_PENALTY * (before - top)
            if after > high:
                cost += OVER_CAP_PENALTY * (after - high)
                if after > top:
                    cost += PAST_LIMIT_VOLUME_PENALTY * (after - top)
        return cost

    def apply(self, option: _Option, change: int) -> None:
        for index, share in option.contribution:
            self.volume[index] += share * change
        self.seconds += option.seconds * change
        self.time_now = self.time_cost(self.seconds)


def _session_fit(ctx: _Context, base_seconds: float) -> _Fit:
    """Per-session volume targets from the weekly range. A muscle trained directly on
    `direct` days and loaded only indirectly on `indirect` days (shoulders on a pull day)
    gets the indirect days' expected share set aside: about half the sets of two
    exercises. The floor never exceeds the cap: the indirect work makes up the week."""
    low, high = rules.weekly_hard_sets(ctx.level, ctx.profile.age)
    direct, indirect = weekly_focus_counts(ctx.profile)
    expected_indirect = rules.INDIRECT_SET_WEIGHT * 2 * sum(ctx.scheme.sets) / 2
    today_indirect = rules.FOCUS_INDIRECT_MUSCLES.get(ctx.slot.focus, frozenset())
    ceiling = float(high)
    floor = [0.0] * len(_MUSCLES)
    cap = [math.inf] * len(_MUSCLES)
    sessions = [1] * len(_MUSCLES)  # sessions sharing the muscle's weekly overshoot
    for muscle, index in _INDEX.items():
        if muscle in rules.STABILISER_MUSCLES:
            continue
        if muscle in ctx.slot.muscles and direct[muscle]:
            share = ceiling - expected_indirect * indirect[muscle]
            cap[index] = max(share, expected_indirect) / direct[muscle]
            sessions[index] = direct[muscle]
        elif muscle in today_indirect:
            cap[index] = expected_indirect + INDIRECT_SLACK
        else:
            # Not today's muscle: stray indirect work (shoulders in a Pallof press on leg
            # day) only adds to the week.
            cap[index] = 0.0
        trained_today = muscle in ctx.slot.muscles and muscle not in ctx.slot.avoid_muscles
        if muscle in rules.MAJOR_MUSCLES and trained_today and direct[muscle]:
            floor[index] = min(low / direct[muscle] + FLOOR_MARGIN, cap[index])
    limit = [c + WEEKLY_OVERSHOOT / sessions[i] for i, c in enumerate(cap)]
    fit = _Fit(floor, cap, limit, base_seconds, [0.0] * len(_MUSCLES), 0.0, 0)
    fit.time_now = fit.time_cost(0.0)
    return fit


def _option(ctx: _Context, fit: _Fit, draft: _Draft, *, required: bool, extra: bool) -> _Option:
    low, high = _set_range(ctx, draft)
    # Muscles without a floor or a cap today cannot change the penalty: left out.
    contribution = tuple(
        (_INDEX[m], share)
        for m, share in _contribution(draft.exercise)
        if fit.floor[_INDEX[m]] > 0 or fit.cap[_INDEX[m]] < math.inf
    )
    value = -EXERCISE_COST - (EXTRA_EXERCISE_PENALTY if extra else 0.0)
    value -= RECENCY_WEIGHT * ctx.recency.get(draft.exercise.slug, 0.0)
    if draft.kind is Kind.COMPOUND:
        value += COMPOUND_VALUE
    return _Option(draft, low, high, _set_seconds(ctx, draft), contribution, required, value)


def _single_moves(option: _Option, fit: _Fit, min_count: int, max_count: int) -> list[int]:
    sets = option.draft.sets
    if sets == 0:
        return [option.low] if fit.count < max_count else []
    moves = []
    if sets < option.high:
        moves.append(1)
    if sets > option.low:
        moves.append(-1)
    elif not option.required and fit.count > min_count:
        moves.append(-sets)
    return moves


def _move_cost(option: _Option, fit: _Fit, change: int) -> float:
    cost = fit.delta(option, change)
    sets = option.draft.sets
    if sets + change == 0:  # dropped
        cost += option.value
    elif sets == 0:  # added
        cost -= option.value
    return cost


def _commit(option: _Option, fit: _Fit, change: int) -> None:
    was = option.draft.sets
    option.draft.sets += change
    fit.apply(option, change)
    fit.count += (option.draft.sets > 0) - (was > 0)


def _optimise(options: list[_Option], fit: _Fit, min_count: int, max_count: int) -> None:
    """Greedy best-improvement: +1 set, -1 set, drop or add an exercise; when no single
    move helps, swap one exercise for another. Deterministic (first best wins)."""
    # The muscle part of a move's cost only changes when a move touches one of the same
    # muscles: cached per option and change, dropped when a shared muscle moves.
    touches = [frozenset(i for i, _ in o.contribution) for o in options]
    cache: list[dict[int, float]] = [{} for _ in options]
    while True:
        best: tuple[float, int, int] | None = None
        for position, option in enumerate(options):
            sets = option.draft.sets
            for change in _single_moves(option, fit, min_count, max_count):
                muscles = cache[position].get(change)
                if muscles is None:
                    muscles = cache[position][change] = fit.muscle_delta(option, change)
                cost = muscles + fit.time_delta(option, change)
                if sets + change == 0:
                    cost += option.value
                elif sets == 0:
                    cost -= option.value
                if cost < -1e-9 and (best is None or cost < best[0] - 1e-9):
                    best = (cost, position, change)
        if best is not None:
            _, position, change = best
            _commit(options[position], fit, change)
            moved = touches[position]
            for other, touched in enumerate(touches):
                if touched & moved:
                    cache[other].clear()
            continue
        if not _best_swap(options, fit) and not _merge_twins(options, fit):
            return
        for entry in cache:
            entry.clear()


def _merge_twins(options: list[_Option], fit: _Fit) -> bool:
    """Two exercises for the same muscles at low sets (two pull-up variants at 2 sets)
    become one at more sets when that costs nothing: the freed slot can take an exercise
    for a muscle still short of its floor."""
    included = [o for o in options if o.draft.sets]
    for keep, drop in itertools.combinations(included, 2):
        same = keep.draft.exercise.primary_muscles == drop.draft.exercise.primary_muscles
        if not same or drop.required:
            continue
        moved = min(drop.draft.sets, keep.high - keep.draft.sets)
        if moved < drop.draft.sets:
            continue
        if all(v >= f for v, f in zip(fit.volume, fit.floor, strict=True)):
            return False  # no muscle waits for the freed slot
        cost = fit.delta(drop, -moved)
        fit.apply(drop, -moved)
        cost += fit.delta(keep, moved)
        fit.apply(drop, moved)
        if cost <= 1e-9:
            _commit(drop, fit, -moved)
            _commit(keep, fit, moved)
            return True
    return False


def _total_cost(options: list[_Option], fit: _Fit) -> float:
    cost = fit.time_now - sum(o.value for o in options if o.draft.sets)
    for index, value in enumerate(fit.volume):
        if value < fit.floor[index]:
            cost += UNDER_FLOOR_PENALTY * (fit.floor[index] - value)
            if value < fit.floor[index] - FLOOR_MARGIN:
                cost += UNDER_MINIMUM_PENALTY * (fit.floor[index] - FLOOR_MARGIN - value)
        if value > fit.cap[index]:
            cost += OVER_CAP_PENALTY * (value - fit.cap[index])
            if value > fit.limit[index]:
                cost += PAST_LIMIT_VOLUME_PENALTY * (value - fit.limit[index])
    return cost


def _repair(options: list[_Option], fit: _Fit, min_count: int, max_count: int) -> None:
    """A muscle still short of its floor after the search: try each exercise in its
    place for one that trains the muscle, search again from there, keep the best."""
    # Only a real shortfall (below the weekly minimum's share, not just the margin).
    short = [i for i, v in enumerate(fit.volume) if v < fit.floor[i] - FLOOR_MARGIN - 1e-9]
    if not short:
        return
    muscle = max(short, key=lambda i: fit.floor[i] - fit.volume[i])

    def trains(option: _Option) -> bool:
        return any(i == muscle for i, _ in option.contribution)

    joining = [o for o in options if not o.draft.sets and trains(o)][:REPAIR_CANDIDATES]
    # The exercises whose sets do least for the floors are the ones worth giving up.
    leaving = sorted(
        (o for o in options if o.draft.sets and not o.required and not trains(o)),
        key=lambda o: sum(share for i, share in o.contribution if fit.floor[i]),
    )[:REPAIR_CANDIDATES]
    best_cost = _total_cost(options, fit)
    best_state = _snapshot(options, fit)
    start = best_state
    for out, into in itertools.product(leaving, joining):
        _restore(options, fit, start)
        _commit(out, fit, -out.draft.sets)
        _commit(into, fit, into.low)
        _optimise(options, fit, min_count, max_count)
        cost = _total_cost(options, fit)
        if cost < best_cost - 1e-9:
            best_cost, best_state = cost, _snapshot(options, fit)
    _restore(options, fit, best_state)


_State = tuple[list[int], list[float], float, int, float]


def _snapshot(options: list[_Option], fit: _Fit) -> _State:
    return [o.draft.sets for o in options], fit.volume[:], fit.seconds, fit.count, fit.time_now


def _restore(options: list[_Option], fit: _Fit, state: _State) -> None:
    sets, volume, fit.seconds, fit.count, fit.time_now = state
    for option, count in zip(options, sets, strict=True):
        option.draft.sets = count
    fit.volume = volume[:]


def _ensure_minimum(options: list[_Option], fit: _Fit, min_count: int) -> None:
    """Four exercises at least, even when the volume targets are met with fewer."""
    while fit.count < min_count:
        unused = [(_move_cost(o, fit, o.low), i) for i, o in enumerate(options) if not o.draft.sets]
        if not unused:
            return
        _, position = min(unused)
        _commit(options[position], fit, options[position].low)


def _best_swap(options: list[_Option], fit: _Fit) -> bool:
    """Replace one exercise by an unused one when that lowers the penalty."""
    unused = [(p, o) for p, o in enumerate(options) if not o.draft.sets]
    if not unused:
        return False
    touches = {p: frozenset(i for i, _ in o.contribution) for p, o in enumerate(options)}
    # Muscle part of adding each unused exercise now; recomputed only where it shares a
    # muscle with the exercise leaving.
    adding = {p: fit.muscle_delta(o, o.low) for p, o in unused}
    best: tuple[float, int, int] | None = None
    for out_pos, leaving in enumerate(options):
        if leaving.draft.sets == 0 or leaving.required:
            continue
        removed = leaving.draft.sets
        cost_out = fit.muscle_delta(leaving, -removed) + leaving.value
        fit.apply(leaving, -removed)
        for in_pos, joining in unused:
            if touches[in_pos] & touches[out_pos]:
                muscles = fit.muscle_delta(joining, joining.low)
            else:
                muscles = adding[in_pos]
            seconds = fit.seconds + joining.seconds * joining.low
            cost = cost_out + muscles - joining.value + fit.time_cost(seconds)
            if best is None or cost < best[0]:
                best = (cost, out_pos, in_pos)
        fit.apply(leaving, removed)
    if best is None or best[0] - fit.time_now >= -1e-9:
        return False
    _, out_pos, in_pos = best
    _commit(options[out_pos], fit, -options[out_pos].draft.sets)
    _commit(options[in_pos], fit, options[in_pos].low)
    return True


def _hard_session(ctx: _Context) -> list[_Draft]:
    low_count, strength_max = rules.EXERCISES_PER_SESSION
    drafts: list[_Draft] = []
    spare: list[_Draft] = []  # blueprint slots past the exercise limit: optional
    used: set[str] = set()
    for order, pattern in enumerate(ctx.slot.patterns):
        exercise = None
        if not drafts and ctx.heavy_day:
            # Heavy 4-6 work belongs on a barbell; without one the day has no heavy lift.
            exercise = _pick(ctx, pattern, used, only=_is_barbell)
        exercise = exercise or _pick(ctx, pattern, used)
        if exercise is not None:
            used.add(exercise.slug)
            target = drafts if len(drafts) < strength_max else spare
            target.append(_Draft(exercise, 0, order))
    _fill_to_minimum(ctx, drafts, used, low_count)
    drafts.sort(key=_session_order)
    if ctx.heavy_day and drafts and drafts[0].kind is Kind.COMPOUND:
        drafts[0].heavy = _is_barbell(drafts[0].exercise)
    # Candidates the search may add: a multi-joint and a single-joint exercise for each
    # major muscle the blueprint may leave short, more trunk work for a short session.
    extras: list[_Draft] = list(spare)
    wanted: list[tuple[PatternSlot, Sequence[_Candidate] | None, bool]] = []
    for muscle in sorted(rules.MAJOR_MUSCLES & ctx.slot.muscles):
        by_muscle = ctx.index.by_muscle.get(muscle, [])
        wanted += [(PatternSlot((), muscle), by_muscle, c) for c in EXTRA_KINDS]
    wanted += [(PatternSlot((Movement.CORE,)), None, False)] * CORE_EXTRAS
    for pattern, pool, compound in wanted:
        exercise = _pick(ctx, pattern, used, pool=pool, only=_kind_filter(compound))
        if exercise is not None:
            used.add(exercise.slug)
            extras.append(_Draft(exercise, 0, _EXTRA_ORDER + len(extras)))
    finisher: _Draft | None = None
    if ctx.conditioning_day:
        # Intervals need a timed drill (a bike, a rower, mountain climbers).
        drills = PatternSlot((Movement.CONDITIONING,))
        exercise = _pick(ctx, drills, used, only=lambda e: e.is_timed) or _pick(ctx, drills, used)
        if exercise is not None:
            finisher = _Draft(exercise, CONDITIONING_ROUNDS, _LAST_ORDER)
    base = WARMUP_ESTIMATE_MIN * 60 + (
        finisher.sets * _set_seconds(ctx, finisher) if finisher else 0.0
    )
    fit = _session_fit(ctx, base)
    options = []
    for index, draft in enumerate(drafts):
        # Built up from the opening lift: each step adds the set or exercise that helps
        # most, so a congested muscle steers the choice early (a leg curl, not a lunge).
        draft.sets = _set_range(ctx, draft)[0] if index < START_EXERCISES else 0
        options.append(_option(ctx, fit, draft, required=draft.heavy, extra=False))
    options += [_option(ctx, fit, d, required=False, extra=True) for d in extras]
    for option in options:
        if option.draft.sets:
            fit.apply(option, option.draft.sets)
            fit.count += 1
    _optimise(options, fit, low_count, strength_max)
    _repair(options, fit, low_count, strength_max)
    _ensure_minimum(options, fit, low_count)
    chosen = [o.draft for o in options if o.draft.sets > 0]
    openers = [d for d in drafts if _opens_session(d)]
    if openers and not any(_opens_session(d) for d in chosen):
        # The search let go of every big lift: bring the blueprint's first one back.
        openers[0].sets = _set_range(ctx, openers[0])[0]
        chosen.append(openers[0])
    chosen.sort(key=_session_order)
    # The intervals take the last exercise slot if one is free; otherwise the plan says
    # "10-15 min of cardio" in words (see generate_fallback_workout).
    if finisher is not None and len(chosen) < strength_max:
        chosen.append(finisher)
    _stretch_rests(ctx, chosen)
    return chosen


def _kind_filter(compound: bool) -> Callable[[CatalogueExercise], bool]:
    return lambda exercise: exercise.is_compound is compound


def _is_barbell(exercise: CatalogueExercise) -> bool:
    return exercise.equipment is Equipment.BARBELL


def _opens_session(draft: _Draft) -> bool:
    large = not rules.LARGE_MUSCLES.isdisjoint(draft.exercise.primary_muscles)
    return draft.kind is Kind.COMPOUND and large


def _session_order(draft: _Draft) -> tuple[int, bool, bool, int]:
    """Heavy first, multi-joint before single-joint before trunk and intervals, large
    muscles before small ones, then the blueprint's order."""
    return (draft.kind, not draft.heavy, not _opens_session(draft), draft.order)


def _stretch_rests(ctx: _Context, drafts: list[_Draft]) -> None:
    """A short session (a beginner's low weekly volume) gets the longer end of the
    table's rest range instead of extra sets: fuller recovery between sets."""
    high = ctx.scheme.rest_compound_s[1]
    minutes = _minutes(ctx, drafts)
    for draft in drafts:
        if draft.kind is not Kind.COMPOUND or draft.heavy:
            continue
        rest = _rest(ctx, draft)
        while minutes < SHORT_SESSION_MIN and rest + REST_STEP_S <= high:
            rest += REST_STEP_S
            draft.rest_override = rest
            minutes += draft.sets * REST_STEP_S / 60


def _fill_to_minimum(ctx: _Context, drafts: list[_Draft], used: set[str], minimum: int) -> None:
    """A thin catalogue (home, beginner) may leave slots empty: add whatever fits the
    focus, trunk work first, so the session still has four exercises."""
    fillers = (
        PatternSlot((Movement.CORE,)),
        *BLUEPRINTS[ctx.slot.focus],
        PatternSlot(tuple(m for m in Movement if m is not Movement.CONDITIONING)),
    )
    for pattern in fillers:
        if len(drafts) >= minimum:
            return
        exercise = _pick(ctx, pattern, used)
        if exercise is None:
            continue
        used.add(exercise.slug)
        drafts.append(_Draft(exercise, 0, _EXTRA_ORDER + len(drafts)))


def _light_session(ctx: _Context) -> list[_Draft]:
    """Easy bodyweight work: trunk, hips, an easy squat or push; beginner-level, low
    impact, preferring muscles that were not trained hard yesterday."""
    low, high = rules.LIGHT_DAY_EXERCISES
    pool = [
        e
        for e in ctx.allowed
        if e.equipment in LIGHT_PATTERN_EQUIPMENT
        and e.level is FitnessLevel.BEGINNER
        and not e.is_high_impact
        and (e.movement is not Movement.CONDITIONING or is_mobility_drill(e))
    ]
    if len(pool) < low:
        pool = [e for e in ctx.allowed if e.equipment in HOME_EQUIPMENT] or list(ctx.allowed)
    rested = [e for e in pool if _fits(e, frozenset(Muscle), ctx.slot.avoid_muscles)]
    light = replace(ctx, slot=_with_muscles(ctx.slot, frozenset(Muscle), frozenset()))
    light.index = _Index({}, {})
    anything = PatternSlot(tuple(Movement))
    drafts: list[_Draft] = []
    used: set[str] = set()
    for candidates in (rested, pool):
        light.index = light.indexed(candidates)
        for order, pattern in enumerate((*ctx.slot.patterns, anything, anything)):
            if len(drafts) >= (high if order < len(ctx.slot.patterns) else low):
                break
            exercise = _pick(light, pattern, used)
            if exercise is not None:
                used.add(exercise.slug)
                drafts.append(_Draft(exercise, rules.LIGHT_DAY_SETS, order))
        if len(drafts) >= low:
            break
    drafts.sort(key=lambda d: (d.kind, d.order))
    return drafts


def _with_muscles(
    slot: SessionSlot, muscles: frozenset[Muscle], avoid: frozenset[Muscle]
) -> SessionSlot:
    return SessionSlot(
        focus=slot.focus,
        title=slot.title,
        rationale=slot.rationale,
        patterns=slot.patterns,
        muscles=muscles,
        avoid_muscles=avoid,
        week_position=slot.week_position,
        hard_sessions_per_week=slot.hard_sessions_per_week,
    )


# --- sets, reps, rest, notes ----------------------------------------------------------


def _round_rest(seconds: float) -> int:
    return int(round(seconds / 15) * 15)


def _rest(ctx: _Context, draft: _Draft) -> int:
    if draft.rest_override:
        return draft.rest_override
    if not ctx.slot.is_hard:
        return rules.LIGHT_DAY_REST_S
    kind = draft.kind
    if kind is Kind.CONDITIONING:
        return CONDITIONING_REST_S
    if kind is Kind.CORE:
        return min(CORE_REST_S, ctx.scheme.rest_isolation_s[1])
    if draft.heavy:
        return rules.HEAVY_REST_S[0]
    if kind is Kind.COMPOUND:
        # The middle of the range, but not past 2 min: enough to recover for 6-12 reps
        # and keeps a full session near an hour.
        low, high = ctx.scheme.rest_compound_s
        return min(_round_rest((low + high) / 2), max(low, COMPOUND_REST_CAP_S))
    low, high = ctx.scheme.rest_isolation_s
    # Long isolation ranges start at a full minute: enough for a curl or a raise.
    return low if low >= 60 else _round_rest((low + high) / 2)


def _reps(ctx: _Context, draft: _Draft) -> tuple[int, int]:
    exercise = draft.exercise
    if not ctx.slot.is_hard:
        return rules.LIGHT_DAY_SECONDS if exercise.is_timed else rules.LIGHT_DAY_REPS
    if draft.kind is Kind.CONDITIONING:
        return CONDITIONING_SECONDS if exercise.is_timed else CONDITIONING_REPS
    if exercise.is_timed:
        return rules.TIMED_SECONDS[ctx.level]
    if draft.kind is Kind.CORE:
        reps = rules.CORE_REPS
    elif draft.heavy:
        reps = rules.HEAVY_REPS
    else:
        reps = ctx.scheme.reps
    if ctx.profile.is_minor:
        reps = (max(reps[0], rules.MINOR_MIN_REPS), max(reps[1], rules.MINOR_MIN_REPS))
    return reps


def _effort_note(ctx: _Context, draft: _Draft) -> str:
    low, high = ctx.rir
    if draft.kind is Kind.CONDITIONING:
        return "Интервалы: работа в ровном темпе, отдых между раундами по таймеру."
    if draft.exercise.is_timed:
        return "Держи позицию без рывков, дыхание ровное."
    return f"Оставляй {low}–{high} повтора в запасе."


NOTES_LIMIT = 300  # PlannedExercise.notes


def _join_note(*parts: str) -> str:
    """The parts that fit the notes limit, in order of importance."""
    note = ""
    for part in filter(None, parts):
        joined = f"{note} {part}" if note else part
        if len(joined) <= NOTES_LIMIT:
            note = joined
    return note or parts[0][:NOTES_LIMIT]


def _plan_hard(ctx: _Context, draft: _Draft) -> PlannedExercise:
    reps = _reps(ctx, draft)
    suggestion = suggest_weight(draft.exercise, ctx.profile, reps=reps, reps_in_reserve=ctx.rir)
    weight = suggestion.weight_kg
    if rules.is_child(ctx.profile.age):
        weight = None
    heavy = "Тяжёлая работа: техника прежде всего." if draft.heavy else ""
    return PlannedExercise(
        slug=draft.exercise.slug,
        sets=draft.sets,
        reps_min=reps[0],
        reps_max=reps[1],
        weight_kg=weight,
        rest_seconds=_rest(ctx, draft),
        notes=_join_note(suggestion.note, _effort_note(ctx, draft), heavy),
    )


def _plan_light(ctx: _Context, draft: _Draft) -> PlannedExercise:
    reps = _reps(ctx, draft)
    low, high = rules.LIGHT_DAY_REPS_IN_RESERVE
    if draft.exercise.is_timed:
        effort = "Легко и спокойно: заканчивай задолго до усталости, дыши ровно."
    else:
        effort = f"Легко и спокойно: в запасе {low}–{high} повторов, без напряжения."
    note = f"{effort} Задача — разогнать кровь и размять суставы."
    return PlannedExercise(
        slug=draft.exercise.slug,
        sets=draft.sets,
        reps_min=reps[0],
        reps_max=reps[1],
        weight_kg=None,
        rest_seconds=_rest(ctx, draft),
        notes=note,
    )


# --- texts ----------------------------------------------------------------------------

_GENERAL_WARMUP_GYM = (
    "5–7 минут лёгкого кардио (дорожка, велотренажёр или эллипс) в темпе, при котором "
    "можно разговаривать. Затем суставная разминка: круги плечами и тазом, наклоны, "
    "10 махов каждой ногой."
)
_GENERAL_WARMUP_HOME = (
    "5–7 минут: бодрая ходьба на месте, круги руками и плечами, наклоны и вращения "
    "тазом, 10 махов каждой ногой, 10 приседаний без веса."
)
_LIGHT_WARMUP = (
    "8–10 минут мобильности: ходьба на месте, «кошка-корова» 10 раз, круги тазом, "
    "выпад с поворотом корпуса по 5 на сторону, «червяк» 5 раз, круги руками. "
    "Всё плавно, без боли."
)
_CHILD_NOTE = "Занимайся вместе со взрослым или тренером: они подстрахуют и подскажут по технике."
_CARDIO_FINISHER = (
    "В конце — 10–15 минут кардио в ровном темпе (велотренажёр, эллипс или быстрая ходьба)."
)
_HEAVY_NOTE = (
    "Первое базовое упражнение — тяжёлое, на 4–6 повторов с долгим отдыхом; "
    "остальные — в диапазоне 6–12."
)
_GOAL_NOTES = {
    Goal.MASS_GAIN: "Для роста мышц — рабочие подходы с запасом в пару повторов и полный отдых.",
    Goal.WEIGHT_LOSS: "Отдых короче обычного: пульс держится выше, а техника остаётся чистой.",
    Goal.MAINTENANCE: "Для поддержания формы — умеренный объём и чистая техника.",
}
_MINOR_GOAL_NOTES = {
    Goal.WEIGHT_LOSS: "Главное — регулярность и активность: короткий отдых держит темп.",
}
_LOW_IMPACT_NOTE = "Упражнения без прыжков — бережно для суставов."


def _format_kg(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")


def _warmup(ctx: _Context, drafts: Sequence[_Draft], planned: Sequence[PlannedExercise]) -> str:
    if not ctx.slot.is_hard:
        text = _LIGHT_WARMUP
    else:
        general = _GENERAL_WARMUP_GYM if ctx.gym else _GENERAL_WARMUP_HOME
        text = f"{general} {_specific_warmup(drafts, planned)}"
    if rules.is_child(ctx.profile.age):
        text = f"{text} {_CHILD_NOTE}"
    return text[:800]


def _specific_warmup(drafts: Sequence[_Draft], planned: Sequence[PlannedExercise]) -> str:
    for draft, plan in zip(drafts, planned, strict=True):
        if draft.kind is not Kind.COMPOUND:
            continue
        name = draft.exercise.name
        if plan.weight_kg is not None:
            light = warmup_weight(draft.exercise, plan.weight_kg)
            load = f"~50% рабочего веса, около {_format_kg(light)} кг"
            if draft.exercise.equipment is Equipment.DUMBBELL:
                load += " на гантель"
            return (
                f"Перед рабочими подходами «{name}»: 1–2 лёгких подхода по 8–10 повторов ({load})."
            )
        return (
            f"Перед рабочими подходами «{name}»: 1–2 лёгких подхода по 6–8 повторов "
            "в облегчённом варианте — примерно вполсилы (~50% усилия)."
        )
    return "Перед первым упражнением: 1–2 лёгких подхода вполсилы (~50% усилия)."


def _rationale(ctx: _Context, drafts: Sequence[_Draft], extra: str | None) -> str:
    parts = [ctx.slot.rationale]
    if ctx.slot.is_hard:
        notes = _MINOR_GOAL_NOTES if ctx.profile.is_minor else _GOAL_NOTES
        heavy = any(d.heavy for d in drafts)
        parts.append(_HEAVY_NOTE if heavy else notes.get(ctx.goal, _GOAL_NOTES[ctx.goal]))
    if extra:
        parts.append(extra)
    if ctx.profile.bmi >= rules.LOW_IMPACT_BMI:
        parts.append(_LOW_IMPACT_NOTE)
    text = parts[0]
    for part in parts[1:]:
        if len(text) + 1 + len(part) <= 500:
            text = f"{text} {part}"
    return text
