"""Who got the welcome video note: one row per Telegram user."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.db.models import WelcomeVideoNote


async def claim(session: AsyncSession, telegram_id: int, now: datetime) -> bool:
    """Record that the note goes to this user; False when it already went (or is going).

    One INSERT ... ON CONFLICT DO NOTHING: two racing /start updates claim it once.
    """
    row = {"telegram_id": telegram_id, "sent_at": now}
    insert: postgresql.Insert | sqlite.Insert
    if session.get_bind().dialect.name == "postgresql":
        insert = postgresql.insert(WelcomeVideoNote).values(row).on_conflict_do_nothing()
    else:
        insert = sqlite.insert(WelcomeVideoNote).values(row).on_conflict_do_nothing()
    result = await session.execute(insert.returning(WelcomeVideoNote.telegram_id))
    return result.scalar_one_or_none() is not None


async def release(session: AsyncSession, telegram_id: int) -> None:
    """The note could not be sent: the next /start tries again."""
    await session.execute(
        delete(WelcomeVideoNote).where(WelcomeVideoNote.telegram_id == telegram_id)
    )
