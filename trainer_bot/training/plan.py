"""The workout plan: the one model both generators produce and the service saves.

A plan refers to exercises by catalogue slug, never by database id, so generators need no
database. The field bounds hold for any plan (the rule-based one included). An LLM's
answer is this same model validated with a `ShortlistCheck` context: then the exercises
must come from the list the prompt showed, with sets, reps, rest and weight in the
narrower ranges below (`llm.validation` repairs an answer into them first). The LLM's
strict JSON schema is derived from these fields (`llm.answer`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.db.enums import HOME_EQUIPMENT

# Longest texts a plan may carry (the exercise notes, the plan's own texts).
NOTES_LIMIT: Final = 300
TEXT_LIMITS: Final[Mapping[str, int]] = {
    "focus": 32,
    "title": 128,
    "rationale": 500,
    "warmup": 800,
}
MAX_PLAN_EXERCISES: Final = 10

# What an answer checked against a shortlist may ask for.
MIN_EXERCISES: Final = 4
MAX_EXERCISES: Final = 7
SETS_RANGE: Final = (1, 6)
REPS_RANGE: Final = (1, 30)
TIMED_SECONDS_RANGE: Final = (10, 180)
REST_RANGE: Final = (15, 300)
WEIGHT_RANGE: Final = (0.0, 300.0)
# Equipment without external load: a weight makes no sense there.
BODYWEIGHT_EQUIPMENT: Final = HOME_EQUIPMENT


@dataclass(frozen=True, slots=True)
class ShortlistCheck:
    """Validation context of a plan someone else wrote (the LLM): the exercises it may
    use (the prompt's list) and the fewest repetitions (8 for minors)."""

    allowed: Mapping[str, CatalogueExercise]
    min_reps: int = 1


def _shortlist_check(info: ValidationInfo) -> ShortlistCheck | None:
    return info.context if isinstance(info.context, ShortlistCheck) else None


class PlannedExercise(BaseModel):
    model_config = ConfigDict(frozen=True)

    slug: str
    sets: int = Field(ge=1, le=10)
    # Repetitions, or seconds for a timed exercise (a plank).
    reps_min: int = Field(ge=1, le=300)
    reps_max: int = Field(ge=1, le=300)
    # Working weight in kg for loaded exercises; None for bodyweight work.
    weight_kg: float | None = Field(default=None, ge=0, le=500)
    rest_seconds: int = Field(ge=0, le=600)
    # How to pick or adjust the load, tempo or an easier variant, in Russian.
    notes: str | None = Field(default=None, max_length=NOTES_LIMIT)

    @model_validator(mode="after")
    def _check_against_shortlist(self, info: ValidationInfo) -> Self:
        check = _shortlist_check(info)
        if check is None:
            return self
        exercise = check.allowed.get(self.slug)
        if exercise is None:
            raise ValueError(f"'{self.slug}' is not in the allowed list")
        low, high = reps_range(exercise, check.min_reps)
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


class WorkoutPlan(BaseModel):
    model_config = ConfigDict(frozen=True)

    focus: str = Field(max_length=TEXT_LIMITS["focus"])  # e.g. "full_body_a", "upper", "light"
    title: str = Field(max_length=TEXT_LIMITS["title"])  # Russian: "Верх тела: грудь, спина"
    rationale: str = Field(max_length=TEXT_LIMITS["rationale"])  # why the session looks so
    warmup: str = Field(max_length=TEXT_LIMITS["warmup"])
    # In the order to do them. At least one; the count is checked below, after the
    # exercises, so a shortlist check reports its own range ("need 4-7").
    exercises: list[PlannedExercise] = Field(max_length=MAX_PLAN_EXERCISES)

    @model_validator(mode="after")
    def _check_exercises(self, info: ValidationInfo) -> Self:
        check = _shortlist_check(info)
        if check is None:
            if not self.exercises:
                raise ValueError("a plan needs at least one exercise")
            return self
        for name in TEXT_LIMITS:
            if not str(getattr(self, name)).strip():
                raise ValueError(f"'{name}' must not be empty")
        count = len(self.exercises)
        if not MIN_EXERCISES <= count <= MAX_EXERCISES:
            raise ValueError(
                f"need {MIN_EXERCISES}-{MAX_EXERCISES} different allowed exercises, got {count}"
            )
        slugs = [e.slug for e in self.exercises]
        if len(set(slugs)) != len(slugs):
            raise ValueError("an exercise appears twice")
        return self


def reps_range(exercise: CatalogueExercise, min_reps: int = 1) -> tuple[int, int]:
    """The repetitions (seconds for a timed exercise) an answer may ask for."""
    if exercise.is_timed:
        return TIMED_SECONDS_RANGE
    return max(REPS_RANGE[0], min_reps), REPS_RANGE[1]
