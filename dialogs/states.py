"""Every StatesGroup in one place, so one dialog can start another without import cycles.

State names are stored in users' dialog stacks in Redis: renaming one is a data migration.
"""

from aiogram.fsm.state import State, StatesGroup


class StartSG(StatesGroup):
    greeting = State()


class RegistrationSG(StatesGroup):
    gender = State()
    age = State()
    height = State()
    weight = State()
    level = State()
    goal = State()
    target_weight = State()
    frequency = State()
    equipment = State()
    home_equipment = State()  # only after «Свой вес»
    summary = State()


class MenuSG(StatesGroup):
    main = State()
    profile = State()


class WorkoutSG(StatesGroup):
    composing = State()
    view = State()
    exercise = State()
    done = State()
    cooldown = State()
    rebuild = State()  # «🔁 Собрать заново»: confirm replacing the planned workout


class SwapSG(StatesGroup):
    reason = State()
    choice = State()


class ProgressSG(StatesGroup):
    main = State()
    workouts = State()
    workout = State()
    weight = State()
    chart = State()


class TimezoneSG(StatesGroup):
    choose = State()
    offset = State()  # «Другой»: a typed UTC offset


class RemindersSG(StatesGroup):
    zone = State()  # asked once, before the first reminder, when no zone is chosen
    zone_offset = State()
    main = State()
    days = State()
    hour = State()
