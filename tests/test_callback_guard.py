"""Which button data the guard lets through to the dialogs (the real ones) and which not."""

from __future__ import annotations

import pytest

from dialogs.callback_guard import UnknownButtonGuard
from dialogs.setup import build_router

INTENT = "aB3dE9xYz0"


@pytest.fixture(scope="module")
def guard() -> UnknownButtonGuard:
    return UnknownButtonGuard.for_router(build_router())


@pytest.mark.parametrize(
    "data",
    [
        f"{INTENT}\x1dto_menu",  # a single button
        f"{INTENT}\x1dcomplete",
        f"{INTENT}\x1dexercise:3",  # an item of a Select (a position the handler checks)
        f"{INTENT}\x1dedit_field:weight",
        "to_menu",  # no intent id: aiogram-dialog uses the current screen
    ],
)
def test_buttons_our_screens_render_pass(guard: UnknownButtonGuard, data: str) -> None:
    assert guard.knows(data)


@pytest.mark.parametrize(
    "data",
    [
        "",
        "garbage",
        "\x1d",
        f"{INTENT}\x1d",
        f"{INTENT}\x1dnope",
        f"{INTENT}\x1dcomplete:1:2",  # a single button never carries an item
        f"{INTENT}\x1dto_menu:x",
        f"{INTENT}\x1d:exercise",
    ],
)
def test_data_no_screen_renders_is_refused(guard: UnknownButtonGuard, data: str) -> None:
    assert not guard.knows(data)


def test_forged_ids_do_not_grow_the_cache(guard: UnknownButtonGuard) -> None:
    for number in range(1000):
        guard.knows(f"{INTENT}\x1dforged_{number}")
    assert all(not key.startswith("forged_") for key in guard._keyboards)
