"""The one line the workout screen shows for the people training.md singles out, for a
training profile (the texts and thresholds live in trainer_bot/training/population.py)."""

from __future__ import annotations

from trainer_bot.training import population
from trainer_bot.training.schemas import TrainingProfile


def population_note(profile: TrainingProfile) -> str | None:
    """Russian, one short line, or None: a doctor for BMI < 16 or >= 40 (adults; a
    child's BMI needs age charts) and for 65+, an adult nearby for ages 10-13."""
    return population.population_note(profile.age, profile.height_cm, profile.weight_kg)
