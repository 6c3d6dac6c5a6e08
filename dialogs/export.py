"""The file sent to the user: the history as CSV (`/export`, «📤 Экспорт CSV»). (The
progress chart is a window of the progress dialog.)"""

from __future__ import annotations

import logging

from aiogram.types import BufferedInputFile

from trainer_bot.services.bot_services import BotServices

logger = logging.getLogger(__name__)

EXPORT_FILENAME = "trainer_bot_history.csv"


async def send_export(services: BotServices, telegram_id: int, chat_id: int) -> bool:
    """The user's history as a CSV document; False when there is no profile."""
    data = await services.progress.export_csv(telegram_id)
    if data is None:
        return False
    await services.bot.send_document(
        chat_id,
        BufferedInputFile(data, filename=EXPORT_FILENAME),
        caption="📤 Твоя история тренировок и веса — твои данные, забирай.",
    )
    logger.info("User %s exported their history (%d bytes)", telegram_id, len(data))
    return True
