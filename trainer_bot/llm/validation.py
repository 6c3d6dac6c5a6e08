"""From the model's JSON to a `WorkoutPlan`: deterministic repairs, then strict checks.

1. Shape: the root must be an object with the plan's text fields and an `exercises` list;
   each exercise entry is checked on its own, so one broken entry is dropped, not the plan.
2. Repairs (each one recorded): drop entries with a broken shape, slugs outside the
   allowed set (the list the prompt showed: the session's shortlist) and duplicates;
   order by the model's positions and renumber 1..n; swap reps_min/reps_max; clamp
   sets/reps/rest/weight into sane ranges; drop the weight of bodyweight exercises; keep
   at most 7 exercises; shorten over-long texts.
3. Checks with pydantic and a validation context (the allowed set, the age): the same
   invariants, asserted. What fails here, e.g. fewer than 4 usable exercises, is returned
   as a list of errors for one re-ask.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, model_validator

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.db.enums import HOME_EQUIPMENT
from trainer_bot.training.schemas import PlannedExercise, TrainingProfile, WorkoutPlan

MIN_EXERCISES = 4
MAX_EXERCISES = 7
SETS_RANGE = (1, 6)
REPS_RANGE = (1, 30)
TIMED_SECONDS_RANGE = (10, 180)
REST_RANGE = (15, 300)
WEIGHT_RANGE = (0.0, 300.0)
MINOR_MIN_REPS = 8  # ages 14-17: no heavy low-rep work
TEXT_LIMITS = {"focus": 32, "title": 128, "rationale": 500, "warmup": 800}
NOTES_LIMIT = 300
# Equipment without external load: a weight makes no sense there.
BODYWEIGHT_EQUIPMENT = HOME_EQUIPMENT


@dataclass(frozen=True, slots=True)
class PlanCheckContext:
    allowed: Mapping[str, CatalogueExercise]
    min_reps: int = 1


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


class _DraftText(BaseModel):
    """The plan's text fields, as the schema demands them (loose: repairs come later)."""

    model_config = ConfigDict(extra="ignore")

    focus: str
    title: str
    rationale: str
    warmup: str
    exercises: list[Any]


class _DraftExercise(BaseModel):
    model_config = ConfigDict(extra="ignore")

    position: int
    slug: str
    sets: int
    reps_min: int
    reps_max: int
    weight_kg: float | None
    rest_seconds: int
    notes: str | None


def _context(info: ValidationInfo) -> PlanCheckContext:
    if not isinstance(info.context, PlanCheckContext):
        raise ValueError("validation needs a PlanCheckContext")
    return info.context


class CheckedExercise(BaseModel):
    """One exercise that passed every check against the user's allowed set."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    position: int
    slug: str
    sets: int
    reps_min: int
    reps_max: int
    weight_kg: float | None
    rest_seconds: int
    notes: str | None

    @model_validator(mode="after")
    def _check(self, info: ValidationInfo) -> Self:
        ctx = _context(info)
        exercise = ctx.allowed.get(self.slug)
        if exercise is None:
            raise ValueError(f"'{self.slug}' is not in the allowed list")
        low, high = TIMED_SECONDS_RANGE if exercise.is_timed else REPS_RANGE
        if not exercise.is_timed:
            low = max(low, ctx.min_reps)
        if not SETS_RANGE[0] <= self.sets <= SETS_RANGE[1]:
            raise ValueError(f"{self.slug}: sets must be {SETS_RANGE[0]}-{SETS_RANGE[1]}")
        if not (low <= self.reps_min <= self.reps_max <= high):
            raise ValueError(f"{self.slug}: reps must satisfy {low} <= min <= max <= {high}")
        if not REST_RANGE[0] <= self.rest_seconds <= REST_RANGE[1]:
            raise ValueError(f"{self.slug}: rest must be {REST_RANGE[0]}-{REST_RANGE[1]} s")
        if self.weight_kg is not None:
            if exercise.equipment in BODYWEIGHT_EQUIPMENT:
                raise ValueError(f"{self.slug}: bodyweight exercise must have weight_kg null")
            if not WEIGHT_RANGE[0] <= self.weight_kg <= WEIGHT_RANGE[1]:
                raise ValueError(f"{self.slug}: weight must be 0-{WEIGHT_RANGE[1]:.0f} kg")
        return self


class CheckedPlan(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    focus: str
    title: str
    rationale: str
    warmup: str
    exercises: list[CheckedExercise]

    @model_validator(mode="after")
    def _check(self) -> Self:
        for name in ("focus", "title", "rationale", "warmup"):
            value: str = getattr(self, name)
            if not value.strip():
                raise ValueError(f"'{name}' must not be empty")
            if len(value) > TEXT_LIMITS[name]:
                raise ValueError(f"'{name}' is longer than {TEXT_LIMITS[name]} characters")
        count = len(self.exercises)
        if not MIN_EXERCISES <= count <= MAX_EXERCISES:
            raise ValueError(
                f"need {MIN_EXERCISES}-{MAX_EXERCISES} different allowed exercises, got {count}"
            )
        slugs = [e.slug for e in self.exercises]
        if len(set(slugs)) != len(slugs):
            raise ValueError("an exercise appears twice")
        if [e.position for e in self.exercises] != list(range(1, count + 1)):
            raise ValueError("positions must be 1..n in order")
        return self

    def to_workout_plan(self) -> WorkoutPlan:
        return WorkoutPlan(
            focus=self.focus,
            title=self.title,
            rationale=self.rationale,
            warmup=self.warmup,
            exercises=[
                PlannedExercise(
                    slug=e.slug,
                    sets=e.sets,
                    reps_min=e.reps_min,
                    reps_max=e.reps_max,
                    weight_kg=e.weight_kg,
                    rest_seconds=e.rest_seconds,
                    notes=e.notes,
                )
                for e in self.exercises
            ],
        )


def _error_text(error: ValidationError) -> list[str]:
    out = []
    for item in error.errors():
        loc = ".".join(str(p) for p in item["loc"])
        message = item["msg"].removeprefix("Value error, ")
        out.append(f"{loc}: {message}" if loc else message)
    return out


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def min_reps_for(profile: TrainingProfile | None) -> int:
    if profile is not None and profile.is_minor:
        return MINOR_MIN_REPS
    return 1


def _repair_exercise(
    draft: _DraftExercise, exercise: CatalogueExercise, min_reps: int, repairs: list[str]
) -> dict[str, Any]:
    slug = draft.slug
    sets = int(_clamp(draft.sets, *SETS_RANGE))
    if sets != draft.sets:
        repairs.append(f"{slug}: sets {draft.sets} -> {sets}")
    reps_min, reps_max = draft.reps_min, draft.reps_max
    if reps_min > reps_max:
        reps_min, reps_max = reps_max, reps_min
        repairs.append(f"{slug}: swapped reps_min and reps_max")
    low, high = TIMED_SECONDS_RANGE if exercise.is_timed else REPS_RANGE
    if not exercise.is_timed:
        low = max(low, min_reps)
    new_min, new_max = int(_clamp(reps_min, low, high)), int(_clamp(reps_max, low, high))
    if (new_min, new_max) != (reps_min, reps_max):
        repairs.append(f"{slug}: reps {reps_min}-{reps_max} -> {new_min}-{new_max}")
    rest = int(_clamp(draft.rest_seconds, *REST_RANGE))
    if rest != draft.rest_seconds:
        repairs.append(f"{slug}: rest {draft.rest_seconds} -> {rest} s")
    weight = draft.weight_kg
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
    notes = draft.notes.strip() if draft.notes else None
    if notes and len(notes) > NOTES_LIMIT:
        notes = _shorten(notes, NOTES_LIMIT)
        repairs.append(f"{slug}: shortened notes")
    return {
        "position": draft.position,
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
        draft = _DraftText.model_validate(data)
    except ValidationError as error:
        return PlanValidation(None, errors=tuple(_error_text(error)), reason="schema")

    repairs: list[str] = []
    dropped: list[str] = []
    seen: set[str] = set()
    kept: list[dict[str, Any]] = []
    for index, raw in enumerate(draft.exercises, 1):
        try:
            item = _DraftExercise.model_validate(raw)
        except ValidationError as error:
            dropped.append(f"exercises[{index}] has a broken shape: {_error_text(error)[0]}")
            continue
        exercise = allowed_map.get(item.slug)
        if exercise is None:
            dropped.append(f"'{item.slug}' is not in the allowed list")
            continue
        if item.slug in seen:
            dropped.append(f"'{item.slug}' appears twice")
            continue
        seen.add(item.slug)
        kept.append(_repair_exercise(item, exercise, min_reps, repairs))
    repairs.extend(f"dropped: {text}" for text in dropped)

    # Stable: ties and garbage positions keep the model's list order.
    ordered = sorted(kept, key=lambda e: e["position"])
    if ordered != kept:
        repairs.append("reordered exercises by position")
    if len(ordered) > MAX_EXERCISES:
        repairs.append(f"kept the first {MAX_EXERCISES} of {len(ordered)} exercises")
        ordered = ordered[:MAX_EXERCISES]
    if [e["position"] for e in ordered] != list(range(1, len(ordered) + 1)):
        repairs.append("renumbered positions 1..n")
        for number, entry in enumerate(ordered, 1):
            entry["position"] = number

    texts: dict[str, str] = {}
    for name, limit in TEXT_LIMITS.items():
        value = str(getattr(draft, name)).strip()
        if len(value) > limit:
            value = _shorten(value, limit)
            repairs.append(f"shortened {name}")
        texts[name] = value

    try:
        checked = CheckedPlan.model_validate(
            {**texts, "exercises": ordered},
            context=PlanCheckContext(allowed=allowed_map, min_reps=min_reps),
        )
        plan = checked.to_workout_plan()
    except ValidationError as error:
        return PlanValidation(
            None,
            repairs=tuple(repairs),
            errors=(*dropped, *_error_text(error)),
            reason="validation",
        )
    return PlanValidation(plan, repairs=tuple(repairs))
