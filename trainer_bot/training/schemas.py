"""What the workout generators (LLM and rule-based) take: the user and their history.

What they return is `training.plan.WorkoutPlan`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

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
    # Equipment values ("pullup_bar", "dumbbell", "bands", "bench") a «Свой вес» user has
    # at home; empty for gym users and for users never asked (they count as "nothing").
    home_equipment: frozenset[str] = frozenset()

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
