"""Logging as the seed describes: console plus a size-rotated file, one format.

`2024-10-05 15:30:15 - INFO - dialogs.start.handlers - User 12345 started registration`
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from logging.handlers import RotatingFileHandler
from pathlib import Path

from trainer_bot.redaction import redact

LOG_FORMAT = "%(asctime)s - %(levelname)s - %(name)s - %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
# httpx logs every request URL at INFO, and Telegram URLs contain the bot token.
NOISY_LOGGERS = {
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiohttp.access": logging.WARNING,
}


class RedactingFormatter(logging.Formatter):
    """Replaces secrets in the final text, tracebacks included (defence in depth)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__(LOG_FORMAT, DATE_FORMAT)
        self._secrets = [s for s in secrets if s]

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record), self._secrets)


def setup_logging(level: str, log_file: Path | None, secrets: Iterable[str] = ()) -> None:
    formatter = RedactingFormatter(secrets)
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(
            RotatingFileHandler(log_file, maxBytes=5 * 1024 * 1024, backupCount=5, encoding="utf-8")
        )
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in handlers:
        handler.setFormatter(formatter)
        root.addHandler(handler)
    root.setLevel(level)
    for name, noisy_level in NOISY_LOGGERS.items():
        logging.getLogger(name).setLevel(max(noisy_level, root.getEffectiveLevel()))
