"""Logging: the seed's line format, size rotation, quiet httpx, and no secrets in the file."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from logging.handlers import RotatingFileHandler, TimedRotatingFileHandler
from pathlib import Path

import pytest

from tests.fakes.recording_bot import TEST_BOT_TOKEN
from tests.support.dialogs import UserSession
from tests.support.harness import DialogHarness
from tests.support.registration import fill_until
from trainer_bot.logging_setup import NOISY_LOGGERS, RedactingFormatter, setup_logging

API_KEY = "sk-proxy-test-key-0123456789abcdef"
TOKEN_SECRET_PART = TEST_BOT_TOKEN.partition(":")[2]
LINE = re.compile(
    r"(?P<time>\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}) - (?P<level>[A-Z]+) - "
    r"(?P<name>[\w.]+) - (?P<message>.*)"
)
Configure = Callable[..., Path]


def ours(handler: logging.Handler) -> bool:
    return isinstance(handler.formatter, RedactingFormatter)


@pytest.fixture
def configure(tmp_path: Path) -> Iterator[Configure]:
    """Calls setup_logging without breaking pytest's log capture, and undoes it afterwards.

    setup_logging replaces (and closes) every root handler. pytest's own capture handlers
    are detached before the call and put back after it, so they are neither closed nor
    lost; the test's handlers, the root level and the quietened loggers are restored.
    """
    root = logging.getLogger()
    saved_level = root.level
    names = [*NOISY_LOGGERS, "aiogram", "aiogram.event"]
    saved_levels = {name: logging.getLogger(name).level for name in names}

    def configure_logging(
        level: str = "INFO", secrets: tuple[str, ...] = (TEST_BOT_TOKEN, API_KEY)
    ) -> Path:
        log_file = tmp_path / "logs" / "trainer_bot.log"
        foreign = [handler for handler in root.handlers if not ours(handler)]
        for handler in foreign:
            root.removeHandler(handler)
        try:
            setup_logging(level, log_file, secrets=list(secrets))
        finally:
            for handler in foreign:
                root.addHandler(handler)
        return log_file

    yield configure_logging

    for handler in [handler for handler in root.handlers if ours(handler)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(saved_level)
    for name, level in saved_levels.items():
        logging.getLogger(name).setLevel(level)


def read_log(log_file: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return log_file.read_text(encoding="utf-8")


def our_handlers() -> list[logging.Handler]:
    return [handler for handler in logging.getLogger().handlers if ours(handler)]


def test_line_format_is_exactly_the_seeds(configure: Configure) -> None:
    log_file = configure("INFO")
    logging.getLogger("dialogs.start.handlers").info("User %s started registration", 12345)
    logging.getLogger("trainer_bot.app").warning("Careful")
    logging.getLogger("trainer_bot.app").debug("not at INFO")
    lines = read_log(log_file).splitlines()
    assert len(lines) == 2, lines
    first = LINE.fullmatch(lines[0])
    assert first is not None, lines[0]
    assert first["level"] == "INFO" and first["name"] == "dialogs.start.handlers"
    assert first["message"] == "User 12345 started registration"
    second = LINE.fullmatch(lines[1])
    assert second is not None and (second["level"], second["message"]) == ("WARNING", "Careful")
    # The console gets the same format.
    console = [h for h in our_handlers() if not isinstance(h, RotatingFileHandler)]
    assert len(console) == 1
    record = logging.LogRecord("x.y", logging.ERROR, __file__, 1, "boom %s", ("!",), None)
    assert console[0].formatter is not None
    assert LINE.fullmatch(console[0].formatter.format(record))


def test_calling_setup_twice_does_not_duplicate_lines(configure: Configure) -> None:
    configure("INFO")
    log_file = configure("INFO")
    assert len(our_handlers()) == 2  # one console, one file
    logging.getLogger("trainer_bot").info("once")
    assert read_log(log_file).count("once") == 1


def test_rotation_is_by_size(configure: Configure) -> None:
    log_file = configure("INFO")
    (handler,) = [h for h in our_handlers() if isinstance(h, RotatingFileHandler)]
    assert not isinstance(handler, TimedRotatingFileHandler)
    assert handler.maxBytes > 0 and handler.backupCount >= 1
    assert Path(handler.baseFilename) == log_file
    handler.maxBytes = 300  # rotate now instead of after megabytes
    for number in range(20):
        logging.getLogger("trainer_bot").info("line %s of the rotation test", number)
    rotated = log_file.with_name(log_file.name + ".1")
    assert rotated.is_file() and log_file.is_file()
    for path in (log_file, rotated):
        assert path.stat().st_size <= 300
        assert all(LINE.fullmatch(line) for line in path.read_text("utf-8").splitlines())


@pytest.mark.parametrize("level", ["DEBUG", "INFO"])
def test_httpx_request_lines_never_land(configure: Configure, level: str) -> None:
    log_file = configure(level, secrets=())  # quiet even with redaction off
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("httpcore").getEffectiveLevel() == logging.WARNING
    logging.getLogger("httpx").info(
        'HTTP Request: POST https://api.telegram.org/bot%s/getMe "HTTP/1.1 200 OK"',
        TEST_BOT_TOKEN,
    )
    logging.getLogger("httpcore.http11").debug("send_request_headers.started")
    logging.getLogger("trainer_bot").warning("still logging")
    text = read_log(log_file)
    assert "HTTP Request" not in text and "send_request_headers" not in text
    assert "still logging" in text


def log_in_message() -> None:
    logging.getLogger("aiogram.event").error(
        f"Failed to fetch updates: https://api.telegram.org/bot{TEST_BOT_TOKEN}/getUpdates"
        f" (key {API_KEY})"
    )


def log_in_args() -> None:
    logging.getLogger("trainer_bot.llm").warning(
        "Request to %s with Authorization: Bearer %s failed",
        f"https://api.telegram.org/bot{TEST_BOT_TOKEN}/sendMessage",
        API_KEY,
    )


def log_in_traceback() -> None:
    def call_telegram(url: str, key: str) -> None:
        raise ConnectionError(f"cannot reach {url} with {key}")

    try:
        call_telegram(f"https://api.telegram.org/bot{TEST_BOT_TOKEN}/getMe", API_KEY)
    except ConnectionError:
        logging.getLogger("aiogram.dispatcher").exception("Failed to start polling")


@pytest.mark.parametrize("emit", [log_in_message, log_in_args, log_in_traceback])
def test_secrets_are_redacted(configure: Configure, emit: Callable[[], None]) -> None:
    log_file = configure("INFO")
    emit()
    text = read_log(log_file)
    assert "***" in text
    assert "api.telegram.org/bot***/" in text
    for secret in (TEST_BOT_TOKEN, TOKEN_SECRET_PART, API_KEY):
        assert secret not in text
    if emit is log_in_traceback:
        assert "Traceback (most recent call last)" in text and "ConnectionError" in text


def test_empty_secrets_are_ignored(configure: Configure) -> None:
    log_file = configure("INFO", secrets=("", TEST_BOT_TOKEN))
    logging.getLogger("trainer_bot").info("plain text stays plain")
    assert "plain text stays plain" in read_log(log_file)


async def test_registration_flow_logs_actions_but_never_the_token(
    configure: Configure, harness: DialogHarness
) -> None:
    """The real dispatcher and dialogs, logging to a file as in production."""
    log_file = configure("INFO", secrets=(TEST_BOT_TOKEN,))
    user = UserSession(harness, 31337, first_name="Лог")
    await fill_until(user)
    assert "Анкета сохранена" in await user.press("✅ Всё верно")
    # What aiogram's HTTP stack and polling loop print around the token-bearing URL.
    url = f"https://api.telegram.org/bot{TEST_BOT_TOKEN}/sendMessage"
    logging.getLogger("httpx").info('HTTP Request: POST %s "HTTP/1.1 200 OK"', url)
    logging.getLogger("aiogram.event").warning("Request to %s timed out, retrying", url)
    try:
        raise TimeoutError(f"Request timeout error: {url}")
    except TimeoutError:
        logging.getLogger("aiogram.dispatcher").exception("Failed to fetch updates")

    text = read_log(log_file)
    assert TEST_BOT_TOKEN not in text and TOKEN_SECRET_PART not in text
    assert "HTTP Request" not in text
    assert "aiogram.event - Request to https://api.telegram.org/bot***/sendMessage" in text
    assert " - INFO - dialogs.commands - User 31337 sent /start" in text
    assert " - INFO - dialogs.start.handlers - User 31337 started registration" in text
    assert " - INFO - trainer_bot.services.users - User 31337 completed registration" in text
    # aiogram reports each handled update; the line carries the bot id, not the token.
    assert "aiogram.event - Update id=" in text
    for line in text.splitlines():
        if re.match(r"\d{4}-", line):
            assert LINE.fullmatch(line), line
