"""What the workout generators (LLM and rule-based) take and return.

Both generators produce a `WorkoutPlan`; the workout service saves it. Plans refer to
exercises by catalogue slug, never by database id, so generators need no database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from trainer_bot.db.enums import EquipmentType, FitnessLevel, Gender, Goal, WorkoutStatus


@dataclass(frozen=True, slots=True)
class TrainingProfile:
    gender: Gender
    age: int
    height_cm: int
    weight_kg: float
    level: FitnessLevel
    goal: Goal
    target_weight_kg: float
    workouts_per_week: int  # 2, 3 or 5
    equipment: EquipmentType

    @property
    def bmi(self) -> float:
        return self.weight_kg / (self.height_cm / 100) ** 2

    @property
    def is_minor(self) -> bool:
        return self.age < 18


@dataclass(frozen=True, slots=True)
class PastWorkout:
    """A previous workout as the generators see it (newest first in a history list)."""

    received_at: datetime
    status: WorkoutStatus
    focus: str
    exercise_slugs: tuple[str, ...] = field(default_factory=tuple)


class PlannedExercise(BaseModel):
    model_config = ConfigDict(frozen=True)

    slug: str
    sets: int = Field(ge=1, le=10)
    reps_min: int = Field(ge=1, le=300)
    reps_max: int = Field(ge=1, le=300)
    # Working weight in kg for loaded exercises; None for bodyweight work.
    weight_kg: float | None = Field(default=None, ge=0, le=500)
    rest_seconds: int = Field(ge=0, le=600)
    # How to pick or adjust the load, tempo or an easier variant, in Russian.
    notes: str | None = Field(default=None, max_length=300)


class WorkoutPlan(BaseModel):
    model_config = ConfigDict(frozen=True)

    focus: str = Field(max_length=32)  # e.g. "full_body_a", "upper", "push", "light"
    title: str = Field(max_length=128)  # Russian, e.g. "Верх тела: грудь, спина, плечи"
    rationale: str = Field(max_length=500)  # one line: why the session looks like this
    warmup: str = Field(max_length=800)
    exercises: list[PlannedExercise] = Field(min_length=1, max_length=10)
