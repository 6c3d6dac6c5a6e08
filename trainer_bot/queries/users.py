"""Data access for users: thin queries, no business rules."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.db.base import utcnow
from trainer_bot.db.models import User


async def get_by_telegram_id(session: AsyncSession, telegram_id: int) -> User | None:
    result = await session.execute(select(User).where(User.telegram_id == telegram_id))
    return result.scalar_one_or_none()


async def upsert_profile(session: AsyncSession, telegram_id: int, values: dict[str, Any]) -> User:
    """Insert the user or overwrite the profile fields of an existing one, in one statement.

    Only the columns in `values` (and `updated_at`) change on an existing row: its workouts,
    `last_workout_at` and a running generation's reservation stay as they are. The unique
    telegram_id makes two racing saves of one user end as one row.
    """
    now = utcnow()
    row = {"telegram_id": telegram_id, "created_at": now, "updated_at": now, **values}
    changes = {**values, "updated_at": now}
    # INSERT ... ON CONFLICT is dialect syntax; the bot runs on both databases.
    upsert: postgresql.Insert | sqlite.Insert
    if session.get_bind().dialect.name == "postgresql":
        upsert = postgresql.insert(User).values(row)
        upsert = upsert.on_conflict_do_update(index_elements=[User.telegram_id], set_=changes)
    else:
        upsert = sqlite.insert(User).values(row)
        upsert = upsert.on_conflict_do_update(index_elements=[User.telegram_id], set_=changes)
    statement = upsert.returning(User)
    # populate_existing: a User of this session's identity map gets the saved values too.
    result = await session.execute(statement, execution_options={"populate_existing": True})
    return result.scalar_one()
