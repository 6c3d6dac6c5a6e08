"""What the workout generators (LLM and rule-based) take: the user and their history.

What they return is `training.plan.WorkoutPlan`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from trainer_bot.catalogue import HomeItem
from trainer_bot.db.enums import EquipmentType, FitnessLevel, Gender, Goal, WorkoutStatus

OLDER_ADULT_AGE = 65


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
    # What a home user has (registration asks; nothing until they answer). Gym users
    # have everything, so the field only matters for `EquipmentType.BODYWEIGHT`.
    home_equipment: frozenset[HomeItem] = frozenset()
    # Exercise slugs every generator ranks lower for this user (never forbids): the ones
    # they swapped away twice, and on «🔁 Собрать заново» the ones of the replaced workout.
    ranked_lower: frozenset[str] = frozenset()

    @property
    def bmi(self) -> float:
        return self.weight_kg / (self.height_cm / 100) ** 2

    @property
    def is_minor(self) -> bool:
        return self.age < 18

    @property
    def is_older_adult(self) -> bool:
        return self.age >= OLDER_ADULT_AGE


@dataclass(frozen=True, slots=True)
class PastWorkout:
    """A previous workout as the generators see it (newest first in a history list)."""

    received_at: datetime
    status: WorkoutStatus
    focus: str
    exercise_slugs: tuple[str, ...] = field(default_factory=tuple)
    # The planned sets of each exercise, in the order of `exercise_slugs`, when known
    # (saved workouts carry them): the fallback counts the week's hard sets from them
    # instead of estimating. Empty when unknown.
    exercise_sets: tuple[int, ...] = field(default_factory=tuple)
