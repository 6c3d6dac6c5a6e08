"""Records from logged sets: estimated one-rep max and the weekly streak. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Final

# Epley (1985): 1RM = weight × (1 + reps / 30). Meaningful up to about 10-12 reps; a single
# is its own 1RM.
ONE_REP_MAX_FORMULA: Final = "формула Эпли"


def epley(weight_kg: float, reps: int) -> float:
    if reps <= 1:
        return weight_kg
    return weight_kg * (1 + reps / 30)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly_streak(days: Iterable[date], per_week: int, today: date) -> int:
    """Weeks in a row with at least `per_week` completed workouts, counted back from this
    week (a week still in progress breaks nothing: then the count starts last week)."""
    counted = Counter(week_start(day) for day in days)
    week = week_start(today)
    if counted[week] < per_week:
        week -= timedelta(weeks=1)
    streak = 0
    while counted[week] >= per_week:
        streak += 1
        week -= timedelta(weeks=1)
    return streak
