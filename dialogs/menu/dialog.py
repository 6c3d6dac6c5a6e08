"""The main menu (the root of every registered user's stack) and the profile view."""

from aiogram_dialog import Dialog, LaunchMode, Window
from aiogram_dialog.widgets.kbd import Button, SwitchTo
from aiogram_dialog.widgets.text import Const, Format

from dialogs.menu.getters import menu_getter, profile_getter
from dialogs.menu.handlers import on_edit_profile
from dialogs.states import MenuSG, RegistrationSG, WorkoutSG
from dialogs.workout.handlers import on_get_workout, on_my_workout


def menu_dialog() -> Dialog:
    return Dialog(
        Window(
            Const("Анкета сохранена ✅\n", when="just_registered"),
            Format("{notice}\n", when="notice"),
            Format("<b>{name}</b>, это главное меню."),
            Const(
                "Жми «Получить тренировку» — составлю занятие под твою цель и снаряжение.",
                when=lambda data, *_: not data.get("planned_workout_id"),
            ),
            Const("Твоя текущая тренировка ждёт в «Моя тренировка».", when="planned_workout_id"),
            Button(Const("🏋️ Получить тренировку"), id="get_workout", on_click=on_get_workout),
            Button(
                Const("📋 Моя тренировка"),
                id="my_workout",
                on_click=on_my_workout,
                when="planned_workout_id",
            ),
            SwitchTo(Const("👤 Мой профиль"), id="profile", state=MenuSG.profile),
            state=MenuSG.main,
            getter=menu_getter,
            preview_add_transitions=[
                SwitchTo(Const(""), id="composing", state=WorkoutSG.composing),
                SwitchTo(Const(""), id="view", state=WorkoutSG.view),
            ],
            preview_data={"name": "Анна", "just_registered": True, "planned_workout_id": 7},
        ),
        Window(
            Const("<b>Твой профиль</b>\n"),
            Format("{profile}"),
            Button(Const("✏️ Изменить анкету"), id="edit_profile", on_click=on_edit_profile),
            SwitchTo(Const("◀️ В меню"), id="to_menu", state=MenuSG.main),
            state=MenuSG.profile,
            getter=profile_getter,
            preview_add_transitions=[SwitchTo(Const(""), id="edit", state=RegistrationSG.summary)],
            preview_data={
                "profile": "Пол: <b>Женский</b>\nВозраст: <b>31</b>\nРост: <b>165 см</b>\n"
                "Вес: <b>62 кг</b>\nОпыт: <b>Начинающий</b>\nЦель: <b>Поддержание формы</b>\n"
                "Целевой вес: <b>62 кг</b>\nТренировок в неделю: <b>3 раза</b>\n"
                "Где тренируешься: <b>Свой вес</b>"
            },
        ),
        launch_mode=LaunchMode.ROOT,
    )
