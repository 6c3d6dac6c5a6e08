"""The rules check every workout passes before a user sees it, whoever wrote it.

`check(plan, profile, history)` returns the violations of training.md (empty: the plan
passes): the table, the session's shape, the week's shape, load limits, populations and
equipment. It reads only the plan, the profile, the catalogue and the history, and keeps
its own tables (`limits`), so a mistake in a generator's tables stays visible here.
`population_note(profile)` is the one line the workout screen shows for the people
training.md names (a doctor, an adult nearby); `workout_note(profile)` adds to it the line
for a week too short for the level's weekly minimum (`weekly_minimum`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from trainer_bot.catalogue import CatalogueExercise, default_catalogue
from trainer_bot.training.plan import WorkoutPlan
from trainer_bot.training.rules_check.exercise_rules import load_limit, why_not_allowed
from trainer_bot.training.rules_check.population import population_note, workout_note
from trainer_bot.training.rules_check.session import check_exercise, check_session
from trainer_bot.training.rules_check.violations import Violation, ViolationKind
from trainer_bot.training.rules_check.week import (
    HistoryItem,
    LoggedWorkout,
    check_week,
    weekly_minimum,
    weekly_minimum_capped,
)
from trainer_bot.training.schemas import TrainingProfile

__all__ = [
    "HistoryItem",
    "LoggedWorkout",
    "Violation",
    "ViolationKind",
    "check",
    "check_exercise",
    "load_limit",
    "population_note",
    "weekly_minimum",
    "weekly_minimum_capped",
    "why_not_allowed",
    "workout_note",
]


def check(
    plan: WorkoutPlan,
    profile: TrainingProfile,
    history: Sequence[HistoryItem],
    *,
    catalogue: Sequence[CatalogueExercise] | None = None,
    today: date | None = None,
    weekly_minimum: bool = True,
) -> list[Violation]:
    """Violations of training.md by `plan`, made for `today` (default: the UTC date now)
    after `history` (any order). `weekly_minimum=False` skips only the weekly hard-set
    minimum, which a tiny test catalogue cannot reach."""
    today = today or datetime.now(UTC).date()
    by_slug = {e.slug: e for e in (catalogue if catalogue is not None else default_catalogue())}
    return [
        *check_session(plan, profile, by_slug),
        *check_week(plan, profile, by_slug, history, today, weekly_minimum=weekly_minimum),
    ]
