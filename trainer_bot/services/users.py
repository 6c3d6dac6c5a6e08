"""User profiles: reading and saving the registration answers."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.db.home_equipment import encode_home_equipment
from trainer_bot.queries import users as user_queries
from trainer_bot.services.profile_rules import ProfileAnswers, first_problem
from trainer_bot.services.views import Profile, profile_view

logger = logging.getLogger(__name__)


class ProfileInconsistentError(ValueError):
    pass


async def load_profile(session: AsyncSession, telegram_id: int) -> Profile | None:
    user = await user_queries.get_by_telegram_id(session, telegram_id)
    return profile_view(user) if user is not None else None


async def save_profile(
    session: AsyncSession, telegram_id: int, first_name: str | None, answers: ProfileAnswers
) -> Profile:
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
        "home_equipment": (
            encode_home_equipment(answers.home_equipment)
            if answers.home_equipment is not None
            else None
        ),
    }
    # The update's session holds one transaction: the row is written whole or not at all.
    user = await user_queries.upsert_profile(session, telegram_id, values)
    await session.commit()
    logger.info("User %s completed registration", telegram_id)
    return profile_view(user)


class Users:
    """Profiles within one update, bound to its session.

    A profile read (or saved) once is kept for the rest of the update: the window shown
    after a handler renders from it instead of reading the row again.
    """

    __slots__ = ("_known", "_saved", "_session", "_timezones")

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._known: dict[int, Profile | None] = {}
        self._saved: dict[int, Profile] = {}
        self._timezones: dict[int, str | None] = {}  # users.timezone another read brought

    def note_timezone(self, telegram_id: int, value: str | None) -> None:
        """users.timezone as a service has just read it (saves reading the profile)."""
        self._timezones[telegram_id] = value

    async def timezone(self, telegram_id: int) -> str | None:
        """users.timezone (None: not chosen, or no profile), read once per update."""
        if telegram_id in self._timezones:
            return self._timezones[telegram_id]
        profile = await self.profile(telegram_id)
        return profile.timezone if profile is not None else None

    def saved(self, telegram_id: int) -> Profile | None:
        """The profile as this update has just saved it (None if it saved none)."""
        return self._saved.get(telegram_id)

    async def profile(self, telegram_id: int) -> Profile | None:
        if telegram_id in self._known:
            return self._known[telegram_id]
        profile = self._known[telegram_id] = await load_profile(self._session, telegram_id)
        return profile

    async def is_registered(self, telegram_id: int) -> bool:
        return await self.profile(telegram_id) is not None

    async def save(
        self, telegram_id: int, first_name: str | None, answers: ProfileAnswers
    ) -> Profile:
        profile = await save_profile(self._session, telegram_id, first_name, answers)
        self._known[telegram_id] = self._saved[telegram_id] = profile
        return profile

    def forget(self, telegram_id: int) -> None:
        """After a write that changed the row behind the kept profile."""
        self._known.pop(telegram_id, None)
        self._saved.pop(telegram_id, None)
        self._timezones.pop(telegram_id, None)
