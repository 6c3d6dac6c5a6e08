"""Webhook mode: Telegram POSTs updates to the bot's own aiohttp server.

    BOT_MODE=webhook WEBHOOK_URL=https://bot.example.com/telegram/webhook \\
    WEBHOOK_SECRET=$(openssl rand -hex 32) python -m trainer_bot run

- `POST {WEBHOOK_PATH}`: one update. aiogram's `SimpleRequestHandler` refuses it with 401
  unless the `X-Telegram-Bot-Api-Secret-Token` header equals WEBHOOK_SECRET. Telegram gets
  200 at once; the update is processed in the background. One user's updates wait for each
  other through the dispatcher's event isolation (`RedisEventIsolation` with Redis, so
  across replicas too).
- `GET /healthz`: 200 `{"database": "ok", "redis": "ok"|"disabled"}`, or 503 when the
  database or Redis does not answer.
- Start-up: listen first, then `setWebhook` (so Telegram never calls a closed port).
- Shutdown (SIGTERM from `docker stop`, or Ctrl+C): stop accepting connections, let the
  updates in progress finish, then the workout generations, then close everything.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
from typing import Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
from aiogram_dialog.api.entities import DIALOG_EVENT_NAME
from aiohttp import web

from dialogs.commands import BOT_COMMANDS
from trainer_bot.app import Application, StartupError, run_application
from trainer_bot.config import Settings
from trainer_bot.health import is_healthy, service_status
from trainer_bot.middlewares.in_flight import UPDATE_GRACE_SECONDS

logger = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WORKOUT_GRACE_SECONDS = 10.0  # compose's stop_grace_period (30 s) covers this and updates

APPLICATION_KEY = web.AppKey("trainer_bot_application", Application)


class UpdateRequestHandler(SimpleRequestHandler):
    """aiogram's handler (secret check, background processing) with a graceful close.

    aiogram's own `close()` closes the bot session at once, under the updates still being
    processed. Here `close()` waits for them (bounded, the application's in-flight
    tracker knows them) and leaves the session open: the workout generations they started
    still need it; `Application.close()` closes it last.
    """

    def __init__(
        self,
        application: Application,
        *,
        secret_token: str,
        grace_seconds: float = UPDATE_GRACE_SECONDS,
        **data: Any,
    ) -> None:
        super().__init__(
            application.dispatcher,
            application.bot,
            handle_in_background=True,
            secret_token=secret_token,
            **data,
        )
        self.application = application
        self.grace_seconds = grace_seconds

    def verify_secret(self, telegram_secret_token: str, bot: Any) -> bool:
        # Bytes: compare_digest raises TypeError (a 500) on non-ASCII str.
        expected = (self.secret_token or "").encode()
        return bool(expected) and secrets.compare_digest(
            telegram_secret_token.encode("utf-8", "surrogateescape"), expected
        )

    async def close(self) -> None:
        await self.application.in_flight.finish(self.grace_seconds)


async def healthz(request: web.Request) -> web.Response:
    application = request.app[APPLICATION_KEY]
    status = await service_status(application.engine, application.state.redis)
    return web.json_response(status, status=200 if is_healthy(status) else 503)


def create_webhook_app(
    application: Application,
    *,
    update_grace_seconds: float = UPDATE_GRACE_SECONDS,
    workout_grace_seconds: float = WORKOUT_GRACE_SECONDS,
) -> web.Application:
    """The aiohttp app: the update endpoint, /healthz and the shutdown sequence.

    On shutdown (after the listening sockets are closed) the `on_shutdown` hooks run in
    this order: updates in progress finish, workout generations finish, then the
    dispatcher's shutdown closes the FSM storage. The caller closes `application` after
    `runner.cleanup()`.
    """
    settings = application.settings
    if settings.webhook_secret is None:
        raise StartupError("WEBHOOK_SECRET is not set: webhook mode refuses to run without it")
    web_app = web.Application()
    web_app[APPLICATION_KEY] = application
    handler = UpdateRequestHandler(
        application,
        secret_token=settings.webhook_secret.get_secret_value(),
        grace_seconds=update_grace_seconds,
    )
    handler.register(web_app, path=settings.webhook_path)
    web_app.router.add_get(HEALTH_PATH, healthz)

    async def finish_workouts(_: web.Application) -> None:
        await application.workout_service.aclose(workout_grace_seconds)

    web_app.on_shutdown.append(finish_workouts)
    # Dispatcher start-up (dialog registry) on startup; its shutdown (closes the storage)
    # is appended last, after the two waits above.
    setup_application(web_app, application.dispatcher, bot=application.bot)
    return web_app


async def register_webhook(application: Application) -> None:
    """setMyCommands and setWebhook; a URL Telegram refuses stops the start-up."""
    settings = application.settings
    assert settings.webhook_url is not None and settings.webhook_secret is not None
    bot = application.bot
    await bot.set_my_commands(BOT_COMMANDS)
    try:
        await bot.set_webhook(
            url=str(settings.webhook_url),
            secret_token=settings.webhook_secret.get_secret_value(),
            drop_pending_updates=False,
            # Without aiogram-dialog's internal event type: it is not a Telegram update.
            allowed_updates=application.dispatcher.resolve_used_update_types(
                skip_events={DIALOG_EVENT_NAME}
            ),
        )
    except TelegramBadRequest as error:
        raise StartupError(f"Telegram refused WEBHOOK_URL: {error.message}") from None


async def wait_for_stop_signal() -> None:
    """Until SIGTERM or SIGINT (where signal handlers are unavailable: until cancelled)."""
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    installed = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            continue
        installed.append(sig)
    try:
        await stop.wait()
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)


async def serve_webhook(application: Application) -> None:
    """Serve until SIGTERM/SIGINT, then stop accepting and finish what is in progress.

    The caller closes `application` afterwards.
    """
    settings = application.settings
    runner: web.AppRunner | None = None
    try:
        runner = web.AppRunner(create_webhook_app(application))
        await runner.setup()
        site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
        try:
            await site.start()
        except OSError as error:
            raise StartupError(
                f"Cannot listen on {settings.webhook_host}:{settings.webhook_port} "
                f"(WEBHOOK_HOST/WEBHOOK_PORT): {error.strerror or error}"
            ) from None
        await register_webhook(application)
        logger.info(
            "Serving webhook updates on %s:%s%s for %s",
            settings.webhook_host,
            settings.webhook_port,
            settings.webhook_path,
            settings.webhook_url,
        )
        await wait_for_stop_signal()
        logger.info("Stopping: no new updates, finishing the ones in progress")
    finally:
        if runner is not None:
            await runner.cleanup()


async def run_webhook(settings: Settings) -> None:
    await run_application(settings, serve_webhook)
