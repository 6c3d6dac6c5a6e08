"""«🔄 Заменить»: the alternatives to one exercise of a saved workout, and the plan after.

Pure, no I/O. An alternative has the same movement pattern and works the swapped
exercise's leading primary muscle (reps or seconds alike, a drill for a drill), is allowed
for the profile and not already in the workout. They are ranked the way the rule-based
generator ranks a slot's candidates (`training.scoring`, the fallback's index and recency,
with the user's swapped-away exercises ranked lower); «Занят тренажёр» puts other equipment
first. The slot keeps its sets, reps and rest (within what the table allows the new
exercise); the load comes from the user's log of the new exercise (the progression engine)
or else the rule-based first prescription, capped by the first-time limits.

Each candidate's swapped plan goes through the rules check: one that adds a violation the
workout did not have is never offered (the first lift's warm-up is written again when the
first lift changes).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Final

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.db.enums import HOME_EQUIPMENT, SwapReason
from trainer_bot.training import rules
from trainer_bot.training.fallback import fallback_context
from trainer_bot.training.fallback.context import Context, Draft
from trainer_bot.training.fallback.prescription import plan_hard, plan_light
from trainer_bot.training.gate import warmup_for
from trainer_bot.training.plan import PlannedExercise, WorkoutPlan
from trainer_bot.training.progression import (
    FIRST_TIMES,
    LIGHT_DAY,
    TrainingHistory,
    prescribe,
)
from trainer_bot.training.rules_check import Violation, ViolationKind, check
from trainer_bot.training.rules_check.session import (
    allowed_ranges,
    heavy_allowed,
    is_strength_compound,
)
from trainer_bot.training.schemas import PastWorkout, TrainingProfile
from trainer_bot.training.scoring import (
    SMALL_FIRST_PENALTY,
    LevelAndEquipment,
    leads_with_small_muscle,
    slot_penalty,
    tiebreak,
)
from trainer_bot.training.split import BLUEPRINTS, TITLES

MAX_ALTERNATIVES: Final = 4
# «Занят тренажёр»: the same equipment is likely busy too (a rack, a cable column).
BUSY_SAME_EQUIPMENT_PENALTY: Final = 2.0
# Findings a load from the user's own log is exempt from (as after progression).
FIRST_LOAD_KINDS: Final = frozenset({ViolationKind.LOAD_LIMIT, ViolationKind.IMPLAUSIBLE_LOAD})
WARMUP_KINDS: Final = frozenset({ViolationKind.WARMUP, ViolationKind.WARMUP_WEIGHT})
_SENTENCE_END = re.compile(r"(?<=[.!])\s+")

SetsDone = tuple[tuple[int, float | None], ...]


@dataclass(frozen=True, slots=True)
class SavedPlan:
    """A saved workout as the check reads it: the plan and, per position, the sets of the
    last time the user did that exercise (a load taken from them is the user's own)."""

    plan: WorkoutPlan
    previous: tuple[SetsDone, ...]

    def violations(
        self,
        profile: TrainingProfile,
        history: Sequence[PastWorkout],
        catalogue: Sequence[CatalogueExercise],
        today: date,
    ) -> list[Violation]:
        from_log = {
            item.slug for item, sets in zip(self.plan.exercises, self.previous, strict=True) if sets
        }
        return [
            violation
            for violation in check(self.plan, profile, history, catalogue=catalogue, today=today)
            if not (violation.kind in FIRST_LOAD_KINDS and violation.slug in from_log)
        ]


@dataclass(frozen=True, slots=True)
class Alternative:
    exercise: CatalogueExercise
    planned: PlannedExercise  # the slot with the new exercise
    note: str  # why the load is what it is (the progression engine's words)
    previous: SetsDone  # the last time the user did the new exercise
    saved: SavedPlan  # the whole workout after the swap
    violations: tuple[Violation, ...]  # of the swapped plan (none the workout lacked)


def alternatives(
    saved: SavedPlan,
    position: int,
    profile: TrainingProfile,
    history: Sequence[PastWorkout],
    logged: TrainingHistory,
    catalogue: Sequence[CatalogueExercise],
    *,
    reason: SwapReason,
    today: date,
    limit: int = MAX_ALTERNATIVES,
) -> list[Alternative]:
    """Up to `limit` alternatives for the exercise at `position` (0-based), best first.

    `history`: the user's workouts before this one; `logged`: their set logs of the
    candidate exercises (the progression engine's input)."""
    by_slug = {exercise.slug: exercise for exercise in catalogue}
    plan = saved.plan
    original = by_slug.get(plan.exercises[position].slug)
    if original is None:
        return []
    ctx = _context(plan, profile, history, catalogue, today)
    baseline = Counter(
        _kind_key(v, original.slug) for v in saved.violations(profile, history, catalogue, today)
    )
    found: list[Alternative] = []
    for candidate in _ranked(ctx, plan, original, reason):
        alternative = _swapped(saved, position, candidate, ctx, logged, catalogue, history, today)
        added = Counter(_kind_key(v, candidate.slug) for v in alternative.violations) - baseline
        if added:
            continue
        found.append(alternative)
        if len(found) >= limit:
            break
    return found


def _kind_key(violation: Violation, slot_slug: str) -> tuple[ViolationKind, str | None]:
    """A finding about the swapped slot counts as the same finding whichever exercise is
    in it; others are told apart by exercise."""
    slug = "<slot>" if violation.slug == slot_slug else violation.slug
    return violation.kind, slug


def _context(
    plan: WorkoutPlan,
    profile: TrainingProfile,
    history: Sequence[PastWorkout],
    catalogue: Sequence[CatalogueExercise],
    today: date,
) -> Context:
    """The fallback's context, shaped by the workout's own focus (the split may have
    moved on since the workout was made)."""
    ctx = fallback_context(profile, history, catalogue, today=today)
    if ctx.slot.focus != plan.focus and plan.focus in BLUEPRINTS:
        ctx.slot = replace(
            ctx.slot,
            focus=plan.focus,
            title=TITLES[plan.focus],
            patterns=BLUEPRINTS[plan.focus],
            muscles=rules.FOCUS_MUSCLES[plan.focus],
        )
    return ctx


def _ranked(
    ctx: Context, plan: WorkoutPlan, original: CatalogueExercise, reason: SwapReason
) -> list[CatalogueExercise]:
    """The fitting exercises, the fallback's preferred first."""
    in_plan = {item.slug for item in plan.exercises}
    muscle = original.primary_muscles[0]
    static = {
        candidate.exercise.slug: candidate.static
        for candidate in ctx.index.by_movement.get(original.movement, [])
    }
    preferences = LevelAndEquipment(ctx.profile, ctx.level)
    small_slot = leads_with_small_muscle(original)

    def fits(exercise: CatalogueExercise) -> bool:
        return (
            exercise.slug not in in_plan
            and exercise.movement is original.movement
            and muscle in exercise.primary_muscles
            and exercise.is_timed is original.is_timed
            and exercise.category is original.category
        )

    def score(exercise: CatalogueExercise) -> tuple[float, int]:
        value = ctx.recency.get(exercise.slug, 0.0)
        value += static.get(exercise.slug, preferences.penalty(exercise))
        value += slot_penalty(exercise, compound_slot=original.is_compound, muscle_slot=True)
        if leads_with_small_muscle(exercise) and not small_slot:
            # A close-grip bench press leads with the triceps: a poor stand-in for a chest lift.
            value += SMALL_FIRST_PENALTY
        if reason is SwapReason.BUSY and exercise.equipment is original.equipment:
            value += BUSY_SAME_EQUIPMENT_PENALTY
        return value, tiebreak(exercise.slug)

    return sorted((e for e in ctx.allowed if fits(e)), key=score)


def _clamp(value: int, bounds: tuple[int, int]) -> int:
    return min(max(value, bounds[0]), bounds[1])


def _slot_for(
    slot: PlannedExercise, exercise: CatalogueExercise, ctx: Context, position: int
) -> PlannedExercise:
    """The slot's sets, reps and rest on the new exercise (within its table ranges), with
    the rule-based first load and note."""
    profile, focus = ctx.profile, ctx.slot.focus
    sets, reps, rest = allowed_ranges(exercise, profile, focus)
    heavy = (
        heavy_allowed(profile)
        and is_strength_compound(exercise)
        and not exercise.is_timed
        and slot.reps_min < reps[0]
    )
    if heavy:
        sets, reps, rest = allowed_ranges(exercise, profile, focus, heavy=True)
    draft = Draft(exercise, _clamp(slot.sets, sets), order=position, heavy=heavy)
    first = plan_hard(ctx, draft) if ctx.slot.is_hard else plan_light(ctx, draft)
    low, high = sorted((slot.reps_min, slot.reps_max))
    return PlannedExercise(
        slug=exercise.slug,
        sets=draft.sets,
        reps_min=_clamp(low, reps),
        reps_max=_clamp(high, reps),
        weight_kg=first.weight_kg,
        rest_seconds=_clamp(slot.rest_seconds, rest),
        notes=first.notes,
    )


def _without_loads(notes: str | None) -> str | None:
    """The first prescription's note without its load advice (the log decides the load)."""
    if not notes:
        return notes
    kept = [part for part in _SENTENCE_END.split(notes) if "кг" not in part]
    return " ".join(kept) or None


def _swapped(
    saved: SavedPlan,
    position: int,
    exercise: CatalogueExercise,
    ctx: Context,
    logged: TrainingHistory,
    catalogue: Sequence[CatalogueExercise],
    history: Sequence[PastWorkout],
    today: date,
) -> Alternative:
    plan = saved.plan
    item = _slot_for(plan.exercises[position], exercise, ctx, position)
    sessions = logged.exercises.get(exercise.slug, ())
    note = LIGHT_DAY
    if plan.focus != rules.FOCUS_LIGHT:
        # Only this exercise is "allowed": a ladder never moves the user's choice.
        result = prescribe(item, exercise, logged.exercises, {exercise.slug: exercise}, set())
        note = result.note
        if exercise.equipment in HOME_EQUIPMENT:
            # Its reps target would contradict the slot's reps: «🕘 В прошлый раз» says it.
            note = note if note in FIRST_TIMES else ""
        else:
            item = item.model_copy(update={"weight_kg": result.item.weight_kg})
        if note not in FIRST_TIMES:
            item = item.model_copy(update={"notes": _without_loads(item.notes)})
    previous: SetsDone = (
        tuple(zip(sessions[0].reps, sessions[0].weights, strict=True)) if sessions else ()
    )
    exercises = list(plan.exercises)
    exercises[position] = item
    after = SavedPlan(
        plan.model_copy(update={"exercises": exercises}),
        tuple(previous if i == position else sets for i, sets in enumerate(saved.previous)),
    )
    found = after.violations(ctx.profile, history, catalogue, today)
    if any(v.kind in WARMUP_KINDS for v in found):
        # The warm-up names the first lift and its weight: written again for the new one.
        warmup = warmup_for(after.plan, ctx.profile, history, catalogue, today=today)
        after = replace(after, plan=after.plan.model_copy(update={"warmup": warmup}))
        found = after.violations(ctx.profile, history, catalogue, today)
    return Alternative(exercise, item, note, previous, after, tuple(found))
