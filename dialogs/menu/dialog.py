"""The main menu (the root of every registered user's stack) and the profile view."""

from aiogram import F
from aiogram_dialog import Dialog, LaunchMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Start, SwitchTo
from aiogram_dialog.widgets.text import Const, Format

from dialogs.menu.getters import menu_getter, profile_getter
from dialogs.menu.handlers import (
    on_edit_profile,
    on_edit_result,
    on_get_workout,
    on_leave_profile,
    on_my_workout,
    on_rebuild_after_edit,
    on_set_home_equipment,
    on_text_on_menu,
)
from dialogs.menu.keys import (
    EDIT_PROFILE_ID,
    GET_WORKOUT_ID,
    HOME_UNKNOWN,
    JUST_REGISTERED,
    MY_WORKOUT_ID,
    NAME,
    NOTICE,
    PLANNED_WORKOUT_ID,
    PROFILE,
    PROFILE_ID,
    PROFILE_NOTICE,
    PROGRESS_ID,
    REBUILD_ID,
    REBUILD_OFFER,
    REMINDERS_ID,
    REMINDERS_LABEL,
    SET_HOME_EQUIPMENT_ID,
    TIMEZONE_ID,
    TO_MENU_ID,
    ZONE_LABEL,
)
from dialogs.states import (
    MenuSG,
    ProgressSG,
    RegistrationSG,
    RemindersSG,
    TimezoneSG,
    WorkoutSG,
)


def menu_dialog() -> Dialog:
    return Dialog(
        Window(
            Const("Анкета сохранена ✅\n", when=F[JUST_REGISTERED]),
            Format(f"{{{NOTICE}}}\n", when=F[NOTICE]),
            Format(f"<b>{{{NAME}}}</b>, это главное меню."),
            Const(
                "Жми «Получить тренировку» — составлю занятие под твою цель и снаряжение.",
                when=~F[PLANNED_WORKOUT_ID],
            ),
            Const("Твоя текущая тренировка ждёт в «Моя тренировка».", when=F[PLANNED_WORKOUT_ID]),
            Const(
                "\nАнкета изменилась — могу пересобрать текущую тренировку под новые данные, "
                "не дожидаясь перерыва.",
                when=F[REBUILD_OFFER],
            ),
            Button(
                Const("🔁 Собрать заново"),
                id=REBUILD_ID,
                on_click=on_rebuild_after_edit,
                when=F[REBUILD_OFFER],
            ),
            Button(Const("🏋️ Получить тренировку"), id=GET_WORKOUT_ID, on_click=on_get_workout),
            Button(
                Const("📋 Моя тренировка"),
                id=MY_WORKOUT_ID,
                on_click=on_my_workout,
                when=F[PLANNED_WORKOUT_ID],
            ),
            Start(Const("📈 Прогресс"), id=PROGRESS_ID, state=ProgressSG.main),
            SwitchTo(Const("👤 Мой профиль"), id=PROFILE_ID, state=MenuSG.profile),
            MessageInput(on_text_on_menu),
            state=MenuSG.main,
            getter=menu_getter,
            preview_add_transitions=[
                SwitchTo(Const(""), id="composing", state=WorkoutSG.composing),
                SwitchTo(Const(""), id="view", state=WorkoutSG.view),
                SwitchTo(Const(""), id="rebuild", state=WorkoutSG.rebuild),
            ],
            preview_data={
                NAME: "Анна",
                JUST_REGISTERED: True,
                PLANNED_WORKOUT_ID: 7,
                REBUILD_OFFER: False,
            },
        ),
        Window(
            Format(f"{{{PROFILE_NOTICE}}}\n", when=F[PROFILE_NOTICE]),
            Const("<b>Твой профиль</b>\n"),
            Format(f"{{{PROFILE}}}"),
            Button(
                Const("🏠 Указать, что есть дома"),
                id=SET_HOME_EQUIPMENT_ID,
                on_click=on_set_home_equipment,
                when=F[HOME_UNKNOWN],
            ),
            Button(Const("✏️ Изменить анкету"), id=EDIT_PROFILE_ID, on_click=on_edit_profile),
            Start(Format(f"{{{REMINDERS_LABEL}}}"), id=REMINDERS_ID, state=RemindersSG.main),
            Start(Format(f"{{{ZONE_LABEL}}}"), id=TIMEZONE_ID, state=TimezoneSG.choose),
            SwitchTo(
                Const("◀️ В меню"), id=TO_MENU_ID, state=MenuSG.main, on_click=on_leave_profile
            ),
            MessageInput(on_text_on_menu),
            state=MenuSG.profile,
            getter=profile_getter,
            preview_add_transitions=[
                SwitchTo(Const(""), id="edit", state=RegistrationSG.summary),
                SwitchTo(Const(""), id="home", state=RegistrationSG.home_equipment),
            ],
            preview_data={
                PROFILE_NOTICE: None,
                HOME_UNKNOWN: False,
                REMINDERS_LABEL: "🔔 Напоминания: вкл.",
                ZONE_LABEL: "🕐 Часовой пояс: Екатеринбург",
                PROFILE: "Пол: <b>Женский</b>\nВозраст: <b>31</b>\nРост: <b>165 см</b>\n"
                "Вес: <b>62 кг</b>\nОпыт: <b>Начинающий</b>\nЦель: <b>Поддержание формы</b>\n"
                "Целевой вес: <b>62 кг</b>\nТренировок в неделю: <b>3 раза</b>\n"
                "Где тренируешься: <b>Свой вес</b>\nДома: <b>без инвентаря</b>",
            },
        ),
        on_process_result=on_edit_result,
        launch_mode=LaunchMode.ROOT,
    )
