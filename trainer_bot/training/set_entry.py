"""Reading a typed set log the way people write it in a gym diary. Pure, no I/O.

Accepted (`х`, `x`, `×`, `*` all mean "times"; `72,5` is a decimal comma; `кг`/`kg` marks
a weight):
    `8 8 7`        the exercise's sets: reps of each, at the weight on the screen
    `60 8 8 7`     the same with a weight first
    `60кг 3х10`    a weight, then sets × reps
    `60x8`, `72,5*6`  one set: weight × reps (for a bodyweight exercise `3x10` is sets × reps)
A line with several sets replaces what was logged for the exercise; a single set
(`60x8`, `10`) is added after the sets already logged. Anything else gets a message in Russian
saying what was wrong, and nothing is saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

MAX_SETS: Final = 10  # the set_logs CHECK (set_number BETWEEN 1 AND 10)
MAX_REPS: Final = 100
# With a weight on the bar more than this is a typo (a weight written as reps).
MAX_LOADED_REPS: Final = 50
MAX_SECONDS: Final = 300
MAX_WEIGHT_KG: Final = 500.0
MAX_TEXT: Final = 60
# "60 8 8 7": a first number this many times the largest of the rest is a weight.
WEIGHT_RATIO: Final = 1.5

EXAMPLES: Final = (
    "Например: <code>8 8 7</code>, <code>60 8 8 7</code>, <code>60кг 3х10</code> "
    "или <code>60x8</code>."
)


@dataclass(frozen=True, slots=True)
class SetEntry:
    """What a line says: the reps of each set and their weight (None: no external load)."""

    reps: tuple[int, ...]
    weight_kg: float | None
    # True for a single set written as `60x8`: added after the logged sets.
    append: bool = False


@dataclass(frozen=True, slots=True)
class EntryError:
    message: str


_TIMES = re.compile(r"\s*[xх×*]\s*")
_NUMBER = r"\d+(?:[.,]\d+)?"
_KG = re.compile(rf"^({_NUMBER})\s*(?:кг|kg)\.?$")
_NUMBER_ONLY = re.compile(rf"^{_NUMBER}$")
_PRODUCT = re.compile(rf"^({_NUMBER})(?:кг|kg)?x({_NUMBER})$")
_SEPARATORS = re.compile(r"[\s;/]+|,(?=\s)")


class _InvalidEntryError(Exception):
    """A line that is not a set log; its message is shown to the user."""


def parse_set_entry(
    text: str | None, *, loaded: bool, timed: bool, weight_kg: float | None
) -> SetEntry | EntryError:
    """Read `text`; `loaded` exercises take a weight (`weight_kg` when none is written)."""
    try:
        return _parse(text, loaded=loaded, timed=timed, weight_kg=weight_kg)
    except _InvalidEntryError as error:
        return EntryError(str(error))


def _parse(text: str | None, *, loaded: bool, timed: bool, weight_kg: float | None) -> SetEntry:
    if text is None or not text.strip():
        raise _InvalidEntryError(f"Напиши повторы каждого подхода цифрами. {EXAMPLES}")
    if len(text) > MAX_TEXT:
        raise _InvalidEntryError(f"Слишком длинно для записи подходов. {EXAMPLES}")
    line = text.strip().lower().replace("ё", "е")
    if re.search(r"[-−–]\s*\d", line):
        raise _InvalidEntryError(
            "Отрицательных повторов и весов не бывает. Напиши, например, <code>8 8 7</code>."
        )
    if not re.fullmatch(r"[0-9.,\s;/xх×*кгkg]+", line):
        raise _InvalidEntryError(f"Я понимаю только цифры подходов и вес. {EXAMPLES}")
    # "8,8,7": commas between whole numbers separate sets ("72,5" stays a decimal).
    line = re.sub(r"\d+(?:,\d+){2,}", lambda m: m.group(0).replace(",", " "), line)
    line = _TIMES.sub("x", line)
    line = re.sub(r"(\d)\s+(кг|kg)", r"\1\2", line)
    tokens = [token for token in _SEPARATORS.split(line) if token]
    if not tokens:
        raise _InvalidEntryError(f"Напиши повторы каждого подхода цифрами. {EXAMPLES}")
    weight_given, rest = _leading_weight(tokens, loaded=loaded, weight_kg=weight_kg)
    if len(rest) == 1 and "x" in rest[0]:
        return _product(rest[0], weight_given, loaded=loaded, timed=timed, weight_kg=weight_kg)
    if any("x" in token for token in rest):
        raise _InvalidEntryError(f"Не понял запись: «х» ставь между весом и повторами. {EXAMPLES}")
    if not rest:
        raise _InvalidEntryError("Вес понял, а сколько повторов? Например: <code>60 8 8 7</code>.")
    reps = tuple(_reps(token, timed=timed, loaded=loaded) for token in rest)
    weight = weight_given if weight_given is not None else (weight_kg if loaded else None)
    return SetEntry(_sets(reps), weight, append=len(reps) == 1)


def _leading_weight(
    tokens: list[str], *, loaded: bool, weight_kg: float | None
) -> tuple[float | None, list[str]]:
    """The weight a line starts with (`60кг ...`, `60 8 8 7`), and the tokens after it."""
    first, rest = tokens[0], tokens[1:]
    marked = _KG.match(first)
    if marked:
        return _weight(marked.group(1), loaded=loaded), rest
    if not rest or not _NUMBER_ONLY.match(first):
        return None, tokens
    if len(rest) == 1 and "x" in rest[0]:  # "60 3x10"
        return _weight(first, loaded=loaded), rest
    if not loaded or any(not _NUMBER_ONLY.match(token) for token in rest):
        return None, tokens
    value = _number(first)
    others = [_number(token) for token in rest]
    looks_like_weight = (
        "." in first
        or "," in first
        or (weight_kg is not None and value == weight_kg and value != others[0])
        or value >= WEIGHT_RATIO * max(others)
    )
    return (_weight(first, loaded=loaded), rest) if looks_like_weight else (None, tokens)


def _product(
    token: str, weight_given: float | None, *, loaded: bool, timed: bool, weight_kg: float | None
) -> SetEntry:
    match = _PRODUCT.match(token)
    if match is None:
        raise _InvalidEntryError(f"Не понял запись «{_shown(token)}». {EXAMPLES}")
    left, right = match.group(1), match.group(2)
    if weight_given is not None or not loaded:
        # "60кг 3х10" (the weight came first) or "3x10" of a bodyweight exercise.
        sets = _whole(left, "Число подходов")
        if not 1 <= sets <= MAX_SETS:
            hint = (
                ""
                if loaded
                else " Здесь нет отягощения: пиши подходы × повторы, <code>3х10</code>."
            )
            raise _InvalidEntryError(f"Подходов может быть от 1 до {MAX_SETS}.{hint}")
        reps = (_reps(right, timed=timed, loaded=loaded),) * sets
        return SetEntry(reps, weight_given, append=sets == 1)
    return SetEntry(
        (_reps(right, timed=timed, loaded=loaded),), _weight(left, loaded=loaded), append=True
    )


def _sets(reps: tuple[int, ...]) -> tuple[int, ...]:
    if len(reps) > MAX_SETS:
        raise _InvalidEntryError(f"Больше {MAX_SETS} подходов в одном упражнении я не записываю.")
    return reps


def _number(token: str) -> float:
    return float(token.replace(",", "."))


def _whole(token: str, what: str) -> int:
    if not re.fullmatch(r"\d+", token):
        raise _InvalidEntryError(f"{what} — целое число, без дробей.")
    return int(token)


def _reps(token: str, *, timed: bool, loaded: bool) -> int:
    if not _NUMBER_ONLY.match(token):
        raise _InvalidEntryError(f"Не понял «{_shown(token)}». {EXAMPLES}")
    value = _whole(token, "Секунды" if timed else "Повторы")
    limit = MAX_SECONDS if timed else (MAX_LOADED_REPS if loaded else MAX_REPS)
    unit = "секунд" if timed else "повторов"
    if not 1 <= value <= limit:
        raise _InvalidEntryError(f"В подходе может быть от 1 до {limit} {unit}.")
    return value


def _weight(token: str, *, loaded: bool) -> float:
    if not loaded:
        raise _InvalidEntryError(
            "Это упражнение без отягощения — напиши только повторы: <code>12 10 10</code>."
        )
    if not _NUMBER_ONLY.match(token):
        raise _InvalidEntryError(f"Не понял вес «{_shown(token)}». {EXAMPLES}")
    value = _number(token)
    if not 0 < value <= MAX_WEIGHT_KG:
        raise _InvalidEntryError(f"Вес — от 0,5 до {MAX_WEIGHT_KG:.0f} кг.")
    if round(value * 4) != value * 4:
        raise _InvalidEntryError("Вес пишу с шагом 0,25 кг: например, <code>72,5</code>.")
    return value


def _shown(token: str) -> str:
    """A token quoted back to the user: short and harmless in HTML (only [0-9.,xкг] here)."""
    return token[:12]
