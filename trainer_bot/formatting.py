"""How numbers and texts read in Russian messages: kilograms, durations, plurals, and
shortening a text to a length budget.

The one place for these: the registration, the workout texts, the rule-based generator
and the LLM answer's repairs all format kilograms and shorten texts the same way.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import timedelta

ELLIPSIS = "…"


def format_kg(value: float) -> str:
    """72.5 -> '72,5', 80.0 -> '80' (one decimal at most, Russian decimal comma)."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def format_duration(delta: timedelta) -> str:
    """'3 ч 20 мин', rounded up to a minute so it never says '0 мин'."""
    minutes = max(1, math.ceil(delta.total_seconds() / 60))
    hours, minutes = divmod(minutes, 60)
    if hours and minutes:
        return f"{hours} ч {minutes} мин"
    return f"{hours} ч" if hours else f"{minutes} мин"


def plural(count: int, one: str, few: str, many: str) -> str:
    """The Russian form for `count`: plural(1, "подход", "подхода", "подходов") -> "подход";
    2-4 take `few`, 5-20 and 11-14 of any hundred take `many`."""
    tail = abs(count) % 100
    if 11 <= tail <= 14:
        return many
    last = tail % 10
    if last == 1:
        return one
    if 2 <= last <= 4:
        return few
    return many


def utf16_length(text: str) -> int:
    """Telegram counts message length in UTF-16 code units of the parsed text."""
    return len(text.encode("utf-16-le")) // 2


def shorten(text: str, limit: int, *, measure: Callable[[str], int] = len) -> str:
    """`text` itself when `measure(text) <= limit`, else its longest head that leaves room
    for an ellipsis, trailing spaces dropped, and the ellipsis. Pass
    `measure=utf16_length` for a budget in Telegram's units (an emoji counts two)."""
    if measure(text) <= limit:
        return text
    room = limit - measure(ELLIPSIS)
    # The longest prefix that fits: by characters it is `room`; a measure that counts
    # some characters double needs a shorter one (binary search, measure is monotonic).
    low, high = 0, max(0, min(room, len(text)))
    while low < high:
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= room:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + ELLIPSIS
