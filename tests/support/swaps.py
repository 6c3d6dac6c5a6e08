"""What a swap test checks independently of the screens: the saved workout and each
offered alternative against the production rules check."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import selectinload

from trainer_bot.catalogue import default_catalogue
from trainer_bot.db.enums import SwapReason
from trainer_bot.db.models import Exercise, User, Workout
from trainer_bot.services.swaps import saved_plan
from trainer_bot.services.training_profile import profile_of
from trainer_bot.training.progression import TrainingHistory
from trainer_bot.training.rules_check import check
from trainer_bot.training.swap import alternatives


async def _latest(session: AsyncSession, telegram_id: int) -> Workout:
    return (
        await session.execute(
            select(Workout)
            .join(User)
            .where(User.telegram_id == telegram_id)
            .order_by(Workout.id.desc())
            .limit(1)
            .options(selectinload(Workout.exercises), selectinload(Workout.user))
        )
    ).scalar_one()


async def saved_findings(
    session_factory: async_sessionmaker[AsyncSession], telegram_id: int, today: date
) -> set[str]:
    """Kinds of the rules check's findings on the user's newest workout (their first)."""
    async with session_factory() as session:
        workout = await _latest(session, telegram_id)
        plan = saved_plan(workout).plan
        profile = profile_of(workout.user)
    found = check(plan, profile, [], catalogue=default_catalogue(), today=today)
    return {violation.kind.value for violation in found}


async def alternative_findings(
    session_factory: async_sessionmaker[AsyncSession],
    telegram_id: int,
    position: int,
    exercise_id: int,
    today: date,
) -> set[str]:
    """The findings on the newest workout with the exercise at `position` swapped for the
    offered `exercise_id`, the swapped plan made as the screen's offer made it."""
    async with session_factory() as session:
        workout = await _latest(session, telegram_id)
        slug = await session.scalar(select(Exercise.slug).where(Exercise.id == exercise_id))
        saved = saved_plan(workout)
        profile = profile_of(workout.user)
        index = [item.position for item in workout.exercises].index(position)
    catalogue = default_catalogue()
    offered = alternatives(
        saved,
        index,
        profile,
        [],
        TrainingHistory(),
        catalogue,
        reason=SwapReason.DISLIKE,
        today=today,
    )
    (chosen,) = [a for a in offered if a.exercise.slug == slug]
    found = check(chosen.saved.plan, profile, [], catalogue=catalogue, today=today)
    return {violation.kind.value for violation in found}
