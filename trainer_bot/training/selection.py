"""Which catalogue exercises a user may get at all.

The same list feeds the rule-based generator and the LLM prompt, so the safety rules
(equipment, level, minors, BMI) hold whoever writes the workout.
"""

from __future__ import annotations

from collections.abc import Iterable

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.db.enums import HOME_EQUIPMENT, EquipmentType, FitnessLevel, Movement
from trainer_bot.training import rules
from trainer_bot.training.schemas import TrainingProfile


def is_power_lift(exercise: CatalogueExercise) -> bool:
    """Olympic / power lifts (cleans, snatches, jerks), recognised by the slug's words."""
    return not rules.POWER_LIFT_SLUG_WORDS.isdisjoint(exercise.slug.split("_"))


class _Limits:
    """The profile's restrictions, worked out once for a whole catalogue."""

    __slots__ = ("bodyweight_only", "ceiling", "low_impact", "minor")

    def __init__(self, bodyweight_only: bool, ceiling: int, minor: bool, low_impact: bool):
        self.bodyweight_only = bodyweight_only
        self.ceiling = ceiling
        self.minor = minor
        self.low_impact = low_impact

    @classmethod
    def of(cls, profile: TrainingProfile) -> _Limits:
        # Minors get beginner-level exercises only; children also train bodyweight only.
        level = FitnessLevel.BEGINNER if profile.is_minor else profile.level
        return cls(
            bodyweight_only=(
                profile.equipment is EquipmentType.BODYWEIGHT or rules.is_child(profile.age)
            ),
            ceiling=rules.LEVEL_RANK[level],
            minor=profile.is_minor,
            # Adult BMI cut-offs do not apply to minors, but going easy on the joints of a
            # heavy child costs nothing, so the low-impact rule applies at any age.
            low_impact=profile.bmi >= rules.LOW_IMPACT_BMI,
        )

    def allows(self, exercise: CatalogueExercise) -> bool:
        if self.bodyweight_only and exercise.equipment not in HOME_EQUIPMENT:
            return False
        if rules.LEVEL_RANK[exercise.level] > self.ceiling:
            return False
        if self.minor and is_power_lift(exercise):
            return False
        return not (self.low_impact and exercise.is_high_impact)


def allowed_exercises(
    profile: TrainingProfile, catalogue: Iterable[CatalogueExercise]
) -> list[CatalogueExercise]:
    """The exercises this user may get, in a stable order: by movement pattern (the order
    the enum declares, big lifts first), then by slug."""
    limits = _Limits.of(profile)
    allowed = [e for e in catalogue if limits.allows(e)]
    return sorted(allowed, key=lambda e: (_MOVEMENT_ORDER[e.movement], e.slug))


_MOVEMENT_ORDER = {movement: index for index, movement in enumerate(Movement)}
