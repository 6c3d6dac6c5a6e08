"""Which catalogue exercises a user may get at all.

The same list feeds the rule-based generator and the LLM prompt, so the safety rules
(equipment at home, level, minors, 65+, BMI) hold whoever writes the workout. The rules
themselves are the production check's (`rules_check.why_not_allowed`): a plan can only
be built from exercises the check lets through.
"""

from __future__ import annotations

from collections.abc import Iterable

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.db.enums import Movement
from trainer_bot.training.rules_check import why_not_allowed
from trainer_bot.training.schemas import TrainingProfile


def is_power_lift(exercise: CatalogueExercise) -> bool:
    """Olympic / power lifts, swings, thrusters (the catalogue's explicit flag)."""
    return exercise.is_power


def allowed_exercises(
    profile: TrainingProfile, catalogue: Iterable[CatalogueExercise]
) -> list[CatalogueExercise]:
    """The exercises this user may get, in a stable order: by movement pattern (the order
    the enum declares, big lifts first), then by slug."""
    allowed = [e for e in catalogue if why_not_allowed(e, profile) is None]
    return sorted(allowed, key=lambda e: (_MOVEMENT_ORDER[e.movement], e.slug))


_MOVEMENT_ORDER = {movement: index for index, movement in enumerate(Movement)}
