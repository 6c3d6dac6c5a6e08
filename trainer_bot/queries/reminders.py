"""Data access for reminders and the user's time zone: thin queries, no rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.db.enums import ReminderMode
from trainer_bot.db.models import Reminder, User


@dataclass(frozen=True, slots=True)
class DueRow:
    """A locked due reminder with what the sender needs of its user."""

    reminder: Reminder
    telegram_id: int
    timezone: str | None
    last_workout_at: datetime | None


async def get(session: AsyncSession, user_id: int) -> Reminder | None:
    return await session.get(Reminder, user_id)


async def user_of(session: AsyncSession, telegram_id: int) -> User | None:
    return await session.scalar(select(User).where(User.telegram_id == telegram_id))


async def set_timezone(session: AsyncSession, user_id: int, value: str) -> None:
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(timezone=value)
        .execution_options(synchronize_session=False)
    )


async def of_telegram_id(session: AsyncSession, telegram_id: int) -> Reminder | None:
    return await session.scalar(
        select(Reminder)
        .join(User, User.id == Reminder.user_id)
        .where(User.telegram_id == telegram_id)
    )


def put(session: AsyncSession, reminder: Reminder) -> None:
    session.add(reminder)


async def lock_next_due(session: AsyncSession, now: datetime) -> DueRow | None:
    """The most overdue enabled, unpaused reminder, row-locked; rows another process holds
    are skipped, not waited for (SQLite, one process, has no row locks)."""
    result = await session.execute(
        select(Reminder, User.telegram_id, User.timezone, User.last_workout_at)
        .join(User, User.id == Reminder.user_id)
        .where(Reminder.enabled, Reminder.paused_at.is_(None), Reminder.next_at <= now)
        .order_by(Reminder.next_at)
        .limit(1)
        .with_for_update(skip_locked=True, of=Reminder)
    )
    row = result.first()
    if row is None:
        return None
    reminder, telegram_id, timezone, last_workout_at = row
    return DueRow(reminder, telegram_id, timezone, last_workout_at)


async def lock_unarmed(session: AsyncSession, limit: int) -> Sequence[Any]:
    """ "When the next workout opens" reminders set for an older workout than the user's
    latest, locked: (reminder, timezone, last_workout_at) rows."""
    result = await session.execute(
        select(Reminder, User.timezone, User.last_workout_at)
        .join(User, User.id == Reminder.user_id)
        .where(
            Reminder.enabled,
            Reminder.paused_at.is_(None),
            Reminder.mode == ReminderMode.NEXT_WORKOUT.value,
            User.last_workout_at.is_not(None),
            (Reminder.anchor_at.is_(None)) | (Reminder.anchor_at < User.last_workout_at),
        )
        .limit(limit)
        .with_for_update(skip_locked=True, of=Reminder)
    )
    return list(result.all())


async def pause(session: AsyncSession, user_id: int, now: datetime) -> None:
    await session.execute(
        update(Reminder)
        .where(and_(Reminder.user_id == user_id, Reminder.paused_at.is_(None)))
        .values(paused_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
