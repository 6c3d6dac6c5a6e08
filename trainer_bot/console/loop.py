"""The console's loop: a line in, the bot's answers out.

A number presses that button of the current screen; anything else is sent as a text
message (commands as in Telegram: /start, /workout, /profile). Each line is handled to
the end, background work included (a workout is composed in a background task and shown
by a background dialog manager), before the next one is read, so piped input gives the
same transcript every time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from collections.abc import Iterator
from urllib.parse import unquote

from aiogram import Bot, Dispatcher
from aiogram.types import InlineKeyboardButton
from aiogram_dialog.test_tools import BotClient
from aiogram_dialog.test_tools.keyboard import InlineButtonPositionLocator
from pydantic import SecretStr
from sqlalchemy import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from trainer_bot.config import Settings
from trainer_bot.console.assembly import build_console_dispatcher
from trainer_bot.console.telegram import CONSOLE_BOT_TOKEN, ConsoleBot, ConsoleMessageManager
from trainer_bot.console.transcript import Transcript
from trainer_bot.db.engine import create_engine, create_session_factory
from trainer_bot.db.migrations import upgrade_to_head
from trainer_bot.services.catalogue_sync import sync_catalogue_file
from trainer_bot.services.workouts import WorkoutService

logger = logging.getLogger(__name__)

PROMPT = "> "
DEFAULT_FIRST_NAME = "Гость"
# A line starting with this is sent as text as it is: `\2` sends "2" instead of pressing [2].
LITERAL_PREFIX = "\\"


def console_settings() -> Settings:
    """The bot's settings (environment, .env) minus what the console must not use: the
    token is a dummy, and there is no Telegram, Redis, LLM or log file."""
    return Settings(
        bot_token=SecretStr(CONSOLE_BOT_TOKEN),
        redis_url=None,
        proxy_api_key=None,
        log_file=None,
        bot_mode="polling",
        webhook_url=None,
        webhook_secret=None,
    )


def describe_database(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


class Console:
    def __init__(
        self,
        transcript: Transcript,
        client: BotClient,
        workout_service: WorkoutService,
        dispatcher: Dispatcher,
        bot: Bot,
        engine: AsyncEngine,
    ) -> None:
        self.transcript = transcript
        self.client = client
        self._workout_service = workout_service
        self._dispatcher = dispatcher
        self._bot = bot
        self._engine = engine

    @classmethod
    async def open(
        cls, settings: Settings, transcript: Transcript, user_id: int, first_name: str
    ) -> Console:
        """Migrate the database and sync the catalogue (as `migrate` does), then build."""
        await upgrade_to_head(settings.database_url)
        engine = create_engine(settings.database_url)
        try:
            await sync_catalogue_file(engine)
        except BaseException:
            await engine.dispose()
            raise
        dispatcher, workout_service = build_console_dispatcher(
            settings, create_session_factory(engine), ConsoleMessageManager(transcript)
        )
        bot = ConsoleBot(transcript)
        client = BotClient(dispatcher, user_id=user_id, chat_id=user_id, bot=bot)
        client.user = client.user.model_copy(update={"first_name": first_name})
        return cls(transcript, client, workout_service, dispatcher, bot, engine)

    async def handle(self, line: str) -> None:
        text = line.strip()
        if not text:
            return
        try:
            pressed = self._button(text)
            if pressed is not None:
                await self._press(*pressed)
            elif message := text.removeprefix(LITERAL_PREFIX):  # Telegram sends no empty text
                await self.client.send(message)
            await self._workout_service.wait_background()
        except Exception:
            logger.exception("The bot failed on %r", text)

    def _button(self, text: str) -> tuple[int, int, InlineKeyboardButton] | None:
        """The button a number means, or None when the line is a message to send."""
        screen = self.transcript.screen
        if not text.isdecimal() or screen is None:
            return None
        buttons = screen.buttons()
        number = int(text)
        return buttons[number - 1] if 1 <= number <= len(buttons) else None

    async def _press(self, row: int, column: int, button: InlineKeyboardButton) -> None:
        screen = self.transcript.screen
        if button.url:
            # Unquoted, so a search for «Жим лёжа» reads as such, not as %D0%96...
            self.transcript.note(f"(opens {unquote(button.url)})")
        elif button.callback_data and screen is not None:
            await self.client.click(screen.message, InlineButtonPositionLocator(row, column))
        else:
            self.transcript.note("(this button does nothing outside Telegram)")

    async def close(self) -> None:
        await self._workout_service.aclose()
        await self._dispatcher.storage.close()
        await self._bot.session.close()
        await self._engine.dispose()


def _lines(interactive: bool) -> Iterator[str]:
    if not interactive:
        yield from sys.stdin
        return
    with contextlib.suppress(ImportError):  # not on every platform
        import readline  # noqa: F401  - line editing and history for input()
    while True:
        try:
            yield input(PROMPT)
        except EOFError:
            print()
            return


def _write(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def run_console(
    settings: Settings, *, user_id: int = 1, first_name: str = DEFAULT_FIRST_NAME
) -> int:
    """Chat on stdin/stdout until the end of input or Ctrl+C; 0 either way."""
    interactive = sys.stdin.isatty()
    transcript = Transcript(_write)
    # One event loop for the whole session, entered per line: between lines no asyncio
    # signal handler is installed, so Ctrl+C at the prompt stops input() at once.
    with asyncio.Runner() as runner:
        try:
            console = runner.run(Console.open(settings, transcript, user_id, first_name))
        except KeyboardInterrupt:
            return 0
        try:
            if interactive:
                _write(
                    f"trainer_bot console: user {user_id} ({first_name}), database "
                    f"{describe_database(settings.database_url)}\n"
                    "Type /start. A number presses that button; \\text sends text as is; "
                    "Ctrl+D quits.\n\n"
                )
            for line in _lines(interactive):
                runner.run(console.handle(line))
        except KeyboardInterrupt:
            _write("\n")
        finally:
            runner.run(console.close())
    return 0
