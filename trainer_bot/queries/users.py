"""Data access for users: thin queries, no business rules."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.db.models import User


async def get_by_telegram_id(session: AsyncSession, telegram_id: int) -> User | None:
    result = await session.execute(select(User).where(User.telegram_id == telegram_id))
    return result.scalar_one_or_none()


async def upsert_profile(session: AsyncSession, telegram_id: int, values: dict[str, Any]) -> User:
    """Insert the user or overwrite the profile fields of an existing one."""
    user = await get_by_telegram_id(session, telegram_id)
    if user is None:
        user = User(telegram_id=telegram_id, **values)
        session.add(user)
    else:
        for field, value in values.items():
            setattr(user, field, value)
    await session.flush()
    return user
