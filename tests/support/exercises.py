"""Reaching an exercise screen in a dialog test."""

from __future__ import annotations

import re

from tests.support.dialogs import UserSession


async def open_loaded_exercise(user: UserSession) -> str:
    """The first exercise with a weight (its steppers show «кг»)."""
    first = next(b for b in user.buttons() if b[0].isdigit())
    text = await user.press(re.escape(first))
    while not any(b.endswith(" кг") for b in user.buttons()):
        assert "➡️" in user.buttons(), "the workout has no loaded exercise"
        text = await user.press("➡️")
    return text
