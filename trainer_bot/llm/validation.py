"""From the model's JSON to a `WorkoutPlan`: deterministic repairs, then strict checks.

1. Shape (`llm.answer`'s wire models): the root must be an object with the plan's text
   fields and an `exercises` list; each exercise entry is parsed on its own, so one broken
   entry is dropped, not the plan.
2. Repairs (each one recorded): drop entries with a broken shape, slugs outside the
   allowed set (the list the prompt showed: the session's shortlist) and duplicates;
   order by the model's positions; swap reps_min/reps_max; clamp sets/reps/rest/weight
   into the ranges of `training.plan`; drop the weight of bodyweight exercises; keep at
   most 7 exercises; shorten over-long texts.
3. Checks: `WorkoutPlan` validated with a `ShortlistCheck` context asserts the same
   invariants. What fails there, e.g. fewer than 4 usable exercises, is returned as a
   list of errors for one re-ask.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.formatting import shorten
from trainer_bot.llm.answer import AnswerExercise, AnswerTexts
from trainer_bot.training import rules
from trainer_bot.training.plan import (
    BODYWEIGHT_EQUIPMENT,
    MAX_EXERCISES,
    MIN_EXERCISES,
    NOTES_LIMIT,
    REST_RANGE,
    SETS_RANGE,
    TEXT_LIMITS,
    WEIGHT_RANGE,
    ShortlistCheck,
    WorkoutPlan,
    reps_range,
)
from trainer_bot.training.schemas import TrainingProfile

__all__ = [
    "MAX_EXERCISES",
    "MIN_EXERCISES",
    "NOTES_LIMIT",
    "TEXT_LIMITS",
    "PlanValidation",
    "min_reps_for",
    "repair_entry",
    "validate_plan",
]


@dataclass(frozen=True, slots=True)
class PlanValidation:
    """A usable plan (with the repairs made), or the errors to list in a re-ask."""

    plan: WorkoutPlan | None
    repairs: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()
    # "schema" (the JSON does not have the plan's shape) or "validation" (not enough usable
    # content after repairs); None when `plan` is set.
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.plan is not None


def _error_text(error: ValidationError) -> list[str]:
    out = []
    for item in error.errors():
        loc = ".".join(str(p) for p in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        out.append(f"{loc}: {message}" if loc else message)
    return out


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def min_reps_for(profile: TrainingProfile | None) -> int:
    if profile is not None and profile.is_minor:
        return rules.MINOR_MIN_REPS  # ages 14-17: no heavy low-rep work
    return 1


def repair_entry(
    draft: dict[str, Any], exercise: CatalogueExercise, min_reps: int, repairs: list[str]
) -> dict[str, Any]:
    """The answer's entry (an `AnswerExercise` dump) with its numbers in range;
    `position` kept for the ordering."""
    slug = draft["slug"]
    sets = int(_clamp(draft["sets"], *SETS_RANGE))
    if sets != draft["sets"]:
        repairs.append(f"{slug}: sets {draft['sets']} -> {sets}")
    reps_min, reps_max = draft["reps_min"], draft["reps_max"]
    if reps_min > reps_max:
        reps_min, reps_max = reps_max, reps_min
        repairs.append(f"{slug}: swapped reps_min and reps_max")
    low, high = reps_range(exercise, min_reps)
    new_min, new_max = int(_clamp(reps_min, low, high)), int(_clamp(reps_max, low, high))
    if (new_min, new_max) != (reps_min, reps_max):
        repairs.append(f"{slug}: reps {reps_min}-{reps_max} -> {new_min}-{new_max}")
    rest = int(_clamp(draft["rest_seconds"], *REST_RANGE))
    if rest != draft["rest_seconds"]:
        repairs.append(f"{slug}: rest {draft['rest_seconds']} -> {rest} s")
    weight = draft["weight_kg"]
    if weight is not None and exercise.equipment in BODYWEIGHT_EQUIPMENT:
        repairs.append(f"{slug}: dropped weight on a bodyweight exercise")
        weight = None
    elif weight is not None:
        if not math.isfinite(weight):
            repairs.append(f"{slug}: dropped a non-finite weight")
            weight = None
        else:
            clamped = round(_clamp(weight, *WEIGHT_RANGE), 1)
            if clamped != round(weight, 1):
                repairs.append(f"{slug}: weight {weight:g} -> {clamped:g} kg")
            weight = clamped
    notes = draft["notes"].strip() if draft["notes"] else None
    if notes and len(notes) > NOTES_LIMIT:
        notes = shorten(notes, NOTES_LIMIT)
        repairs.append(f"{slug}: shortened notes")
    return {
        "position": draft["position"],
        "slug": slug,
        "sets": sets,
        "reps_min": new_min,
        "reps_max": new_max,
        "weight_kg": weight,
        "rest_seconds": rest,
        "notes": notes or None,
    }


def validate_plan(
    data: object,
    allowed: Sequence[CatalogueExercise] | Mapping[str, CatalogueExercise],
    *,
    profile: TrainingProfile | None = None,
) -> PlanValidation:
    """Repair what can be repaired deterministically, then check; never raises."""
    allowed_map = allowed if isinstance(allowed, Mapping) else {e.slug: e for e in allowed}
    min_reps = min_reps_for(profile)
    if not isinstance(data, dict):
        return PlanValidation(
            None, errors=("the answer must be a JSON object with the plan",), reason="schema"
        )
    try:
        draft = AnswerTexts.model_validate(data).model_dump()
    except ValidationError as error:
        return PlanValidation(None, errors=tuple(_error_text(error)), reason="schema")

    repairs: list[str] = []
    dropped: list[str] = []
    seen: set[str] = set()
    kept: list[dict[str, Any]] = []
    for index, raw in enumerate(draft["exercises"], 1):
        try:
            item = AnswerExercise.model_validate(raw).model_dump()
        except ValidationError as error:
            dropped.append(f"exercises[{index}] has a broken shape: {_error_text(error)[0]}")
            continue
        exercise = allowed_map.get(item["slug"])
        if exercise is None:
            dropped.append(f"'{item['slug']}' is not in the allowed list")
            continue
        if item["slug"] in seen:
            dropped.append(f"'{item['slug']}' appears twice")
            continue
        seen.add(item["slug"])
        kept.append(repair_entry(item, exercise, min_reps, repairs))
    repairs.extend(f"dropped: {text}" for text in dropped)

    # Stable: ties and garbage positions keep the model's list order.
    ordered = sorted(kept, key=lambda e: e["position"])
    if ordered != kept:
        repairs.append("reordered exercises by position")
    if len(ordered) > MAX_EXERCISES:
        repairs.append(f"kept the first {MAX_EXERCISES} of {len(ordered)} exercises")
        ordered = ordered[:MAX_EXERCISES]
    # The plan's order is its list order: the positions have done their job.
    if [e.pop("position") for e in ordered] != list(range(1, len(ordered) + 1)):
        repairs.append("renumbered positions 1..n")

    texts: dict[str, str] = {}
    for name, limit in TEXT_LIMITS.items():
        value = str(draft[name]).strip()
        if len(value) > limit:
            value = shorten(value, limit)
            repairs.append(f"shortened {name}")
        texts[name] = value

    try:
        plan = WorkoutPlan.model_validate(
            {**texts, "exercises": ordered},
            context=ShortlistCheck(allowed=allowed_map, min_reps=min_reps),
        )
    except ValidationError as error:
        return PlanValidation(
            None,
            repairs=tuple(repairs),
            errors=(*dropped, *_error_text(error)),
            reason="validation",
        )
    return PlanValidation(plan, repairs=tuple(repairs))
