"""A Multiselect whose designer preview shows a real selection.

aiogram-dialog's preview checks every other item (by the last letter of its id), which
would show «Ничего нет» checked together with equipment: an impossible screen. Here the
preview checks the item ids listed under `PREVIEW_CHECKED` in the window's preview data.
"""

from __future__ import annotations

from typing import Any

from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Multiselect
from aiogram_dialog.widgets.style import StyleCase
from aiogram_dialog.widgets.text import Case

PREVIEW_CHECKED = "preview_checked"


class PreviewedMultiselect(Multiselect[str]):
    def _is_text_checked(
        self, data: dict[str, Any], case: Case | StyleCase, manager: DialogManager
    ) -> bool:
        if manager.is_preview():
            item_id = str(self.item_id_getter(data["item"]))
            return item_id in data["data"].get(PREVIEW_CHECKED, ())
        return super()._is_text_checked(data, case, manager)
