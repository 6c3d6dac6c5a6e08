"""Which catalogue exercises a user may get at all.

The same list feeds the rule-based generator and the LLM prompt, so the safety rules
(equipment, level, minors, BMI) hold whoever writes the workout.
"""

from __future__ import annotations

from collections.abc import Iterable

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.db.enums import HOME_EQUIPMENT, EquipmentType, FitnessLevel
from trainer_bot.training import rules
from trainer_bot.training.schemas import TrainingProfile


def is_power_lift(exercise: CatalogueExercise) -> bool:
    """Olympic / power lifts (cleans, snatches, jerks), recognised by the slug's words."""
    return not rules.POWER_LIFT_SLUG_WORDS.isdisjoint(exercise.slug.split("_"))


def exercise_allowed(exercise: CatalogueExercise, profile: TrainingProfile) -> bool:
    bodyweight_only = (
        profile.equipment is EquipmentType.BODYWEIGHT or rules.is_child(profile.age)
    )
    if bodyweight_only and exercise.equipment not in HOME_EQUIPMENT:
        return False
    # Minors get beginner-level exercises only; children also train as beginners.
    ceiling = FitnessLevel.BEGINNER if profile.is_minor else profile.level
    if rules.LEVEL_RANK[exercise.level] > rules.LEVEL_RANK[ceiling]:
        return False
    if profile.is_minor and is_power_lift(exercise):
        return False
    # Adult BMI cut-offs do not apply to minors, but going easy on the joints of a heavy
    # child costs nothing, so the low-impact rule applies at any age.
    return not (profile.bmi >= rules.LOW_IMPACT_BMI and exercise.is_high_impact)


def allowed_exercises(
    profile: TrainingProfile, catalogue: Iterable[CatalogueExercise]
) -> list[CatalogueExercise]:
    """The exercises this user may get, in a stable order (movement, then slug)."""
    allowed = [e for e in catalogue if exercise_allowed(e, profile)]
    return sorted(allowed, key=lambda e: (e.movement.value, e.slug))
