"""Sets written straight to the database: a log made from another screen or device."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from trainer_bot.db.models import SetLog, User, WorkoutExercise


async def log_first_set_elsewhere(
    session_factory: async_sessionmaker[AsyncSession],
    logged_at: datetime,
    *,
    loaded_only: bool = False,
) -> None:
    """One set of 8 reps on the first exercise (the first with a load when `loaded_only`)
    of the only user's workout, behind the back of the screen under test."""
    async with session_factory() as session:
        items = (
            await session.execute(select(WorkoutExercise).order_by(WorkoutExercise.position))
        ).scalars()
        item = next(item for item in items if item.weight_kg or not loaded_only)
        session.add(
            SetLog(
                workout_exercise_id=item.id,
                user_id=(await session.execute(select(User.id))).scalar_one(),
                exercise_id=item.exercise_id,
                set_number=1,
                reps=8,
                weight_kg=item.weight_kg,
                logged_at=logged_at,
            )
        )
        await session.commit()
