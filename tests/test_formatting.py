"""The shared formatting helpers and the one redaction function."""

from __future__ import annotations

from datetime import timedelta

import pytest

from trainer_bot.formatting import format_duration, format_kg, plural, shorten, utf16_length
from trainer_bot.redaction import redact


@pytest.mark.parametrize(
    ("value", "text"), [(72.5, "72,5"), (80.0, "80"), (0.0, "0"), (2.25, "2,2"), (12.96, "13")]
)
def test_format_kg(value: float, text: str) -> None:
    assert format_kg(value) == text


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=1), "1 мин"),
        (timedelta(minutes=59, seconds=1), "1 ч"),
        (timedelta(hours=3, minutes=20), "3 ч 20 мин"),
        (timedelta(hours=2), "2 ч"),
    ],
)
def test_format_duration(delta: timedelta, text: str) -> None:
    assert format_duration(delta) == text


@pytest.mark.parametrize(
    ("count", "word"),
    [
        (1, "подход"),
        (2, "подхода"),
        (4, "подхода"),
        (5, "подходов"),
        (11, "подходов"),
        (14, "подходов"),
        (21, "подход"),
        (22, "подхода"),
        (111, "подходов"),
        (0, "подходов"),
    ],
)
def test_plural(count: int, word: str) -> None:
    assert plural(count, "подход", "подхода", "подходов") == word


def test_shorten_by_characters() -> None:
    assert shorten("короткий", 8) == "короткий"
    assert shorten("очень длинный", 7) == "очень…"  # the space before the cut goes
    assert len(shorten("x" * 50, 10)) == 10


def test_shorten_by_utf16_units() -> None:
    text = "💪" * 10  # two UTF-16 units each
    assert utf16_length(text) == 20
    assert shorten(text, 20, measure=utf16_length) == text
    assert shorten(text, 19, measure=utf16_length) == "💪" * 9 + "…"
    assert shorten(text, 10, measure=utf16_length) == "💪" * 4 + "…"
    assert shorten(text, 19) == text  # by characters it fits


def test_redact_hides_secrets_longest_first_and_long_tails() -> None:
    token = "123456:ABCDEFGHIJKLMNOP"
    key = "sk-proxy-0123456789abcdef"
    text = f"bot{token}/getMe key={key} echoed=...{key[-8:]} short=abc"
    assert redact(text, [None, "", "abc", token, key]) == (
        "bot***/getMe key=*** echoed=...*** short=***"
    )
    # A secret inside a longer one: the longer is hidden whole.
    assert redact("x123456:ABCDEFGHIJKLMNOPx", ["123456", token]) == "x***x"
