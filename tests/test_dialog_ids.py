"""Intent ids from trainer_bot.dialog_ids: unique within a second, short enough for buttons."""

from __future__ import annotations

import pytest
from aiogram_dialog.api.entities import stack as dialog_stack

from trainer_bot.dialog_ids import counter_intent_ids, install_collision_free_intent_ids


def test_ids_made_in_one_second_never_repeat_before_the_counter_wraps() -> None:
    new_int_id = counter_intent_ids(clock=lambda: 1_780_000_000.5, start=9_990)
    ids = [new_int_id() for _ in range(10_000)]
    assert len(set(ids)) == 10_000


def test_ids_keep_the_second_so_later_seconds_differ_too() -> None:
    seconds = iter([100.0, 101.0])
    new_int_id = counter_intent_ids(clock=lambda: next(seconds), start=0)
    assert new_int_id() % 100_000_000 == 100
    assert new_int_id() % 100_000_000 == 101


def test_an_id_fits_in_seven_characters_of_callback_data() -> None:
    new_int_id = counter_intent_ids(clock=lambda: 99_999_999.0, start=9_999)
    assert len(dialog_stack.id_to_str(new_int_id())) <= 7


def test_installing_replaces_the_library_source_once(monkeypatch: pytest.MonkeyPatch) -> None:
    def library_source() -> int:
        return 4242

    monkeypatch.setattr(dialog_stack, "new_int_id", library_source)
    install_collision_free_intent_ids()
    installed = dialog_stack.new_int_id
    install_collision_free_intent_ids()
    assert installed is not library_source
    assert dialog_stack.new_int_id is installed
    assert dialog_stack.Stack().id != dialog_stack.Stack().id
