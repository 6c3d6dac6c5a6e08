"""The profile's time zone: the city buttons, or «Другой» and a typed UTC offset."""

from __future__ import annotations

from aiogram_dialog import Dialog
from aiogram_dialog.widgets.kbd import Cancel
from aiogram_dialog.widgets.text import Const

from dialogs.states import TimezoneSG
from dialogs.timezone.handlers import on_zone_saved
from dialogs.timezone.keys import CANCEL_ID
from dialogs.zone_picker import zone_windows


def timezone_dialog() -> Dialog:
    return Dialog(
        *zone_windows(
            TimezoneSG.choose,
            TimezoneSG.offset,
            on_zone_saved,
            Cancel(Const("◀️ Назад"), id=CANCEL_ID),
        )
    )
