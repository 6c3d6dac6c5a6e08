"""Command line: `python -m trainer_bot [run|migrate|check|preview DIR|console]`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

if TYPE_CHECKING:
    from trainer_bot.config import Settings

EXIT_PROBLEM = 1
EXIT_CONFIG = 2


def _fail(message: str) -> int:
    print(message, file=sys.stderr)
    return EXIT_CONFIG


async def _serve(settings: Settings) -> None:
    """Serve the way BOT_MODE says: long polling (the default) or a webhook server."""
    if settings.bot_mode == "webhook":
        from trainer_bot.runners.webhook import run_webhook

        await run_webhook(settings)
    else:
        from trainer_bot.runners.polling import run_polling

        await run_polling(settings)


def _run() -> int:
    from trainer_bot.config import Settings, describe_settings_error

    # Validate first: a configuration mistake is reported before seconds of imports.
    try:
        settings = Settings()
    except ValidationError as error:
        return _fail(describe_settings_error(error))

    from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError

    from trainer_bot.app import StartupError
    from trainer_bot.health import TELEGRAM_API, redact, settings_secrets
    from trainer_bot.logging_setup import setup_logging

    secrets = settings_secrets(settings)
    setup_logging(settings.log_level, settings.log_file, secrets)
    try:
        asyncio.run(_serve(settings))
    except StartupError as error:
        logging.getLogger("trainer_bot").error("%s", error)
        return _fail(f"Start-up failed: {error}")
    except TelegramUnauthorizedError:
        return _fail("Telegram rejected BOT_TOKEN: copy the token again from @BotFather")
    except TelegramNetworkError as error:
        where = str(settings.telegram_api_url or TELEGRAM_API).rstrip("/")
        problem = redact(f"cannot reach Telegram at {where} ({error.message})", secrets)
        logging.getLogger("trainer_bot").error("%s", problem)
        print(
            f"Start-up failed: {problem}; check the network, or TELEGRAM_API_URL",
            file=sys.stderr,
        )
        return EXIT_PROBLEM
    except KeyboardInterrupt:
        pass
    return 0


def _check() -> int:
    from trainer_bot.config import Settings, describe_settings_error

    try:
        settings = Settings()
    except ValidationError as error:
        problem = describe_settings_error(error).removeprefix("Configuration error: ")
        print(f"configuration: invalid: {problem}")
        return EXIT_CONFIG
    from trainer_bot.health import redact, run_checks, settings_secrets

    results = asyncio.run(run_checks(settings))
    secrets = settings_secrets(settings)
    for result in results:
        print(redact(result.line(), secrets))
    return 0 if all(result.ok for result in results) else EXIT_PROBLEM


def _migrate() -> int:
    from trainer_bot.config import DatabaseSettings, describe_settings_error
    from trainer_bot.db.engine import create_engine
    from trainer_bot.db.migrations import upgrade_to_head
    from trainer_bot.logging_setup import setup_logging
    from trainer_bot.services.catalogue_sync import sync_catalogue_file

    try:
        settings = DatabaseSettings()
    except ValidationError as error:
        return _fail(describe_settings_error(error))
    setup_logging("INFO", None)

    async def migrate() -> None:
        await upgrade_to_head(settings.database_url)
        engine = create_engine(settings.database_url)
        try:
            await sync_catalogue_file(engine)
        finally:
            await engine.dispose()

    try:
        asyncio.run(migrate())
    except Exception as error:  # one readable line, not a traceback
        return _fail(f"Migration failed: {type(error).__name__}: {error}")
    return 0


def _preview(target: Path) -> int:
    from trainer_bot.preview import write_preview

    html, diagram = asyncio.run(write_preview(target))
    print(f"Preview: {html}\nTransitions: {diagram}")
    return 0


def _console(user_id: int, first_name: str) -> int:
    from trainer_bot.config import describe_settings_error
    from trainer_bot.console import run_console
    from trainer_bot.console.loop import console_settings
    from trainer_bot.logging_setup import setup_logging

    try:
        settings = console_settings()
    except ValidationError as error:
        return _fail(describe_settings_error(error))
    setup_logging("WARNING", None)  # stderr, and only what needs attention: stdout is the chat
    try:
        return run_console(settings, user_id=user_id, first_name=first_name)
    except KeyboardInterrupt:
        return 0
    except Exception as error:  # the database, most likely: one readable line
        return _fail(f"Console failed: {type(error).__name__}: {error}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m trainer_bot", description=__doc__)
    # Each command names its handler (args -> exit code); no command means `run`.
    parser.set_defaults(handler=lambda _: _run())
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser(
        "run", help="run the bot (BOT_MODE: polling, or webhook); the default"
    )
    run.set_defaults(handler=lambda _: _run())
    migrate = commands.add_parser(
        "migrate", help="apply database migrations and sync the catalogue"
    )
    migrate.set_defaults(handler=lambda _: _migrate())
    check = commands.add_parser(
        "check", help="check the configuration, database, Redis, Telegram and the LLM endpoint"
    )
    check.set_defaults(handler=lambda _: _check())
    preview = commands.add_parser("preview", help="write an HTML preview of every window")
    preview.add_argument("directory", nargs="?", default="preview", type=Path)
    preview.set_defaults(handler=lambda args: _preview(args.directory))
    console = commands.add_parser(
        "console", help="chat with the dialogs in the terminal: no Telegram, no token"
    )
    console.add_argument("--user-id", type=int, default=1, help="the Telegram user id to be")
    console.add_argument("--first-name", default="Гость", help="the name the bot greets")
    console.set_defaults(handler=lambda args: _console(args.user_id, args.first_name))
    args = parser.parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
