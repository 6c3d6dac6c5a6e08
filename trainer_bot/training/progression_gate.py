"""The rules check after the progression engine: a progressed plan reaches the user only
once it passes the same check as every other plan.

The plan before progression has already passed the gate (the LLM's through its gate, the
fallback's through `gate_fallback`). Progression changes loads, reps, sets and, on a
bodyweight ladder, the exercise. One kind of finding is expected and allowed: a load the
user has logged is theirs, so the first-prescription load limits do not apply to an
exercise prescribed from the log. A violation of what progression may not change (who may
do an exercise, sets, first-try loads, spine loading: `GUARDED_KINDS`) sends that exercise
back to its checked, pre-progression prescription (the whole plan, when the violation
concerns the plan as a whole), and the result is checked again; never shown unchecked.

Repetitions, notes and the warm-up are first put right mechanically, then guarded too:
- a rep window past the table's range for this person (a ladder's top adding reps, a
  target climbing past the top) is clamped into it: training.md moves a bodyweight
  exercise on with tempo and pauses once it tops the range, and a loaded one with load;
  the goal's range itself never moves (minors >= 8 reps, 65+ 10-15, no 1-3 for anyone);
- an empty or placeholder note gets the checked plan's note back (same exercise only);
- the warm-up is written again for the progressed first lift and weight.
What still fails after that goes back to the checked prescription like any other kind.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.training.gate import kinds_text, log_plan_check, warmup_for
from trainer_bot.training.progression import Progressed
from trainer_bot.training.rules_check import Violation, ViolationKind, check
from trainer_bot.training.rules_check.session import (
    allowed_ranges,
    heavy_allowed,
    is_hard,
    is_placeholder,
    is_strength_compound,
    table_rows,
)
from trainer_bot.training.schemas import PastWorkout, TrainingProfile

logger = logging.getLogger(__name__)

# First-prescription limits: a lift prescribed from the user's own log is exempt.
FIRST_LOAD_KINDS = frozenset({ViolationKind.LOAD_LIMIT, ViolationKind.IMPLAUSIBLE_LOAD})
# What progression may not change: who may do which exercise, how many sets and reps the
# table gives this person, how heavy a first try is, spine loading, and texts that say
# nothing (notes, the warm-up). Sets, reps, notes and the warm-up are put right first
# (see the module's docstring); what is left of any of these kinds is reverted. Other
# findings (order, balance, duration) are about the plan's choice of exercises, which
# progression keeps: logged, not reverted.
GUARDED_KINDS = frozenset(
    {
        ViolationKind.EXERCISE_COUNT,
        ViolationKind.DUPLICATE,
        ViolationKind.UNKNOWN_EXERCISE,
        ViolationKind.NOT_ALLOWED,
        ViolationKind.SETS_RANGE,
        ViolationKind.REPS_RANGE,
        ViolationKind.REST_RANGE,
        ViolationKind.HEAVY_COUNT,
        ViolationKind.LOAD_LIMIT,
        ViolationKind.IMPLAUSIBLE_LOAD,
        ViolationKind.BODYWEIGHT_LOAD,
        ViolationKind.SPINE_LOADING,
        ViolationKind.NOTES,
        ViolationKind.WARMUP,
        ViolationKind.WARMUP_WEIGHT,
    }
)


def check_progressed(
    checked: Progressed,
    progressed: Progressed,
    profile: TrainingProfile,
    history: Sequence[PastWorkout],
    catalogue: Sequence[CatalogueExercise],
    *,
    today: date,
    user_id: int,
) -> Progressed:
    """`progressed` if it passes the check, else with the offending exercises reverted to
    `checked` (the same plan before progression, with no notes), else `checked` itself."""
    progressed = _sets_within_table(progressed, profile, catalogue)
    progressed = _reps_within_table(progressed, profile, catalogue)
    progressed = _notes_that_say_something(progressed, checked)
    progressed = _warmup_that_fits(progressed, profile, history, catalogue, today)
    everything = _violations(progressed, profile, history, catalogue, today)
    found = [violation for violation in everything if violation.kind in GUARDED_KINDS]
    if not found:
        if everything:
            log_plan_check(user_id, "progression", everything, "kept")
        return progressed
    positions = _positions(progressed, found)
    result = checked if positions is None else _revert(progressed, checked, positions)
    remaining = [
        violation
        for violation in _violations(result, profile, history, catalogue, today)
        if violation.kind in GUARDED_KINDS
    ]
    if remaining:
        # The checked plan itself fails here only if the check disagrees with the gate.
        logger.error(
            "plan_check user=%s source=progression still violates after reverting: %s",
            user_id,
            kinds_text(remaining),
        )
        result = checked
    log_plan_check(user_id, "progression", found, "reverted", level=logging.WARNING)
    return result


def _violations(
    progressed: Progressed,
    profile: TrainingProfile,
    history: Sequence[PastWorkout],
    catalogue: Sequence[CatalogueExercise],
    today: date,
) -> list[Violation]:
    from_log = {
        item.slug
        for item, previous in zip(progressed.plan.exercises, progressed.previous, strict=False)
        if previous
    }
    return [
        violation
        for violation in check(progressed.plan, profile, history, catalogue=catalogue, today=today)
        if not (violation.kind in FIRST_LOAD_KINDS and violation.slug in from_log)
    ]


def _positions(progressed: Progressed, found: Sequence[Violation]) -> set[int] | None:
    """Plan positions the violations name; None when one concerns the plan as a whole."""
    slugs = [item.slug for item in progressed.plan.exercises]
    positions: set[int] = set()
    for violation in found:
        if violation.slug is None or violation.slug not in slugs:
            return None
        positions.add(slugs.index(violation.slug))
    return positions


def _revert(progressed: Progressed, checked: Progressed, positions: set[int]) -> Progressed:
    if len(checked.plan.exercises) != len(progressed.plan.exercises):
        return checked
    exercises = [
        checked.plan.exercises[i] if i in positions else item
        for i, item in enumerate(progressed.plan.exercises)
    ]
    notes = tuple(
        checked.notes[i] if i in positions else note for i, note in enumerate(progressed.notes)
    )
    previous = tuple(
        checked.previous[i] if i in positions else sets
        for i, sets in enumerate(progressed.previous)
    )
    plan = progressed.plan.model_copy(update={"exercises": exercises})
    return replace(progressed, plan=plan, notes=notes, previous=previous)


def _sets_within_table(
    progressed: Progressed, profile: TrainingProfile, catalogue: Sequence[CatalogueExercise]
) -> Progressed:
    """Session effort moves the set count by one («Легко» +1, «Тяжело» -1); at the edge of
    the table's range for this person it stays at the edge (the load still follows)."""
    by_slug = {exercise.slug: exercise for exercise in catalogue}
    plan = progressed.plan
    exercises = []
    for item in plan.exercises:
        exercise = by_slug.get(item.slug)
        if exercise is None:
            exercises.append(item)
            continue
        (low, high), _, _ = allowed_ranges(exercise, profile, plan.focus)
        sets = min(max(item.sets, low), high)
        exercises.append(item if sets == item.sets else item.model_copy(update={"sets": sets}))
    if exercises == list(plan.exercises):
        return progressed
    return replace(progressed, plan=plan.model_copy(update={"exercises": exercises}))


def _reps_within_table(
    progressed: Progressed, profile: TrainingProfile, catalogue: Sequence[CatalogueExercise]
) -> Progressed:
    """A rep window outside the table's range for this person is clamped into it (the
    heavy 4-6 window counts as the check counts it: an advanced lifter's multi-joint
    lift starting under the row's range)."""
    by_slug = {exercise.slug: exercise for exercise in catalogue}
    plan = progressed.plan
    rows = table_rows(profile)
    exercises = []
    for item in plan.exercises:
        exercise = by_slug.get(item.slug)
        if exercise is None:
            exercises.append(item)
            continue
        heavy = (
            is_hard(plan.focus)
            and heavy_allowed(profile)
            and is_strength_compound(exercise)
            and not exercise.is_timed
            and item.reps_min < rows[0].reps[0]
        )
        _, (low, high), _ = allowed_ranges(exercise, profile, plan.focus, heavy=heavy)
        top = min(max(item.reps_max, low), high)
        bottom = min(max(item.reps_min, low), top)
        same = (bottom, top) == (item.reps_min, item.reps_max)
        exercises.append(
            item if same else item.model_copy(update={"reps_min": bottom, "reps_max": top})
        )
    if exercises == list(plan.exercises):
        return progressed
    return replace(progressed, plan=plan.model_copy(update={"exercises": exercises}))


def _notes_that_say_something(progressed: Progressed, checked: Progressed) -> Progressed:
    """An empty or placeholder note takes the checked plan's note for the same exercise."""
    plan = progressed.plan
    before = {item.slug: item.notes for item in checked.plan.exercises}
    exercises = [
        item.model_copy(update={"notes": before[item.slug]})
        if is_placeholder(item.notes) and not is_placeholder(before.get(item.slug))
        else item
        for item in plan.exercises
    ]
    if exercises == list(plan.exercises):
        return progressed
    return replace(progressed, plan=plan.model_copy(update={"exercises": exercises}))


WARMUP_KINDS = frozenset({ViolationKind.WARMUP, ViolationKind.WARMUP_WEIGHT})


def _warmup_that_fits(
    progressed: Progressed,
    profile: TrainingProfile,
    history: Sequence[PastWorkout],
    catalogue: Sequence[CatalogueExercise],
    today: date,
) -> Progressed:
    """The generator wrote the warm-up for its own first lift and weight; when progression
    changed them (a kept main lift, a load from the log), the warm-up is written again."""
    found = check(progressed.plan, profile, history, catalogue=catalogue, today=today)
    if not any(violation.kind in WARMUP_KINDS for violation in found):
        return progressed
    warmup = warmup_for(progressed.plan, profile, history, catalogue, today=today)
    return replace(progressed, plan=progressed.plan.model_copy(update={"warmup": warmup}))
