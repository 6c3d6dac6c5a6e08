"""A saved workout read back as the plan it was saved from."""

from __future__ import annotations

from trainer_bot.db.models import Workout
from trainer_bot.services.swaps import saved_plan
from trainer_bot.training.plan import WorkoutPlan


def plan_of(workout: Workout) -> WorkoutPlan:
    """The same reading the swap service uses, so tests check what the bot checks."""
    return saved_plan(workout).plan
