"""The session's exercises: the blueprint's slots filled (`choice`), fitted to the volume
and time budget (`volume`), in order: heavy first, multi-joint before single-joint before
trunk work and intervals. A light day is easy bodyweight work instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.db.enums import HOME_EQUIPMENT, Equipment, FitnessLevel, Movement, Muscle
from trainer_bot.training import rules
from trainer_bot.training.fallback.choice import build_index, fits, pick
from trainer_bot.training.fallback.context import Candidate, Context, Draft, Index, Kind
from trainer_bot.training.fallback.prescription import (
    CONDITIONING_ROUNDS,
    REST_STEP_S,
    WARMUP_ESTIMATE_MIN,
    rest_seconds,
    session_minutes,
    set_range,
    set_seconds,
)
from trainer_bot.training.fallback.shape import (
    SpineGuard,
    balance_push_pull,
    coverage_extras,
    covering_drafts,
    needs,
    older_adult_drills,
)
from trainer_bot.training.fallback.volume import (
    SHORT_SESSION_MIN,
    Option,
    ensure_minimum,
    optimise,
    option_for,
    repair,
    session_fit,
)
from trainer_bot.training.fallback.week import close_week
from trainer_bot.training.scoring import is_mobility_drill
from trainer_bot.training.split import BLUEPRINTS, PatternSlot, SessionSlot

LIGHT_PATTERN_EQUIPMENT = frozenset({Equipment.BODYWEIGHT})
# Extra candidates per major muscle: two multi-joint exercises, one single-joint one.
EXTRA_KINDS = (True, True, False)
CORE_EXTRAS = 2
START_EXERCISES = 1
REPAIR_CANDIDATES = 2
# Sort keys of exercises that come from outside the blueprint: after its slots.
EXTRA_ORDER = 100
LAST_ORDER = 1000
# Below this many minutes a session gets more sets (the check's floor is 25).
SHORT_FILL_MIN = 26.0


def hard_session(ctx: Context) -> list[Draft]:
    low_count, strength_max = rules.EXERCISES_PER_SESSION
    older = older_adult_drills(ctx, set())
    strength_max -= len(older)
    drafts: list[Draft] = []
    spare: list[Draft] = []  # blueprint slots past the exercise limit: optional
    used: set[str] = {d.exercise.slug for d in older}
    # At most one heavy spine-loading barbell lift a session: once one is in, the
    # others are out of every later pick.
    spine = SpineGuard()
    for order, pattern in enumerate(ctx.slot.patterns):
        exercise = None
        if not drafts and ctx.heavy_day:
            # Heavy 4-6 work belongs on a barbell; without one the day has no heavy lift.
            exercise = pick(ctx, pattern, used, only=_is_barbell)
        exercise = exercise or pick(ctx, pattern, used, only=spine.allows)
        if exercise is not None:
            used.add(exercise.slug)
            spine.take(exercise)
            target = drafts if len(drafts) < strength_max else spare
            target.append(Draft(exercise, 0, order))
    _fill_to_minimum(ctx, drafts, used, low_count - len(older), spine)
    drafts.sort(key=_session_order)
    if ctx.heavy_day and drafts and drafts[0].kind is Kind.COMPOUND:
        drafts[0].heavy = _is_barbell(drafts[0].exercise)
    # Candidates the search may add: a multi-joint and a single-joint exercise for each
    # major muscle the blueprint may leave short, more trunk work for a short session.
    extras: list[Draft] = list(spare)
    wanted: list[tuple[PatternSlot, Sequence[Candidate] | None, bool]] = []
    for muscle in sorted(rules.MAJOR_MUSCLES & ctx.slot.muscles):
        by_muscle = ctx.index.by_muscle.get(muscle, [])
        wanted += [(PatternSlot((), muscle), by_muscle, c) for c in EXTRA_KINDS]
    wanted += [(PatternSlot((Movement.CORE,)), None, False)] * CORE_EXTRAS
    for pattern, pool, compound in wanted:
        exercise = pick(ctx, pattern, used, pool=pool, only=spine.and_(_kind_filter(compound)))
        if exercise is not None:
            used.add(exercise.slug)
            extras.append(Draft(exercise, 0, EXTRA_ORDER + len(extras)))
    extras += coverage_extras(ctx, [*drafts, *extras], used, spine, EXTRA_ORDER + len(extras))
    finisher: Draft | None = None
    if ctx.conditioning_day:
        # Intervals need a timed drill (a bike, a rower, mountain climbers).
        drills = PatternSlot((Movement.CONDITIONING,))
        exercise = pick(ctx, drills, used, only=lambda e: e.is_timed) or pick(ctx, drills, used)
        if exercise is not None:
            finisher = Draft(exercise, CONDITIONING_ROUNDS, LAST_ORDER)
    base = WARMUP_ESTIMATE_MIN * 60 + (
        finisher.sets * set_seconds(ctx, finisher) if finisher else 0.0
    )
    strength_min = max(low_count - len(older), 1)

    def search(needed: set[int]) -> list[Option]:
        fit = session_fit(ctx, base)
        options = []
        for index, draft in enumerate(drafts):
            # Built up from the opening lift: each step adds the set or exercise that
            # helps most, so a congested muscle steers the choice early (a leg curl,
            # not a lunge).
            start = index < START_EXERCISES or id(draft) in needed
            draft.sets = set_range(ctx, draft)[0] if start else 0
            required = draft.heavy or id(draft) in needed
            options.append(option_for(ctx, fit, draft, required=required, extra=False))
        for draft in extras:
            draft.sets = set_range(ctx, draft)[0] if id(draft) in needed else 0
            options.append(option_for(ctx, fit, draft, required=id(draft) in needed, extra=True))
        for option in options:
            if option.draft.sets:
                fit.apply(option, option.draft.sets)
                fit.count += 1
        optimise(options, fit, strength_min, strength_max)
        repair(options, fit, strength_min, strength_max)
        ensure_minimum(options, fit, strength_min)
        return options

    # The title's promise (an upper day trains chest, back and shoulders; pushing and
    # pulling both there). Most sessions keep it by themselves; otherwise the search
    # runs again with the first exercise meeting each unmet need kept in, until every
    # need is met (keeping one in can crowd out another: a shoulder press kept in, the
    # balance of pushing and pulling then leaves the pulls out).
    needed: set[int] = set()
    for _ in range(len(needs(ctx)) + 1):
        options = search(needed)
        picked = [o.draft.exercise for o in options if o.draft.sets > 0]
        unmet = [need for need in needs(ctx) if not any(need(e) for e in picked)]
        keep = {id(d) for d in covering_drafts(ctx, [*drafts, *extras], unmet)} - needed
        if not unmet or not keep:
            break
        needed |= keep
    chosen = [o.draft for o in options if o.draft.sets > 0]
    openers = [d for d in drafts if _opens_session(d)]
    if openers and not any(_opens_session(d) for d in chosen):
        # The search let go of every big lift: bring the blueprint's first one back.
        openers[0].sets = set_range(ctx, openers[0])[0]
        chosen.append(openers[0])
    chosen.sort(key=_session_order)
    # The intervals take the last exercise slot if one is free; otherwise the plan says
    # "10-15 min of cardio" in words (see generate_fallback_workout).
    if finisher is not None and len(chosen) < strength_max:
        chosen.append(finisher)
    in_session = {d.exercise.slug for d in chosen} | {d.exercise.slug for d in older}
    balance_push_pull(ctx, chosen, in_session, spine)
    _one_spine_loading(chosen)
    heavy = [d for d in chosen if d.heavy]
    close_week(
        ctx,
        chosen,
        [d for d in (*drafts, *extras) if d.exercise.slug not in in_session],
        strength_max,
        keeps=lambda kept: _keeps(kept, heavy, bool(openers)),
    )
    _fill_short_session(ctx, chosen)
    chosen.sort(key=_session_order)
    _stretch_rests(ctx, chosen)
    return chosen + older


def _keeps(drafts: Sequence[Draft], heavy: Sequence[Draft], opened: bool) -> bool:
    """The heavy lift stays, and a big multi-joint lift still opens the session."""
    kept = {id(d) for d in drafts}
    if not all(id(d) in kept for d in heavy):
        return False
    return not opened or any(_opens_session(d) for d in drafts)


def _one_spine_loading(drafts: list[Draft]) -> None:
    """Belt and braces for the picks above: a second spine-loading lift goes."""
    spine = [d for d in drafts if d.exercise.spine_loading]
    for draft in spine[1:]:
        if len(drafts) > rules.EXERCISES_PER_SESSION[0]:
            drafts.remove(draft)


def _fill_short_session(ctx: Context, drafts: list[Draft]) -> None:
    """A session the volume search left short (a thin home catalogue): the longest rest
    the table allows (more sets would break the weekly volume), until about 25 min."""
    for draft in drafts:
        if session_minutes(ctx, drafts) >= SHORT_FILL_MIN:
            return
        if draft.kind is Kind.COMPOUND and not draft.heavy:
            draft.rest_override = ctx.scheme.rest_compound_s[1]
        elif draft.kind is Kind.ISOLATION:
            draft.rest_override = ctx.scheme.rest_isolation_s[1]


def _kind_filter(compound: bool) -> Callable[[CatalogueExercise], bool]:
    return lambda exercise: exercise.is_compound is compound


def _is_barbell(exercise: CatalogueExercise) -> bool:
    return exercise.equipment is Equipment.BARBELL


def _opens_session(draft: Draft) -> bool:
    large = not rules.LARGE_MUSCLES.isdisjoint(draft.exercise.primary_muscles)
    return draft.kind is Kind.COMPOUND and large


def _session_order(draft: Draft) -> tuple[int, bool, bool, int]:
    """Heavy first, multi-joint before single-joint before trunk and intervals, large
    muscles before small ones, then the blueprint's order."""
    return (draft.kind, not draft.heavy, not _opens_session(draft), draft.order)


def _stretch_rests(ctx: Context, drafts: list[Draft]) -> None:
    """A short session (a beginner's low weekly volume) gets the longer end of the
    table's rest range instead of extra sets: fuller recovery between sets."""
    high = ctx.scheme.rest_compound_s[1]
    minutes = session_minutes(ctx, drafts)
    for draft in drafts:
        if draft.kind is not Kind.COMPOUND or draft.heavy:
            continue
        rest = rest_seconds(ctx, draft)
        while minutes < SHORT_SESSION_MIN and rest + REST_STEP_S <= high:
            rest += REST_STEP_S
            draft.rest_override = rest
            minutes += draft.sets * REST_STEP_S / 60


def _fill_to_minimum(
    ctx: Context, drafts: list[Draft], used: set[str], minimum: int, spine: SpineGuard
) -> None:
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
        exercise = pick(ctx, pattern, used, only=spine.allows)
        if exercise is None:
            continue
        used.add(exercise.slug)
        spine.take(exercise)
        drafts.append(Draft(exercise, 0, EXTRA_ORDER + len(drafts)))


def light_session(ctx: Context) -> list[Draft]:
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
    rested = [e for e in pool if fits(e, frozenset(Muscle), ctx.slot.avoid_muscles)]
    light = replace(ctx, slot=_with_muscles(ctx.slot, frozenset(Muscle), frozenset()))
    light.index = Index({}, {})
    anything = PatternSlot(tuple(Movement))
    drafts: list[Draft] = []
    used: set[str] = set()
    for candidates in (rested, pool):
        light.index = build_index(light, candidates)
        for order, pattern in enumerate((*ctx.slot.patterns, anything, anything)):
            if len(drafts) >= (high if order < len(ctx.slot.patterns) else low):
                break
            exercise = pick(light, pattern, used)
            if exercise is not None:
                used.add(exercise.slug)
                drafts.append(Draft(exercise, rules.LIGHT_DAY_SETS, order))
        if len(drafts) >= low:
            break
    drafts.sort(key=lambda d: (d.kind, d.order))
    drills = older_adult_drills(ctx, {d.exercise.slug for d in drafts})
    if drills:
        # Keep the light day at 4-5 exercises: the drills take the last places.
        keep = max(low, len(drafts)) - len(drills)
        drafts = drafts[: max(keep, low - len(drills))] + drills
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
