"""Texts and widgets shared by several screen families."""

from aiogram_dialog.widgets.text import Const, Format

BACK_TEXT = Const("◀️ Назад")
# dialog_data key of the last validation message; windows show it above the question.
ERROR_KEY = "error"
ERROR_LINE = Format("⚠️ {error}\n", when=ERROR_KEY)
# middleware_data key of the User row an update has just saved: the window it opens next
# renders from it instead of reading the row again.
SAVED_USER_KEY = "saved_user"
