"""The progression engine's input, read from the set logs (one statement)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.db.enums import SessionEffort
from trainer_bot.queries import results as result_queries
from trainer_bot.training.ladders import ladder_of
from trainer_bot.training.progression import MAIN_POSITIONS, LoggedSession, TrainingHistory
from trainer_bot.training.schemas import PastWorkout

# How far back the engine looks: longer than a block of main lifts, bounded so the read
# costs the same after years of history.
HISTORY_WINDOW: Final = timedelta(days=120)
# Sessions kept per exercise: the last two decide a deload.
SESSIONS_PER_EXERCISE: Final = 2


def slugs_to_read(planned: Iterable[str], workouts: Sequence[PastWorkout]) -> list[str]:
    """The planned exercises and the recent main lifts (the engine may keep them in place
    of the planned ones), with their ladder mates."""
    slugs: dict[str, None] = {}
    main_lifts = (slug for w in workouts for slug in w.exercise_slugs[:MAIN_POSITIONS])
    for slug in (*planned, *main_lifts):
        slugs[slug] = None
        slugs.update(dict.fromkeys(ladder_of(slug)))
    return list(slugs)


async def read_history(
    session: AsyncSession,
    user_id: int,
    slugs: Sequence[str],
    workouts: Sequence[PastWorkout],
    now: datetime,
) -> TrainingHistory:
    rows = await result_queries.logged_history(session, user_id, slugs, now - HISTORY_WINDOW)
    grouped: dict[int, list[result_queries.HistoryRow]] = {}
    for row in rows:  # newest workout first, sets in order
        grouped.setdefault(row.workout_exercise_id, []).append(row)
    exercises: dict[str, list[LoggedSession]] = {}
    for sets in grouped.values():
        first = sets[0]
        sessions = exercises.setdefault(first.slug, [])
        if len(sessions) >= SESSIONS_PER_EXERCISE:
            continue
        sessions.append(
            LoggedSession(
                performed_at=max(s.logged_at for s in sets),
                reps=tuple(s.reps for s in sets),
                weights=tuple(s.weight_kg for s in sets),
                reps_min=first.reps_min,
                reps_max=first.reps_max,
                effort=SessionEffort(first.effort) if first.effort else None,
            )
        )
    return TrainingHistory(exercises=exercises, workouts=tuple(workouts))
