"""Prescription: sets, reps, rest, effort and load of each exercise, from the goal x
level tables of training.md (`training.rules`) and a starting weight (`training.weights`).
"""

from __future__ import annotations

from collections.abc import Iterable

from trainer_bot.catalogue import Category
from trainer_bot.formatting import plural
from trainer_bot.training import rules
from trainer_bot.training.fallback.context import Context, Draft, Kind
from trainer_bot.training.plan import NOTES_LIMIT, PlannedExercise
from trainer_bot.training.rules_check import load_limit
from trainer_bot.training.weights import suggest_weight

# Time model for the ~45-60 minute session: seconds per repetition, warm-up minutes.
SECONDS_PER_REP = 3.0
WARMUP_ESTIMATE_MIN = 8.0
# The conditioning block of advanced weight loss: intervals of work / rest.
CONDITIONING_ROUNDS = 10
CONDITIONING_SECONDS = (40, 45)
CONDITIONING_REPS = (12, 15)
CONDITIONING_REST_S = 45
CORE_REST_S = 60
COMPOUND_REST_CAP_S = 120
REST_STEP_S = 15
# Balance, mobility and cool-down drills in a hard session: two easy sets (chosen).
DRILL_SETS = 2
DRILL_REPS = (8, 10)
DRILL_SECONDS = (30, 45)
DRILL_REST_S = 30


def set_range(ctx: Context, draft: Draft) -> tuple[int, int]:
    if draft.kind is Kind.CONDITIONING:
        return CONDITIONING_ROUNDS, CONDITIONING_ROUNDS
    if draft.kind is Kind.DRILL:
        return DRILL_SETS, DRILL_SETS
    low, high = ctx.scheme.sets
    if ctx.profile.is_minor:
        high = min(high, rules.MINOR_MAX_SETS)
    return low, high


def set_seconds(ctx: Context, draft: Draft) -> float:
    reps = reps_range(ctx, draft)
    work = (reps[0] + reps[1]) / 2
    if not draft.exercise.is_timed:
        work *= SECONDS_PER_REP
    return work + rest_seconds(ctx, draft)


def session_minutes(ctx: Context, drafts: Iterable[Draft]) -> float:
    seconds = sum(d.sets * set_seconds(ctx, d) for d in drafts)
    return WARMUP_ESTIMATE_MIN + seconds / 60


def _round_rest(seconds: float) -> int:
    return int(round(seconds / 15) * 15)


def rest_seconds(ctx: Context, draft: Draft) -> int:
    if draft.rest_override:
        return draft.rest_override
    if not ctx.slot.is_hard:
        return rules.LIGHT_DAY_REST_S
    kind = draft.kind
    if kind is Kind.DRILL:
        return DRILL_REST_S
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


def reps_range(ctx: Context, draft: Draft) -> tuple[int, int]:
    exercise = draft.exercise
    if not ctx.slot.is_hard:
        return rules.LIGHT_DAY_SECONDS if exercise.is_timed else rules.LIGHT_DAY_REPS
    if draft.kind is Kind.CONDITIONING:
        return CONDITIONING_SECONDS if exercise.is_timed else CONDITIONING_REPS
    if draft.kind is Kind.DRILL:
        return DRILL_SECONDS if exercise.is_timed else DRILL_REPS
    if exercise.is_timed:
        return rules.TIMED_SECONDS[ctx.level]
    if draft.kind is Kind.CORE:
        reps = rules.CORE_REPS
    elif draft.heavy:
        reps = rules.HEAVY_REPS
    elif ctx.profile.is_older_adult:
        reps = rules.OLDER_REPS  # moderate loads
    else:
        reps = ctx.scheme.reps
    if ctx.profile.is_minor:
        reps = (max(reps[0], rules.MINOR_MIN_REPS), max(reps[1], rules.MINOR_MIN_REPS))
    return reps


def _effort_note(ctx: Context, draft: Draft) -> str:
    low, high = ctx.rir
    if draft.kind is Kind.CONDITIONING:
        return "Интервалы: работа в ровном темпе, отдых между раундами по таймеру."
    if draft.exercise.is_timed:
        return "Держи позицию без рывков, дыхание ровное."
    return f"Оставляй {low}–{high} {_reps_word(high)} в запасе."


def _join_note(*parts: str) -> str:
    """The parts that fit the notes limit, in order of importance."""
    note = ""
    for part in filter(None, parts):
        joined = f"{note} {part}" if note else part
        if len(joined) <= NOTES_LIMIT:
            note = joined
    return note or parts[0][:NOTES_LIMIT]


def plan_hard(ctx: Context, draft: Draft) -> PlannedExercise:
    if draft.kind is Kind.DRILL:
        return plan_light(ctx, draft)
    reps = reps_range(ctx, draft)
    suggestion = suggest_weight(
        draft.exercise,
        ctx.profile,
        reps=reps,
        reps_in_reserve=ctx.rir,
        cap_kg=load_limit(draft.exercise, ctx.profile),
    )
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
        rest_seconds=rest_seconds(ctx, draft),
        notes=_join_note(suggestion.note, _effort_note(ctx, draft), heavy),
    )


def plan_light(ctx: Context, draft: Draft) -> PlannedExercise:
    reps = reps_range(ctx, draft)
    low, high = rules.LIGHT_DAY_REPS_IN_RESERVE
    if draft.exercise.is_timed:
        effort = "Легко и спокойно: заканчивай задолго до усталости, дыши ровно."
    else:
        effort = f"Легко и спокойно: в запасе {low}–{high} {_reps_word(high)}, без напряжения."
    note = f"{effort} {_DRILL_GOALS.get(draft.exercise.category, _LIGHT_GOAL)}"
    return PlannedExercise(
        slug=draft.exercise.slug,
        sets=draft.sets,
        reps_min=reps[0],
        reps_max=reps[1],
        weight_kg=None,
        rest_seconds=rest_seconds(ctx, draft),
        notes=note,
    )


_LIGHT_GOAL = "Задача — разогнать кровь и размять суставы."
_DRILL_GOALS = {
    Category.BALANCE: "Задача — равновесие: держись рядом с опорой.",
    Category.MOBILITY: "Задача — подвижность суставов: амплитуда комфортная, без боли.",
    Category.COOL_DOWN: "Задача — расслабить мышцы после работы: дыши медленно.",
}


def _reps_word(count: int) -> str:
    """A range takes the form of its last number: "1–2 повтора", "4–5 повторов"."""
    return plural(count, "повтор", "повтора", "повторов")
