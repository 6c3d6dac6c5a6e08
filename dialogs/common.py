"""Texts and widgets shared by several screen families."""

from aiogram_dialog.widgets.text import Const, Format

BACK_TEXT = Const("◀️ Назад")
# dialog_data key of the last validation message; windows show it above the question.
ERROR_KEY = "error"
ERROR_LINE = Format("⚠️ {error}\n", when=ERROR_KEY)
