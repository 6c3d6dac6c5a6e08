"""How well an exercise suits a user and a slot: the preferences the rule-based generator
picks by and the LLM shortlist ranks by, so both offer the same best options.

Penalties, lower is better. They are multiples of 0.5, so sums are exact in floating
point and the order they are added in never changes a tie.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from functools import lru_cache
from typing import Final

from trainer_bot.catalogue import CatalogueExercise, Category
from trainer_bot.db.enums import Equipment, EquipmentType, FitnessLevel, Movement, Muscle
from trainer_bot.training import rules
from trainer_bot.training.schemas import TrainingProfile

LEVEL_GAP_PENALTY: Final = 0.5  # per level between the exercise's and the user's
ISOLATION_IN_MAIN_SLOT_PENALTY: Final = 5.0
# A close-grip bench press is a triceps lift: a poor pick for a chest slot.
SMALL_FIRST_PENALTY: Final = 2.0
SMALL_MUSCLES: Final = frozenset({Muscle.TRICEPS, Muscle.BICEPS, Muscle.FOREARMS, Muscle.CALVES})
# Gym users: which equipment suits the main slots. Beginners start on machines and
# dumbbells (a guided path, no spotter needed); experienced lifters on bars.
GYM_EQUIPMENT_PENALTY_BEGINNER: Final[Mapping[Equipment, float]] = {
    Equipment.MACHINE: 0.0,
    Equipment.DUMBBELL: 0.0,
    Equipment.CABLE: 0.0,
    Equipment.BARBELL: 1.0,
    Equipment.KETTLEBELL: 1.0,
    Equipment.BODYWEIGHT: 1.5,
    Equipment.PULLUP_BAR: 2.0,
    Equipment.DIP_BARS: 2.0,
}
GYM_EQUIPMENT_PENALTY_EXPERIENCED: Final[Mapping[Equipment, float]] = {
    Equipment.BARBELL: 0.0,
    Equipment.DUMBBELL: 0.0,
    Equipment.CABLE: 0.5,
    Equipment.MACHINE: 0.5,
    Equipment.PULLUP_BAR: 0.5,
    Equipment.KETTLEBELL: 1.0,
    Equipment.BODYWEIGHT: 1.5,
    # Bar dips: bodyweight work that is hard on the shoulder joint; in a gym the loaded
    # presses and push-ups come first (as the pull-up bar for a beginner).
    Equipment.DIP_BARS: 2.0,
}
# An exercise the user swapped away twice (or one of the workout a rebuild replaces): about
# as costly as having done it in the last workout, so another fitting exercise wins while
# there is one.
RANKED_LOWER_PENALTY: Final = 10.0
# Trunk work and conditioning drills: any equipment will do.
NO_EQUIPMENT_PREFERENCE: Final = frozenset({Movement.CORE, Movement.CONDITIONING})


def is_mobility_drill(exercise: CatalogueExercise) -> bool:
    """Gentle enough for a light day: the catalogue's mobility category."""
    return exercise.category is Category.MOBILITY


def trains_in_gym(profile: TrainingProfile) -> bool:
    return profile.equipment is EquipmentType.GYM and not rules.is_child(profile.age)


def leads_with_small_muscle(exercise: CatalogueExercise) -> bool:
    return exercise.primary_muscles[0] in SMALL_MUSCLES


def ranked_lower_penalty(profile: TrainingProfile, exercise: CatalogueExercise) -> float:
    return RANKED_LOWER_PENALTY if exercise.slug in profile.ranked_lower else 0.0


def slot_penalty(exercise: CatalogueExercise, *, compound_slot: bool, muscle_slot: bool) -> float:
    """A single-joint exercise in a main lift's slot; an arm or calf lift in a slot that
    names no muscle (a chest slot should not get a close-grip bench press)."""
    score = 0.0
    if compound_slot and not exercise.is_compound:
        score += ISOLATION_IN_MAIN_SLOT_PENALTY
    if not muscle_slot and leads_with_small_muscle(exercise):
        score += SMALL_FIRST_PENALTY
    return score


@lru_cache(maxsize=4096)
def tiebreak(slug: str) -> int:
    # Stable across runs (unlike hash()); spreads ties instead of alphabetical order.
    return zlib.crc32(slug.encode())


class LevelAndEquipment:
    """A user's slot-independent preferences: exercises near their level, and (gym users)
    the equipment that suits their experience."""

    __slots__ = ("_equipment", "_gym", "_target_rank")

    def __init__(self, profile: TrainingProfile, level: FitnessLevel) -> None:
        """`level`: the effective one (`rules.effective_level`)."""
        beginner = level is FitnessLevel.BEGINNER or profile.is_minor
        self._equipment = (
            GYM_EQUIPMENT_PENALTY_BEGINNER if beginner else GYM_EQUIPMENT_PENALTY_EXPERIENCED
        )
        self._gym = trains_in_gym(profile)
        ceiling = rules.LEVEL_RANK[FitnessLevel.BEGINNER if profile.is_minor else level]
        # "Advanced" is training age, not a calisthenics skill: muscle-ups and pistols only
        # now and then.
        self._target_rank = min(ceiling, rules.LEVEL_RANK[FitnessLevel.INTERMEDIATE])

    def level_gap(self, exercise: CatalogueExercise) -> float:
        return LEVEL_GAP_PENALTY * abs(self._target_rank - rules.LEVEL_RANK[exercise.level])

    def equipment(self, exercise: CatalogueExercise) -> float:
        if self._gym and exercise.movement not in NO_EQUIPMENT_PREFERENCE:
            return self._equipment[exercise.equipment]
        return 0.0

    def penalty(self, exercise: CatalogueExercise) -> float:
        return self.level_gap(exercise) + self.equipment(exercise)
