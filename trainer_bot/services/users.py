"""User profiles: reading and saving the registration answers."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.db.models import User
from trainer_bot.queries import users as user_queries
from trainer_bot.services.profile_rules import ProfileAnswers, first_problem

logger = logging.getLogger(__name__)


class ProfileInconsistentError(ValueError):
    pass


async def get_user(session: AsyncSession, telegram_id: int) -> User | None:
    return await user_queries.get_by_telegram_id(session, telegram_id)


async def save_profile(
    session: AsyncSession, telegram_id: int, first_name: str | None, answers: ProfileAnswers
) -> User:
    """Create or update the profile in one transaction."""
    problem = first_problem(answers)
    if problem is not None:
        raise ProfileInconsistentError(problem[1])
    values = {
        "first_name": (first_name or "")[:128] or None,
        "gender": answers.gender,
        "age": answers.age,
        "height_cm": answers.height_cm,
        "current_weight_kg": answers.weight_kg,
        "fitness_level": answers.level,
        "goal": answers.goal.value,
        "target_weight_kg": answers.target_weight_kg,
        "workout_frequency": answers.frequency,
        "equipment_type": answers.equipment,
    }
    # The update's session holds one transaction: the row is written whole or not at all.
    user = await user_queries.upsert_profile(session, telegram_id, values)
    await session.commit()
    logger.info("User %s completed registration", telegram_id)
    return user


def answers_from_user(user: User) -> dict[str, object]:
    """The saved profile as registration answers (to edit it with the same dialog)."""
    return {
        "gender": user.gender,
        "age": user.age,
        "height_cm": user.height_cm,
        "weight_kg": user.current_weight_kg,
        "level": user.fitness_level,
        "goal": user.goal,
        "target_weight_kg": user.target_weight_kg,
        "frequency": user.workout_frequency,
        "equipment": user.equipment_type,
    }
