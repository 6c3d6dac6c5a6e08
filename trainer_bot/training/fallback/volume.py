"""Fitting a session to its volume and time budget: how many sets of which exercises.

The weekly hard sets per muscle (training.md) are shared out over the sessions of the
week that train the muscle; a small greedy local search then adds and removes sets and
exercises while that lowers a penalty for missing volume, excess volume and time past
the ~45-60 minutes, within 4-7 exercises.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.db.enums import Muscle
from trainer_bot.training import rules
from trainer_bot.training.fallback.context import Context, Draft, Kind, kind_of
from trainer_bot.training.fallback.prescription import set_range, set_seconds
from trainer_bot.training.fallback.shape import PULL, PUSH, PUSH_PULL_RATIO
from trainer_bot.training.rules_check.limits import BALANCED_FOCI
from trainer_bot.training.split import weekly_focus_counts

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
MAX_SESSION_MIN = float(rules.SESSION_MINUTES[1])
SHORT_SESSION_PENALTY = 0.3  # per minute under 45: fill with useful sets if nothing else
EXTRA_EXERCISE_PENALTY = 0.5  # prefer the blueprint's exercises to added ones
# Each exercise costs a little: three sets of one push-up beat three push-up variants.
EXERCISE_COST = 1.0
# An exercise done last time weighs 8 x 0.1 = 0.8 against being chosen again.
RECENCY_WEIGHT = 0.1
COMPOUND_VALUE = 2.5  # multi-joint lifts before machines' single-joint fillers
INDIRECT_SLACK = 0.5
# Per pushing or pulling set past 1:1.5 on a full body or upper day. The balance is a
# rule of the session; left to a pass after the search it could only be restored by
# dropping a chest or back exercise, and the week then missed its minimum. Counted only
# once both sides have sets, so the search can open with either.
UNBALANCED_PENALTY = 6.0
# Aim half a set over the weekly minimum's share: a session that falls short where the
# catalogue is thin is then covered by the others.
FLOOR_MARGIN = 0.5
REPAIR_CANDIDATES = 2
# The rules check counts the weekly range over the 7 days ending with the new plan, with
# a margin of 1 set under the minimum and 2 over the ceiling. Today's session makes up
# what the six days before left short (aiming at the minimum itself: with FLOOR_MARGIN
# the shortfall penalty starts half a set under it), and stays under what they left of
# the ceiling; the past sets are the saved plans' own (`PastWorkout.exercise_sets`), or
# where a history does not carry them estimated at the bottom of each exercise's range
# (what the search starts from), so the ceiling keeps half a set in hand. Measured on the
# audit: margins of 0 or 1 under the minimum, 1 or 2 over the ceiling, did worse.
WEEKLY_MARGIN_LOW = 0.5
WEEKLY_MARGIN_HIGH = 1.5
# A bound on the search: swaps between near-equal states (exercises that must stay
# crowd the limit) could otherwise go round in circles. Real sessions need < 100.
MAX_SEARCH_STEPS = 400


def hard_set_contribution(exercise: CatalogueExercise) -> tuple[tuple[Muscle, float], ...]:
    """Hard sets one set of the exercise adds per muscle (indirect work counts half)."""
    kind = kind_of(exercise)
    if kind is Kind.CONDITIONING or exercise.is_drill:
        return ()  # metabolic intervals and drills, not hard sets
    primary = tuple((m, 1.0) for m in exercise.primary_muscles)
    if kind is Kind.CORE:
        return primary  # the glutes in a plank hold still: no hard set for them
    return primary + tuple((m, rules.INDIRECT_SET_WEIGHT) for m in exercise.secondary_muscles)


@dataclass(slots=True)
class Option:
    draft: Draft
    low: int
    high: int
    seconds: float  # one set, with its rest
    contribution: tuple[tuple[int, float], ...]  # (muscle index, hard sets per set)
    side: int  # +1 a pushing, -1 a pulling exercise, 0 neither
    required: bool  # the opening lift stays
    value: float  # of having the exercise at all: multi-joint +, added by the search -


_MUSCLES = tuple(Muscle)
_INDEX = {m: i for i, m in enumerate(_MUSCLES)}


@dataclass(slots=True)
class Fit:
    floor: list[float]  # 0 where no floor applies
    cap: list[float]  # inf where no cap applies
    limit: list[float]  # cap + the overshoot tolerated to reach the floors
    base_seconds: float  # warm-up and fixed blocks (conditioning)
    volume: list[float]
    seconds: float
    count: int
    time_now: float = 0.0  # time_cost(seconds), kept up to date by apply()
    balanced: bool = False  # pushing and pulling sets within 1:1.5 today
    push: float = 0.0
    pull: float = 0.0
    balance_now: float = 0.0  # balance_cost(push, pull), kept up to date by apply()

    def balance_cost(self, push: float, pull: float) -> float:
        if not self.balanced or not push or not pull:
            return 0.0
        excess = max(push, pull) - PUSH_PULL_RATIO * min(push, pull)
        return UNBALANCED_PENALTY * excess if excess > 1e-9 else 0.0

    def balance_delta(self, option: Option, change: int) -> float:
        if not option.side:
            return 0.0
        push, pull = self.push, self.pull
        if option.side > 0:
            push += change
        else:
            pull += change
        return self.balance_cost(push, pull) - self.balance_now

    def shape_now(self) -> float:
        """The part of the penalty no single muscle owns: the clock and the balance."""
        return self.time_now + self.balance_now

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

    def delta(self, option: Option, change: int) -> float:
        """Change of the penalty if `option` gets `change` more sets."""
        return (
            self.muscle_delta(option, change)
            + self.time_delta(option, change)
            + self.balance_delta(option, change)
        )

    def time_delta(self, option: Option, change: int) -> float:
        return self.time_cost(self.seconds + option.seconds * change) - self.time_now

    def muscle_delta(self, option: Option, change: int) -> float:
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

    def apply(self, option: Option, change: int) -> None:
        for index, share in option.contribution:
            self.volume[index] += share * change
        self.seconds += option.seconds * change
        self.time_now = self.time_cost(self.seconds)
        if option.side > 0:
            self.push += change
        elif option.side < 0:
            self.pull += change
        self.balance_now = self.balance_cost(self.push, self.pull)


def session_fit(ctx: Context, base_seconds: float) -> Fit:
    """Per-session volume targets from the weekly range. A muscle trained directly on
    `direct` days and loaded only indirectly on `indirect` days (shoulders on a pull day)
    gets the indirect days' expected share set aside: about half the sets of two
    exercises. The floor never exceeds the cap: the indirect work makes up the week."""
    # training.md's minimum, never under the check's capped one (see `week.window_targets`).
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
    past, full_week = window_volume(ctx)
    for muscle, index in _INDEX.items():
        if muscle in rules.STABILISER_MUSCLES:
            continue
        room = max(high + WEEKLY_MARGIN_HIGH - past[index], 0.0)
        limit[index] = min(limit[index], room)
        cap[index] = min(cap[index], limit[index])
        if floor[index] > 0 and full_week:
            short = low - WEEKLY_MARGIN_LOW - past[index] + FLOOR_MARGIN
            floor[index] = max(floor[index], min(short, limit[index]))
        if muscle in ctx.at_most:
            # The next session will need the room: today leaves it.
            limit[index] = min(limit[index], ctx.at_most[muscle])
            cap[index] = min(cap[index], limit[index])
        if muscle in ctx.at_least and muscle in ctx.slot.muscles:
            # The next session cannot make up this muscle: today carries more of it.
            floor[index] = max(floor[index], min(ctx.at_least[muscle], limit[index]))
    fit = Fit(floor, cap, limit, base_seconds, [0.0] * len(_MUSCLES), 0.0, 0)
    fit.balanced = ctx.slot.focus in BALANCED_FOCI
    fit.time_now = fit.time_cost(0.0)
    return fit


def window_volume(ctx: Context) -> tuple[list[float], bool]:
    """Hard sets per muscle of the six days before today (estimated), and whether they
    hold a full week of the split: the check's ceiling counts from the first session,
    its minimum only once a full week is there."""
    expected = rules.max_hard_sessions_per_week(
        ctx.profile.workouts_per_week, ctx.level, ctx.profile.age
    )
    by_slug = {e.slug: e for e in ctx.allowed}
    volume = [0.0] * len(_MUSCLES)
    for workout in ctx.window:
        for slug, planned in workout:
            exercise = by_slug.get(slug)
            if exercise is None:
                continue
            # The planned sets when the history carries them (saved workouts do), else
            # the bottom of the exercise's range (what the search starts from).
            sets = planned or set_range(ctx, Draft(exercise, 0, 0))[0]
            for muscle, share in hard_set_contribution(exercise):
                volume[_INDEX[muscle]] += share * sets
    return volume, len(ctx.window) >= expected - 1


def option_for(ctx: Context, fit: Fit, draft: Draft, *, required: bool, extra: bool) -> Option:
    low, high = set_range(ctx, draft)
    # Muscles without a floor or a cap today cannot change the penalty: left out.
    contribution = tuple(
        (_INDEX[m], share)
        for m, share in hard_set_contribution(draft.exercise)
        if fit.floor[_INDEX[m]] > 0 or fit.cap[_INDEX[m]] < math.inf
    )
    value = -EXERCISE_COST - (EXTRA_EXERCISE_PENALTY if extra else 0.0)
    value -= RECENCY_WEIGHT * ctx.recency.get(draft.exercise.slug, 0.0)
    if draft.kind is Kind.COMPOUND:
        value += COMPOUND_VALUE
    side = _side(draft.exercise)
    return Option(draft, low, high, set_seconds(ctx, draft), contribution, side, required, value)


def _side(exercise: CatalogueExercise) -> int:
    """Pushing (+1) or pulling (-1) sets, as the 1:1.5 balance counts them."""
    if exercise.is_drill:
        return 0
    return 1 if exercise.movement in PUSH else -1 if exercise.movement in PULL else 0


def _single_moves(option: Option, fit: Fit, min_count: int, max_count: int) -> list[int]:
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


def _move_cost(option: Option, fit: Fit, change: int) -> float:
    cost = fit.delta(option, change)
    sets = option.draft.sets
    if sets + change == 0:  # dropped
        cost += option.value
    elif sets == 0:  # added
        cost -= option.value
    return cost


def _commit(option: Option, fit: Fit, change: int) -> None:
    was = option.draft.sets
    option.draft.sets += change
    fit.apply(option, change)
    fit.count += (option.draft.sets > 0) - (was > 0)


def optimise(options: list[Option], fit: Fit, min_count: int, max_count: int) -> None:
    """Greedy best-improvement: +1 set, -1 set, drop or add an exercise; when no single
    move helps, swap one exercise for another. Deterministic (first best wins)."""
    # The muscle part of a move's cost only changes when a move touches one of the same
    # muscles: cached per option and change, dropped when a shared muscle moves.
    touches = [frozenset(i for i, _ in o.contribution) for o in options]
    cache: list[dict[int, float]] = [{} for _ in options]
    for _ in range(MAX_SEARCH_STEPS):
        best: tuple[float, int, int] | None = None
        for position, option in enumerate(options):
            sets = option.draft.sets
            for change in _single_moves(option, fit, min_count, max_count):
                muscles = cache[position].get(change)
                if muscles is None:
                    muscles = cache[position][change] = fit.muscle_delta(option, change)
                cost = muscles + fit.time_delta(option, change) + fit.balance_delta(option, change)
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


def _merge_twins(options: list[Option], fit: Fit) -> bool:
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


def _total_cost(options: list[Option], fit: Fit) -> float:
    cost = fit.shape_now() - sum(o.value for o in options if o.draft.sets)
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


def repair(options: list[Option], fit: Fit, min_count: int, max_count: int) -> None:
    """A muscle still short of its floor after the search: try each exercise in its
    place for one that trains the muscle, search again from there, keep the best."""
    # Only a real shortfall (below the weekly minimum's share, not just the margin).
    short = [i for i, v in enumerate(fit.volume) if v < fit.floor[i] - FLOOR_MARGIN - 1e-9]
    if not short:
        return
    muscle = max(short, key=lambda i: fit.floor[i] - fit.volume[i])

    def trains(option: Option) -> bool:
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
        optimise(options, fit, min_count, max_count)
        cost = _total_cost(options, fit)
        if cost < best_cost - 1e-9:
            best_cost, best_state = cost, _snapshot(options, fit)
    _restore(options, fit, best_state)


_State = tuple[list[int], list[float], float, int, float, float, float, float]


def _snapshot(options: list[Option], fit: Fit) -> _State:
    sets = [o.draft.sets for o in options]
    return (
        sets,
        fit.volume[:],
        fit.seconds,
        fit.count,
        fit.time_now,
        fit.push,
        fit.pull,
        fit.balance_now,
    )


def _restore(options: list[Option], fit: Fit, state: _State) -> None:
    sets, volume, fit.seconds, fit.count, fit.time_now = state[:5]
    fit.push, fit.pull, fit.balance_now = state[5:]
    for option, count in zip(options, sets, strict=True):
        option.draft.sets = count
    fit.volume = volume[:]


def ensure_minimum(options: list[Option], fit: Fit, min_count: int) -> None:
    """Four exercises at least, even when the volume targets are met with fewer."""
    while fit.count < min_count:
        unused = [(_move_cost(o, fit, o.low), i) for i, o in enumerate(options) if not o.draft.sets]
        if not unused:
            return
        _, position = min(unused)
        _commit(options[position], fit, options[position].low)


def _best_swap(options: list[Option], fit: Fit) -> bool:
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
            balance = fit.balance_now + fit.balance_delta(joining, joining.low)
            cost = cost_out + muscles - joining.value + fit.time_cost(seconds) + balance
            if best is None or cost < best[0]:
                best = (cost, out_pos, in_pos)
        fit.apply(leaving, removed)
    if best is None or best[0] - fit.shape_now() >= -1e-9:
        return False
    _, out_pos, in_pos = best
    _commit(options[out_pos], fit, -options[out_pos].draft.sets)
    _commit(options[in_pos], fit, options[in_pos].low)
    return True
