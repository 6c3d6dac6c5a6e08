"""The week's hard sets, closed where the session search left them short.

The search (`volume`) aims each session at its share of the weekly range with soft
penalties, so a session that must make up for the days before (a thin home catalogue, or
weight loss at a fixed 3 sets an exercise) can stop short of the 7-day minimum. This
step looks at the same 7 days the rules check counts: the completed hard sessions of the
six days before today, with their planned sets (`PastWorkout.exercise_sets`), plus
today's session. While a major muscle is under the minimum (a full week only) or any
muscle is over the ceiling, it makes the single change that shrinks the gap most without
widening any other: a set more or less within the goal's set range, an exercise added,
dropped or exchanged for one of the session's unused candidates. Every change keeps the
rest of the session shape: 4-7 exercises, the title's muscle groups, pushing and pulling
within 1:1.5, one spine-loading lift, about an hour.

Targets are the check's own bounds (training.md's range with its documented margins of
1 set under the minimum and 2 over the ceiling): the search has already aimed inside the
range, this only closes what is left. It runs on the few sessions that need it.
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
EPS = 1e-9
_MUSCLES = tuple(Muscle)
_STRENGTH = (Kind.COMPOUND, Kind.ISOLATION, Kind.CORE)

Keeps = Callable[[Sequence[Draft]], bool]


def close_week(
    ctx: Context,
    chosen: list[Draft],
    pool: Sequence[Draft],
    max_count: int,
    keeps: Keeps,
) -> None:
    """Change `chosen` in place until the 7 days ending today meet the weekly range, or
    no single change brings them closer. `pool`: unused candidates of the session;
    `keeps`: what the session must keep whatever the change (its opening lift)."""
    week = _Week(ctx, *window_targets(ctx))
    gaps = week.gaps(_with_sets(chosen, {}))
    if not any(gaps):
        return
    met = [need for need in needs(ctx) if any(need(d.exercise) for d in chosen)]
    min_count = rules.EXERCISES_PER_SESSION[0]
    spare = _unused(ctx, pool, chosen)
    for _ in range(MAX_STEPS):
        best: tuple[float, int, list[Draft], dict[int, int]] | None = None
        for rank, (drafts, sets) in enumerate(_changes(ctx, chosen, spare, max_count, min_count)):
            trial = _with_sets(drafts, sets)
            new = week.gaps(trial)
            if any(n > g + EPS for n, g in zip(new, gaps, strict=True)):
                continue  # widens another gap
            gain = sum(gaps) - sum(new)
            if gain <= EPS or not week.shape_ok(drafts, sets, met, keeps):
                continue
            if best is None or gain > best[0] + EPS:
                best = (gain, rank, drafts, sets)
        if best is None:
            return
        _, _, drafts, sets = best
        for draft in drafts:
            draft.sets = sets.get(id(draft), draft.sets)
        chosen[:] = drafts
        spare = _unused(ctx, pool, chosen)
        gaps = week.gaps(_with_sets(chosen, {}))
        if not any(gaps):
            return


def window_targets(ctx: Context) -> tuple[list[float], list[float], list[float]]:
    """The 7 days' hard sets before today, and per muscle the least and the most the 7
    days ending today may hold: the check's bounds."""
    past, full_week = window_volume(ctx)
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
    total = week.total(_with_sets(drafts, {}))
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


def _unused(ctx: Context, pool: Sequence[Draft], chosen: Sequence[Draft]) -> list[Draft]:
    """Candidates not in the session, nor in the last hard one (sessions rotate)."""
    taken = {id(d) for d in chosen}
    slugs = {d.exercise.slug for d in chosen}
    if ctx.window:
        slugs |= {slug for slug, _ in ctx.window[0]}
    return [d for d in pool if id(d) not in taken and d.exercise.slug not in slugs]


def _with_sets(drafts: Sequence[Draft], sets: dict[int, int]) -> list[tuple[Draft, int]]:
    return [(d, sets.get(id(d), d.sets)) for d in drafts]


def _changes(
    ctx: Context,
    chosen: list[Draft],
    spare: Sequence[Draft],
    max_count: int,
    min_count: int,
) -> list[tuple[list[Draft], dict[int, int]]]:
    """Single changes, cheapest first: a set more or less, an exercise (or a push and a
    pull together) added, one dropped, one exchanged for an unused candidate (new ones
    at their lowest sets)."""
    out: list[tuple[list[Draft], dict[int, int]]] = []
    strength = [d for d in chosen if d.kind in _STRENGTH]
    for draft in strength:
        low, high = set_range(ctx, draft)
        if draft.sets < high:
            out.append((chosen, {id(draft): draft.sets + 1}))
        if draft.sets > low:
            out.append((chosen, {id(draft): draft.sets - 1}))
    if len(chosen) < max_count:
        for joining in spare:
            out.append(([*chosen, joining], {id(joining): set_range(ctx, joining)[0]}))
    if len(chosen) + 1 < max_count:
        # A pushing and a pulling exercise together: one alone would tip the 1:1.5.
        pushes = [d for d in spare if d.exercise.movement in PUSH and not d.exercise.is_drill]
        pulls = [d for d in spare if d.exercise.movement in PULL and not d.exercise.is_drill]
        for push, pull in itertools.product(pushes, pulls):
            lowest = {id(push): set_range(ctx, push)[0], id(pull): set_range(ctx, pull)[0]}
            out.append(([*chosen, push, pull], lowest))
    if len(chosen) > min_count:
        for leaving in strength:
            out.append(([d for d in chosen if d is not leaving], {}))
    for leaving in strength:
        for joining in spare:
            drafts = [joining if d is leaving else d for d in chosen]
            out.append((drafts, {id(joining): set_range(ctx, joining)[0]}))
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
        self.ahead = [
            (m, i) for m, i in self.index.items() if m in ctx.at_least or m in ctx.at_most
        ]

    def total(self, trial: Sequence[tuple[Draft, int]]) -> list[float]:
        total = self.past[:]
        for draft, count in trial:
            for muscle, share in hard_set_contribution(draft.exercise):
                total[self.index[muscle]] += share * count
        return total

    def gaps(self, trial: Sequence[tuple[Draft, int]]) -> list[float]:
        """Per muscle: hard sets missing to the floor, or over the ceiling, of the 7
        days; then of today's session against the next session's needs."""
        total = self.total(trial)
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
        drafts: Sequence[Draft],
        sets: dict[int, int],
        met: Sequence[Callable[..., bool]],
        keeps: Keeps,
    ) -> bool:
        """The session keeps its shape: title groups, balance, one spine-loading lift,
        the time, and what `keeps` asks for."""
        if not all(any(need(d.exercise) for d in drafts) for need in met):
            return False
        if sum(d.exercise.spine_loading for d in drafts) > 1:
            return False
        saved = [(d, d.sets) for d in drafts]
        for draft in drafts:
            draft.sets = sets.get(id(draft), draft.sets)
        try:
            if session_minutes(self.ctx, drafts) > MAX_MINUTES or not keeps(drafts):
                return False
            return self._balanced(drafts)
        finally:
            for draft, count in saved:
                draft.sets = count

    def _balanced(self, drafts: Sequence[Draft]) -> bool:
        if self.ctx.slot.focus not in BALANCED_FOCI:
            return True
        strength = [d for d in drafts if not d.exercise.is_drill]
        push = sum(d.sets for d in strength if d.exercise.movement in PUSH)
        pull = sum(d.sets for d in strength if d.exercise.movement in PULL)
        if not push or not pull:
            return True  # a side the title needs is kept by `met`
        return max(push, pull) <= PUSH_PULL_RATIO * min(push, pull) + EPS
