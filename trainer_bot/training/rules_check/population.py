"""The lines the workout screen shows for a training profile: the one for the people
training.md singles out, and the one for a week too short for the level's weekly minimum
(the texts and thresholds live in trainer_bot/training/population.py)."""

from __future__ import annotations

from trainer_bot.training import population
from trainer_bot.training.rules_check.week import weekly_minimum_capped
from trainer_bot.training.schemas import TrainingProfile


def population_note(profile: TrainingProfile) -> str | None:
    """Russian, one short line, or None: a doctor for BMI < 16 or >= 40 (adults; a
    child's BMI needs age charts) and for 65+, an adult nearby for ages 10-13."""
    return population.population_note(profile.age, profile.height_cm, profile.weight_kg)


def workout_note(profile: TrainingProfile) -> str | None:
    """The population line, then (when the week cannot hold the level's weekly minimum,
    see `weekly_minimum`) an honest line that the muscles get fewer sets than the level
    needs; one line each, or None."""
    lines = [population_note(profile)]
    if weekly_minimum_capped(profile):
        lines.append(population.volume_cap_note(profile.workouts_per_week))
    return "\n".join(line for line in lines if line) or None
