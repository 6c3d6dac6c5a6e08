"""Telegram file_ids of our own assets."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.db.models import TelegramFile


async def get_file_id(session: AsyncSession, key: str) -> str | None:
    result = await session.execute(select(TelegramFile.file_id).where(TelegramFile.key == key))
    return result.scalar_one_or_none()


async def save_file_id(session: AsyncSession, key: str, file_id: str) -> None:
    row = await session.get(TelegramFile, key)
    if row is None:
        session.add(TelegramFile(key=key, file_id=file_id))
    else:
        row.file_id = file_id
    await session.flush()
