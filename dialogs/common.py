"""Texts and widgets shared by several screen families."""

from aiogram import F
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_dialog.widgets.text import Const, Format

from dialogs.states import MenuSG, StartSG

BACK_TEXT = Const("◀️ Назад")
# dialog_data key of the last validation message; windows show it above the question.
ERROR_KEY = "error"
ERROR_LINE = Format(f"⚠️ {{{ERROR_KEY}}}\n", when=F[ERROR_KEY])
# Said once when a profile edit is left without «Всё верно».
UNSAVED_TEXT = "Изменения не сохранены — в профиле прежние ответы."


async def open_home(manager: DialogManager, *, registered: bool) -> None:
    """A fresh start screen as a new message: the menu for a registered user, else the
    greeting that leads into registration. The screen it replaces loses its keyboard:
    one live menu per chat."""
    await manager.reset_stack(remove_keyboard=True)
    await manager.start(
        MenuSG.main if registered else StartSG.greeting,
        mode=StartMode.RESET_STACK,
        show_mode=ShowMode.SEND,
    )
