"""The greeting a newcomer sees after the welcome video note."""

from aiogram import F
from aiogram_dialog import Dialog, Window
from aiogram_dialog.widgets.kbd import Start
from aiogram_dialog.widgets.text import Const, Format

from dialogs.start.getters import greeting_getter
from dialogs.start.handlers import on_begin
from dialogs.start.keys import BEGIN_ID, NAME
from dialogs.states import RegistrationSG, StartSG


def start_dialog() -> Dialog:
    return Dialog(
        Window(
            Format(f"Привет, {{{NAME}}}! 👋", when=F[NAME]),
            Const("Привет! 👋", when=~F[NAME]),
            Const(
                "\nЯ твой AI-тренер. Составлю персональную тренировку под твои цели, "
                "опыт и снаряжение, покажу технику каждого упражнения и помогу не сбиться "
                "с графика.\n\nСначала пара вопросов о тебе — это займёт минуту."
            ),
            Start(Const("🚀 Начать"), id=BEGIN_ID, state=RegistrationSG.gender, on_click=on_begin),
            state=StartSG.greeting,
            getter=greeting_getter,
            preview_data={NAME: "Анна"},
        ),
    )
