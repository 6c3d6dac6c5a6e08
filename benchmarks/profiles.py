"""Training profiles covering every answer of the registration."""

from __future__ import annotations

import itertools

from trainer_bot.db.enums import EquipmentType, FitnessLevel, Gender, Goal
from trainer_bot.training.schemas import TrainingProfile


def profile_grid() -> list[TrainingProfile]:
    """Every combination of the registration's button answers, at three ages (a teen, an
    adult, an older adult) with a plausible height, weight and target for each."""
    profiles = []
    for gender, level, goal, frequency, equipment, age in itertools.product(
        Gender, FitnessLevel, Goal, (2, 3, 5), EquipmentType, (16, 30, 58)
    ):
        height = 180 if gender is Gender.MALE else 166
        weight = round(24.0 * (height / 100) ** 2, 1)
        target = {Goal.WEIGHT_LOSS: weight - 6, Goal.MASS_GAIN: weight + 4}.get(goal, weight)
        profiles.append(
            TrainingProfile(
                gender=gender,
                age=age,
                height_cm=height,
                weight_kg=weight,
                level=level,
                goal=goal,
                target_weight_kg=target,
                workouts_per_week=frequency,
                equipment=equipment,
            )
        )
    return profiles
