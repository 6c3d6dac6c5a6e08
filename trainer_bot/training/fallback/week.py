"""The week's hard sets, closed where the session search left them short.

The search (`volume`) aims each session at its share of the weekly range with soft
penalties, so a session that must make up for the days before (a thin home catalogue, or
weight loss at a fixed 3 sets an exercise) can stop short of the 7-day minimum. This
step looks at the same 7 days the rules check counts: the completed hard sessions of the
six days before today, with their planned sets (`PastWorkout.exercise_sets`), plus
today's session. While a major muscle is under the minimum (a full week only) or any
muscle is over the ceiling, it makes the change that shrinks the gaps most without
widening any: a set more or less within the goal's set range, an exercise (or a push and
a pull together) added, dropped or exchanged for one of the session's unused candidates.
When no single change helps, two: the first narrows the largest gap whatever it opens
(it may even tip the push/pull balance), the second closes what it opened. Every result
keeps the session's shape: 4-7 exercises, the title's muscle groups, pushing and pulling
within 1:1.5, one spine-loading lift, about an hour, the opening lift.

Targets are the check's own bounds (training.md's range with its documented margins of
1 set under the minimum and 2 over the ceiling): the search has already aimed inside the
range, this only closes what is left. Plus, from the look ahead
(`fallback.next_session_needs`), the least and the most today's session itself should
hold so that the next sessions can meet theirs. It runs on the few sessions that need it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence

from trainer_bot.db.enums import Muscle
from trainer_bot.training import rules
from trainer_bot.training.fallback.context import Context, Draft, Kind
from trainer_bot.training.fallback.prescription import session_minutes, set_range
from trainer_bot.training.fallback.shape import PULL, PUSH, PUSH_PULL_RATIO, needs
from trainer_bot.training.fallback.volume import hard_set_contribution, window_volume
from trainer_bot.training.rules_check.limits import (
    BALANCED_FOCI,
    WEEKLY_TOLERANCE_HIGH,
    WEEKLY_TOLERANCE_LOW,
)

MAX_MINUTES = 70.0  # "about 45-60 minutes"; the check stops at 75
MAX_STEPS = 12
# `two_changes`: first changes tried, single changes after each (bounds on the search).
FIRST_CHANGES = 8
SECOND_STEPS = 3
EPS = 1e-9
_MUSCLES = tuple(Muscle)
_STRENGTH = (Kind.COMPOUND, Kind.ISOLATION, Kind.CORE)

Keeps = Callable[[Sequence[Draft]], bool]


State = list[tuple[Draft, int]]  # the session's exercises with their sets


def close_week(
    ctx: Context,
    chosen: list[Draft],
    pool: Sequence[Draft],
    max_count: int,
    keeps: Keeps,
) -> None:
    """Change `chosen` in place until the 7 days ending today meet the weekly range, or
    no change brings them closer. `pool`: unused candidates of the session; `keeps`:
    what the session must keep whatever the change (its opening lift)."""
    week = _Week(ctx, *window_targets(ctx))
    state: State = [(d, d.sets) for d in chosen]
    gaps = week.gaps(state)
    if not any(gaps):
        return
    search = _Search(ctx, week, pool, max_count, keeps, chosen)
    state, gaps = search.descend(state, gaps)
    if any(gaps) and not ctx.ahead_only:
        state, gaps = search.two_changes(state, gaps)
    for draft, sets in state:
        draft.sets = sets
    chosen[:] = [draft for draft, _ in state]


class _Search:
    """Changes of one session toward the week's range, each keeping its shape."""

    def __init__(
        self,
        ctx: Context,
        week: _Week,
        pool: Sequence[Draft],
        max_count: int,
        keeps: Keeps,
        chosen: Sequence[Draft],
    ) -> None:
        self.ctx = ctx
        self.week = week
        self.pool = pool
        self.max_count = max_count
        self.keeps = keeps
        self.met = [need for need in needs(ctx) if any(need(d.exercise) for d in chosen)]

    def changes(self, state: State) -> list[Change]:
        return _changes(self.ctx, state, _unused(self.ctx, self.pool, state), self.max_count)

    def descend(
        self, state: State, gaps: list[float], steps: int = MAX_STEPS
    ) -> tuple[State, list[float]]:
        """Single changes that narrow the gaps and widen none, the best each time."""
        for _ in range(steps):
            best: tuple[float, State, list[float]] | None = None
            # A state tipped off the push/pull balance (see `two_changes`) takes a change
            # that restores it even when the gaps stay as they are.
            least = EPS if self.week.balanced(state) else -EPS
            total = self.week.total(state)
            for trial, delta in self.changes(state):
                new = self.week.gaps_of(self.week.moved(total, delta))
                if any(n > g + EPS for n, g in zip(new, gaps, strict=True)):
                    continue  # widens another gap
                gain = sum(gaps) - sum(new)
                if gain <= least or (best is not None and gain <= best[0] + EPS):
                    continue
                if self.week.shape_ok(trial, self.met, self.keeps):
                    best = (gain, trial, new)
            if best is None:
                break
            _, state, gaps = best
            if not any(gaps):
                break
        return state, gaps

    def two_changes(self, state: State, gaps: list[float]) -> tuple[State, list[float]]:
        """When no single change helps: one change that narrows the largest gap whatever
        it opens elsewhere, then single changes that close what it opened (an upper-body
        exercise out for a hamstring one, then a set more of the other upper-body
        exercises). Kept only when no gap ends wider and one ends narrower."""
        target = max(range(len(gaps)), key=gaps.__getitem__)
        best = (sum(gaps) - EPS, state, gaps)
        firsts = []
        total = self.week.total(state)
        for rank, (first, delta) in enumerate(self.changes(state)):
            opened = self.week.gaps_of(self.week.moved(total, delta))
            if opened[target] < gaps[target] - EPS:
                firsts.append((opened[target], sum(opened), rank, first, opened))
        # The few that narrow it most and open least: a bound on the nested search.
        for *_, first, opened in sorted(firsts, key=lambda f: f[:3])[:FIRST_CHANGES]:
            # The first change may tip the push/pull balance: the next one restores it.
            if not self.week.shape_ok(first, self.met, self.keeps, balance=False):
                continue
            trial, new = self.descend(first, opened, SECOND_STEPS)
            if any(n > g + EPS for n, g in zip(new, gaps, strict=True)):
                continue  # what it opened stays open
            if trial is first and not self.week.shape_ok(trial, self.met, self.keeps):
                continue
            if sum(new) < best[0]:
                best = (sum(new) - EPS, trial, new)
                if not any(new):
                    break
        return best[1], best[2]


def window_targets(ctx: Context) -> tuple[list[float], list[float], list[float]]:
    """The 7 days' hard sets before today, and per muscle the least and the most the 7
    days ending today may hold: the check's bounds, except the minimum (see below)."""
    past, full_week = window_volume(ctx)
    # training.md's minimum, never under the check's (`rules_check.weekly_minimum`, capped
    # where the week cannot hold the level's): aiming at the capped one also gave 0
    # violations in the audit, but thinner weeks where the level's minimum is within
    # reach (weakest major group, weeks 2-4: advanced maintenance 2/week at home 12.0 ->
    # 9.9, intermediate weight loss 2/week in the gym 9.0 -> 6.0). Where it is out of
    # reach the search gets as close as it can and the check accepts the capped floor.
    low, high = rules.weekly_hard_sets(ctx.level, ctx.profile.age)
    least = low - WEEKLY_TOLERANCE_LOW if full_week else 0.0
    floor = [least if m in rules.MAJOR_MUSCLES else 0.0 for m in _MUSCLES]
    most = high + WEEKLY_TOLERANCE_HIGH
    ceiling = [math.inf if m in rules.STABILISER_MUSCLES else most for m in _MUSCLES]
    return past, floor, ceiling


def window_gaps(ctx: Context, drafts: Sequence[Draft]) -> dict[Muscle, float]:
    """Hard sets the 7 days ending today miss (> 0) or hold too many (< 0), by muscle,
    with `drafts` as today's session."""
    week = _Week(ctx, *window_targets(ctx))
    total = week.total([(d, d.sets) for d in drafts])
    out: dict[Muscle, float] = {}
    for muscle, value, least, most in zip(_MUSCLES, total, week.floor, week.ceiling, strict=True):
        if value < least - EPS:
            out[muscle] = least - value
        elif value > most + EPS:
            out[muscle] = most - value
    return out


def session_volume(drafts: Sequence[Draft]) -> dict[Muscle, float]:
    """Hard sets per muscle of one session."""
    out: dict[Muscle, float] = {}
    for draft in drafts:
        for muscle, share in hard_set_contribution(draft.exercise):
            out[muscle] = out.get(muscle, 0.0) + share * draft.sets
    return out


def _unused(ctx: Context, pool: Sequence[Draft], state: State) -> list[Draft]:
    """Candidates not in the session, nor in the last hard one (sessions rotate)."""
    slugs = {d.exercise.slug for d, _ in state}
    if ctx.window:
        slugs |= {slug for slug, _ in ctx.window[0]}
    return [d for d in pool if d.exercise.slug not in slugs]


Change = tuple[State, list[tuple[Draft, int]]]  # the new state, and the sets it moves


def _changes(ctx: Context, state: State, spare: Sequence[Draft], max_count: int) -> list[Change]:
    """Single changes, cheapest first: a set more or less, an exercise (or a push and a
    pull together) added, one dropped, one exchanged for an unused candidate (new ones
    at their lowest sets)."""
    out: list[Change] = []
    min_count = rules.EXERCISES_PER_SESSION[0]
    for position, (draft, sets) in enumerate(state):
        if draft.kind not in _STRENGTH:
            continue
        low, high = set_range(ctx, draft)
        for change in (1, -1):
            if low <= sets + change <= high:
                trial = state[:]
                trial[position] = (draft, sets + change)
                out.append((trial, [(draft, change)]))
    if len(state) < max_count:
        for joining in spare:
            added = (joining, set_range(ctx, joining)[0])
            out.append(([*state, added], [added]))
    if len(state) + 1 < max_count:
        # A pushing and a pulling exercise together: one alone would tip the 1:1.5.
        pushes = [d for d in spare if d.exercise.movement in PUSH and not d.exercise.is_drill]
        pulls = [d for d in spare if d.exercise.movement in PULL and not d.exercise.is_drill]
        for push, pull in itertools.product(pushes, pulls):
            pair = [(push, set_range(ctx, push)[0]), (pull, set_range(ctx, pull)[0])]
            out.append(([*state, *pair], pair))
    leaving = [i for i, (d, _) in enumerate(state) if d.kind in _STRENGTH]
    if len(state) > min_count:
        for i in leaving:
            draft, sets = state[i]
            out.append((state[:i] + state[i + 1 :], [(draft, -sets)]))
    for i in leaving:
        draft, sets = state[i]
        for joining in spare:
            trial = state[:]
            trial[i] = (joining, set_range(ctx, joining)[0])
            out.append((trial, [(draft, -sets), trial[i]]))
    return out


class _Week:
    """The 7-day window: the six days before (fixed) plus today's trial session."""

    def __init__(
        self, ctx: Context, past: list[float], floor: list[float], ceiling: list[float]
    ) -> None:
        self.ctx = ctx
        self.past = past
        self.floor = floor
        self.ceiling = ceiling
        self.index = {m: i for i, m in enumerate(_MUSCLES)}
        self._cache: dict[int, tuple[tuple[int, float], ...]] = {}
        self.ahead = [
            (m, i) for m, i in self.index.items() if m in ctx.at_least or m in ctx.at_most
        ]

    def total(self, trial: Sequence[tuple[Draft, int]]) -> list[float]:
        total = self.past[:]
        for draft, count in trial:
            for index, share in self._shares(draft):
                total[index] += share * count
        return total

    def _shares(self, draft: Draft) -> tuple[tuple[int, float], ...]:
        """(muscle index, hard sets per set) of a draft, computed once per search (the
        drafts live as long as the search)."""
        shares = self._cache.get(id(draft))
        if shares is None:
            shares = tuple(
                (self.index[m], share) for m, share in hard_set_contribution(draft.exercise)
            )
            self._cache[id(draft)] = shares
        return shares

    def gaps(self, trial: Sequence[tuple[Draft, int]]) -> list[float]:
        return self.gaps_of(self.total(trial))

    def moved(self, total: list[float], delta: Sequence[tuple[Draft, int]]) -> list[float]:
        """`total` after a change that moves these sets."""
        out = total[:]
        for draft, count in delta:
            for index, share in self._shares(draft):
                out[index] += share * count
        return out

    def gaps_of(self, total: list[float]) -> list[float]:
        """Per muscle: hard sets missing to the floor, or over the ceiling, of the 7
        days; then of today's session against the next session's needs."""
        out = [
            max(least - value, 0.0) + max(value - most, 0.0)
            for value, least, most in zip(total, self.floor, self.ceiling, strict=True)
        ]
        ctx = self.ctx
        for muscle, index in self.ahead:
            today = total[index] - self.past[index]
            out[index] += max(ctx.at_least.get(muscle, 0.0) - today, 0.0)
            out[index] += max(today - ctx.at_most.get(muscle, math.inf), 0.0)
        return out

    def shape_ok(
        self,
        state: State,
        met: Sequence[Callable[..., bool]],
        keeps: Keeps,
        *,
        balance: bool = True,
    ) -> bool:
        """The session keeps its shape: title groups, balance, one spine-loading lift,
        the time, and what `keeps` asks for."""
        drafts = [draft for draft, _ in state]
        if not all(any(need(d.exercise) for d in drafts) for need in met):
            return False
        if sum(d.exercise.spine_loading for d in drafts) > 1:
            return False
        if not keeps(drafts) or (balance and not self.balanced(state)):
            return False
        saved = [d.sets for d in drafts]
        for draft, sets in state:
            draft.sets = sets
        try:
            return session_minutes(self.ctx, drafts) <= MAX_MINUTES
        finally:
            for draft, sets in zip(drafts, saved, strict=True):
                draft.sets = sets

    def balanced(self, state: State) -> bool:
        if self.ctx.slot.focus not in BALANCED_FOCI:
            return True
        strength = [(d, n) for d, n in state if not d.exercise.is_drill]
        push = sum(n for d, n in strength if d.exercise.movement in PUSH)
        pull = sum(n for d, n in strength if d.exercise.movement in PULL)
        if not push or not pull:
            return True  # a side the title needs is kept by `met`
        return max(push, pull) <= PUSH_PULL_RATIO * min(push, pull) + EPS
