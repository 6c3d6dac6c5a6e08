"""The rules checker the tests use: the production one (`trainer_bot.training.rules_check`).

`check_workout` keeps the older call shape (catalogue before history, violations as
readable strings) for the tests written against it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.training.plan import WorkoutPlan
from trainer_bot.training.rules_check import HistoryItem, LoggedWorkout, check
from trainer_bot.training.schemas import TrainingProfile

__all__ = ["HistoryItem", "LoggedWorkout", "check_workout"]


def check_workout(
    plan: WorkoutPlan,
    profile: TrainingProfile,
    catalogue: Sequence[CatalogueExercise],
    history: Sequence[HistoryItem],
    *,
    today: date | None = None,
    weekly_minimum: bool = True,
) -> list[str]:
    found = check(
        plan, profile, history, catalogue=catalogue, today=today, weekly_minimum=weekly_minimum
    )
    return [str(v) for v in found]
