"""Telegram file_ids of our own assets."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.db.models import TelegramFile


async def get_file_id(session: AsyncSession, key: str) -> str | None:
    result = await session.execute(select(TelegramFile.file_id).where(TelegramFile.key == key))
    return result.scalar_one_or_none()


async def save_file_id(session: AsyncSession, key: str, file_id: str) -> None:
    """Insert or overwrite; safe when several first /start updates race to store it."""
    try:
        async with session.begin_nested():
            session.add(TelegramFile(key=key, file_id=file_id))
    except IntegrityError:
        await session.execute(
            update(TelegramFile).where(TelegramFile.key == key).values(file_id=file_id)
        )
