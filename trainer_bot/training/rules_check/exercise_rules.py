"""Rules about one exercise for one person: may they do it at all, and how heavy a
first prescription may be."""

from __future__ import annotations

import trainer_bot.training.rules_check.limits as lim
from trainer_bot.catalogue import CatalogueExercise, HomeItem, LoadUnit
from trainer_bot.db.enums import HOME_EQUIPMENT, Equipment, EquipmentType, FitnessLevel, Gender
from trainer_bot.training.schemas import TrainingProfile

_RANK = {lim.B: 0, lim.MID: 1, lim.A: 2}
# A child in a gym may use its bar, bands and benches, never its weights.
_GYM_CHILD_ITEMS = frozenset({HomeItem.PULLUP_BAR, HomeItem.BANDS, HomeItem.BENCH})
_LOWER_MOVEMENT_WORDS = frozenset({"squat", "hinge", "lunge", "leg_isolation"})


def is_child(profile: TrainingProfile) -> bool:
    return profile.age <= lim.CHILD_MAX


def trains_at_home(profile: TrainingProfile) -> bool:
    return profile.equipment is EquipmentType.BODYWEIGHT


def home_items(profile: TrainingProfile) -> frozenset[HomeItem] | None:
    """What the user has, when it is limited (None: a gym, everything)."""
    if is_child(profile):
        have = _GYM_CHILD_ITEMS if not trains_at_home(profile) else profile.home_equipment
        return frozenset(have) - {HomeItem.DUMBBELLS}
    if trains_at_home(profile):
        return frozenset(profile.home_equipment)
    return None


def table_level(profile: TrainingProfile) -> FitnessLevel:
    """The level whose exercises and load limits apply: minors and adults 65+ start as
    beginners (training.md, load limits and populations)."""
    if profile.age < lim.ADULT or profile.age >= lim.OLDER_ADULT:
        return lim.B
    return profile.level


def why_not_allowed(exercise: CatalogueExercise, profile: TrainingProfile) -> str | None:
    """Why this person may not get the exercise at all; None when they may."""
    items = home_items(profile)
    if items is not None:
        if not exercise.home_possible or (is_child(profile) and not _unloaded(exercise)):
            if is_child(profile):
                return "age 10-13: bodyweight and bands only"
            return f"needs {exercise.equipment.value}, the user trains at home"
        missing = exercise.home_items - items
        if missing:
            return "needs " + ", ".join(sorted(i.value for i in missing)) + " at home"
    ceiling = lim.B if profile.age < lim.ADULT else profile.level
    if _RANK[exercise.level] > _RANK[ceiling]:
        if profile.age < lim.ADULT:
            return "minors get beginner-level exercises only"
        return f"{exercise.level.value} exercise for a {profile.level.value}"
    if profile.age < lim.ADULT and exercise.is_power:
        return "no Olympic or power lifts for minors"
    if profile.age >= lim.OLDER_ADULT and exercise.spine_loading:
        return "65+: no heavy spine-loading barbell lift (machines, goblet patterns instead)"
    if profile.bmi >= lim.LOW_IMPACT_BMI and exercise.is_high_impact:
        return "BMI >= 35: no jumps"
    if profile.bmi >= lim.NO_HANGING_BMI and exercise.hanging:
        return "BMI >= 40: no pull-ups, negatives or hanging"
    if profile.bmi >= lim.NO_HANGING_BMI and exercise.floor_push:
        return "BMI >= 40: push-ups on an incline, not from the floor"
    return None


def _unloaded(exercise: CatalogueExercise) -> bool:
    return exercise.equipment in HOME_EQUIPMENT


def reference_weight(profile: TrainingProfile) -> float:
    """Body weight for the load limits, capped at BMI 30 (see `limits`)."""
    return min(profile.weight_kg, lim.REFERENCE_BMI_CAP * (profile.height_cm / 100) ** 2)


def load_limit(exercise: CatalogueExercise, profile: TrainingProfile) -> float | None:
    """The heaviest first prescription in kg for the exercise's load unit, or None when
    the exercise takes no external load."""
    column = _RANK[table_level(profile)]
    equipment = exercise.equipment
    if equipment is Equipment.BARBELL:
        lower = exercise.movement.value in _LOWER_MOVEMENT_WORDS
        factor = (lim.LOWER_BARBELL if lower else lim.UPPER_BARBELL)[column]
    elif equipment in (Equipment.DUMBBELL, Equipment.KETTLEBELL):
        factor = lim.DUMBBELL_PER_HAND[column]
        if exercise.unit is LoadUnit.ONE_IMPLEMENT:
            factor *= 2
    elif equipment in (Equipment.MACHINE, Equipment.CABLE):
        factor = lim.MACHINE_STACK[column]
    else:
        return None
    if profile.gender is Gender.FEMALE:
        factor *= lim.WOMEN_SHARE
    limit = factor * reference_weight(profile)
    # A bar can never be lighter than itself: the empty bar is always allowed.
    return max(limit, empty_implement_kg(exercise))


def empty_implement_kg(exercise: CatalogueExercise) -> float:
    """The weight of the empty implement (a bar); 0 where nothing is fixed."""
    if exercise.unit is LoadUnit.SMITH_BAR:
        return lim.SMITH_BAR_KG
    if exercise.equipment is Equipment.BARBELL:
        light = "ez" in exercise.slug.split("_") or not exercise.is_compound
        return lim.LIGHT_BAR_KG if light else lim.OLYMPIC_BAR_KG
    return 0.0
