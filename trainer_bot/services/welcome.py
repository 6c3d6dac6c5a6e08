"""The welcome video note ("кружок"): once per Telegram user; uploaded once, then re-sent
by its file_id."""

from __future__ import annotations

import logging
from pathlib import Path

from aiogram import Bot
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest
from aiogram.types import FSInputFile
from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.db.base import utcnow
from trainer_bot.queries import telegram_files, welcome_notes

logger = logging.getLogger(__name__)

WELCOME_VIDEO_NOTE = Path(__file__).resolve().parent.parent / "assets" / "welcome_video_note.mp4"
WELCOME_FILE_KEY = "welcome_video_note"


class WelcomeVideoNote:
    """Sends the greeting video note; a failure is logged and never blocks registration.

    The stored file_id is read from the database once and then kept in this object (one
    per Dispatcher): it only changes when Telegram refuses it, and then this object uploads
    again and keeps the new one. Kept per bot, as a file_id belongs to one bot.
    """

    def __init__(self) -> None:
        self._file_ids: dict[int, str] = {}

    async def send_once(
        self, bot: Bot, telegram_id: int, chat_id: int, session: AsyncSession
    ) -> bool:
        """Send it unless this user already got it; a failed send is retried next time."""
        if not await welcome_notes.claim(session, telegram_id, utcnow()):
            return False
        await session.commit()
        if await self.send(bot, chat_id, session):
            return True
        await welcome_notes.release(session, telegram_id)
        await session.commit()
        return False

    async def send(self, bot: Bot, chat_id: int, session: AsyncSession) -> bool:
        file_id = self._file_ids.get(bot.id)
        if file_id is None:
            file_id = await telegram_files.get_file_id(session, WELCOME_FILE_KEY)
        if file_id is not None:
            try:
                await bot.send_video_note(chat_id, file_id)
            except TelegramBadRequest as error:
                # A file_id from another bot token or a purged file: upload again.
                logger.warning("Stored welcome video note is unusable (%s), uploading again", error)
                self._file_ids.pop(bot.id, None)
            except TelegramAPIError as error:
                logger.warning("Could not send the welcome video note: %s", error)
                return False
            else:
                self._file_ids[bot.id] = file_id
                return True
        try:
            message = await bot.send_video_note(
                chat_id, FSInputFile(WELCOME_VIDEO_NOTE), length=384
            )
        except (TelegramAPIError, OSError) as error:
            logger.warning("Could not upload the welcome video note: %s", error)
            return False
        if message.video_note is not None:
            new_file_id = message.video_note.file_id
            await telegram_files.save_file_id(session, WELCOME_FILE_KEY, new_file_id)
            await session.commit()
            self._file_ids[bot.id] = new_file_id
            logger.info("Welcome video note uploaded, file_id stored")
        return True
