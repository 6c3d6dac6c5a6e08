"""Typed set logs: every diary format, and hostile lines that must save nothing."""

from __future__ import annotations

import pytest

from tests.support.set_entries import HOSTILE
from trainer_bot.training.set_entry import EntryError, SetEntry, parse_set_entry


def loaded(text: str, weight: float | None = 50.0) -> SetEntry | EntryError:
    return parse_set_entry(text, loaded=True, timed=False, weight_kg=weight)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8 8 7", SetEntry((8, 8, 7), 50.0)),
        ("8,8,7", SetEntry((8, 8, 7), 50.0)),
        ("8, 8, 7", SetEntry((8, 8, 7), 50.0)),
        ("60x8", SetEntry((8,), 60.0, append=True)),
        ("60х8", SetEntry((8,), 60.0, append=True)),
        ("60 × 8", SetEntry((8,), 60.0, append=True)),
        ("60 8 8 7", SetEntry((8, 8, 7), 60.0)),
        ("60кг 3х10", SetEntry((10, 10, 10), 60.0)),
        ("60 кг 3 х 10", SetEntry((10, 10, 10), 60.0)),
        ("60kg 3x10", SetEntry((10, 10, 10), 60.0)),
        ("60 3x10", SetEntry((10, 10, 10), 60.0)),
        ("72,5*6", SetEntry((6,), 72.5, append=True)),
        ("72.5x6", SetEntry((6,), 72.5, append=True)),
        ("72,5 6 6 5", SetEntry((6, 6, 5), 72.5)),
        ("10", SetEntry((10,), 50.0, append=True)),
        ("  12  12 ", SetEntry((12, 12), 50.0)),
        # 8 kg dumbbells on the screen: "8 10 10" is 8 kg × 10, 10; "8 8 7" is reps.
        ("8 10 10", SetEntry((10, 10), 8.0)),
    ],
)
def test_diary_formats_of_a_loaded_exercise(text: str, expected: SetEntry) -> None:
    weight = 8.0 if text == "8 10 10" else 50.0
    assert loaded(text, weight) == expected


def test_eight_kilogram_dumbbells_do_not_turn_reps_into_a_weight() -> None:
    assert loaded("8 8 7", 8.0) == SetEntry((8, 8, 7), 8.0)


def test_bodyweight_exercise_reads_sets_times_reps() -> None:
    entry = parse_set_entry("3x12", loaded=False, timed=False, weight_kg=None)
    assert entry == SetEntry((12, 12, 12), None)
    assert parse_set_entry("15 12 10", loaded=False, timed=False, weight_kg=None) == SetEntry(
        (15, 12, 10), None
    )


def test_timed_exercise_takes_seconds() -> None:
    assert parse_set_entry("45 40 30", loaded=False, timed=True, weight_kg=None) == SetEntry(
        (45, 40, 30), None
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_lines_get_a_russian_message(text: str) -> None:
    result = loaded(text)
    assert isinstance(result, EntryError), result
    assert any("а" <= char <= "я" for char in result.message.lower())
    # Quoted input never carries markup back into the HTML message.
    assert "<b>" not in result.message and "DROP" not in result.message


def test_weight_on_a_bodyweight_exercise_is_refused() -> None:
    result = parse_set_entry("20кг 10 10", loaded=False, timed=False, weight_kg=None)
    assert isinstance(result, EntryError) and "без отягощения" in result.message


def test_none_text_from_a_sticker() -> None:
    assert isinstance(parse_set_entry(None, loaded=True, timed=False, weight_kg=50.0), EntryError)
