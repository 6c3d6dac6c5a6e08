"""Long-polling mode: the bot asks Telegram for updates (the default BOT_MODE)."""

from __future__ import annotations

import logging

from dialogs.commands import BOT_COMMANDS
from trainer_bot.app import Application, run_application
from trainer_bot.config import Settings
from trainer_bot.middlewares.in_flight import UPDATE_GRACE_SECONDS

logger = logging.getLogger(__name__)


async def serve_polling(
    app: Application,
    *,
    handle_signals: bool = True,
    update_grace_seconds: float = UPDATE_GRACE_SECONDS,
) -> None:
    """Long polling until SIGINT/SIGTERM (or `dispatcher.stop_polling()`), then a drain.

    The caller closes `app` afterwards (the workout generations get their own grace period
    there).
    """
    await app.bot.set_my_commands(BOT_COMMANDS)
    # getUpdates answers 409 while a webhook is set (e.g. after running in webhook mode).
    await app.bot.delete_webhook(drop_pending_updates=False)
    logger.info("Starting long polling")
    try:
        await app.dispatcher.start_polling(
            app.bot, close_bot_session=False, handle_signals=handle_signals
        )
    finally:
        # Polling stops fetching on SIGTERM but leaves the updates it started running;
        # closing the database and Redis under them would cut a user's step in half.
        await app.in_flight.finish(update_grace_seconds)


async def run_polling(settings: Settings) -> None:
    await run_application(settings, serve_polling)
