"""`python -m trainer_bot console`: chat with the real dialogs in a terminal, no Telegram."""

from trainer_bot.console.loop import run_console

__all__ = ["run_console"]
