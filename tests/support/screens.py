"""The bot's screens word for word, as dialog tests expect them (HTML as sent)."""

from __future__ import annotations

import html
import re

STEPS = 9

GREETING_BUTTONS = ["🚀 Начать"]
BACK = "◀️ Назад"

GENDER_QUESTION = (
    "Давай познакомимся, чтобы тренировки подходили именно тебе. "
    "Это девять коротких вопросов.\n\nУкажи пол:"
)
AGE_QUESTION = "Сколько тебе лет? Напиши числом, например 27."
HEIGHT_QUESTION = "Какой у тебя рост в сантиметрах? Например 178."
WEIGHT_QUESTION = "Сколько ты сейчас весишь, в килограммах? Можно с десятыми: 72,5."
LEVEL_QUESTION = "Какой у тебя опыт силовых тренировок?"
GOAL_QUESTION = "Какая у тебя цель?"
FREQUENCY_QUESTION = "Сколько раз в неделю готов тренироваться?"
EQUIPMENT_QUESTION = "Где будешь тренироваться?"

GENDER_BUTTONS = ["👨 Мужской", "👩 Женский", BACK]
LEVEL_BUTTONS = ["🌱 Начинающий", "💪 1–3 года", "🏆 Больше 3 лет", BACK]
GOAL_BUTTONS = ["📈 Набор массы", "📉 Похудение", "⚖️ Поддержание формы", BACK]
FREQUENCY_BUTTONS = ["2 раза", "3 раза", "5 раз", BACK]
EQUIPMENT_BUTTONS = ["🏋️ Зал", "🤸 Свой вес", BACK]
SUMMARY_BUTTONS = [
    "✅ Всё верно",
    "✏️ Пол",
    "✏️ Возраст",
    "✏️ Рост",
    "✏️ Вес",
    "✏️ Опыт",
    "✏️ Цель",
    "✏️ Целевой вес",
    "✏️ Раз в неделю",
    "✏️ Зал или дом",
    BACK,
]
MENU_BUTTONS = ["🏋️ Получить тренировку", "📈 Прогресс", "👤 Мой профиль"]
PROFILE_BUTTONS = [
    "✏️ Изменить анкету",
    "🔔 Напоминания: выкл.",
    "🕐 Часовой пояс: Москва",
    "◀️ В меню",
]

COMPOSING = (
    "⏳ Составляю тренировку под тебя: учитываю цель, опыт и прошлые занятия.\n\n"
    "Обычно это занимает несколько секунд — тренировка появится здесь."
)
WORKOUT_FOOTER = (
    "<i>Составлено по моей методике под твой профиль.</i>\n"
    "Нажми на упражнение, чтобы увидеть технику."
)


def greeting(name: str) -> str:
    return (
        f"Привет, {name}! 👋\n\nЯ твой AI-тренер. Составлю персональную тренировку под твои "
        "цели, опыт и снаряжение, покажу технику каждого упражнения и помогу не сбиться с "
        "графика.\n\nСначала пара вопросов о тебе — это займёт минуту."
    )


def step(number: int, question: str) -> str:
    """A wizard window: the step line, then the question."""
    return f"<i>Шаг {number} из {STEPS}</i>\n\n{question}"


def step_with_error(number: int, error: str, question: str) -> str:
    """A wizard window that refused an answer: the step line, the error, the question."""
    return f"<i>Шаг {number} из {STEPS}</i>\n\n⚠️ {error}\n\n{question}"


def maintenance_target_question(current_kg: str) -> str:
    return (
        f"Для поддержания формы обычно оставляют текущий вес — {current_kg} кг. "
        "Нажми кнопку ниже или напиши свой целевой вес (в пределах ±3%)."
    )


def target_question(current_kg: str) -> str:
    return (
        "Какой вес ты хочешь видеть на весах? Напиши целевой вес в килограммах "
        f"(сейчас {current_kg} кг)."
    )


def answers(
    gender: str = "Мужской",
    age: int = 27,
    height: str = "178 см",
    weight: str = "82,5 кг",
    level: str = "1–3 года",
    goal: str = "Похудение",
    target: str = "76 кг",
    frequency: str = "3 раза",
    equipment: str = "Зал",
) -> str:
    """The answers as the summary and the profile list them (fill_until's by default)."""
    return (
        f"Пол: <b>{gender}</b>\nВозраст: <b>{age}</b>\nРост: <b>{height}</b>\n"
        f"Вес: <b>{weight}</b>\nОпыт: <b>{level}</b>\nЦель: <b>{goal}</b>\n"
        f"Целевой вес: <b>{target}</b>\nТренировок в неделю: <b>{frequency}</b>\n"
        f"Где тренируешься: <b>{equipment}</b>"
    )


def summary(answers_text: str, note: str | None) -> str:
    middle = f"\n\n💡 {note}" if note else ""
    return (
        f"<b>Проверь анкету</b>\n\n{answers_text}{middle}\n\n"
        "Всё верно? Если нет — нажми на пункт, который хочешь поправить."
    )


LOSS_PACE = "Реалистичный темп — 0,4–0,8 кг в неделю, то есть примерно 8–16 недель."


def menu(name: str) -> str:
    return (
        f"<b>{name}</b>, это главное меню.\n"
        "Жми «Получить тренировку» — составлю занятие под твою цель и снаряжение."
    )


def menu_with_workout(name: str) -> str:
    """The menu while a workout is open (not completed yet)."""
    return f"<b>{name}</b>, это главное меню.\nТвоя текущая тренировка ждёт в «Моя тренировка»."


def saved_menu(name: str) -> str:
    return f"Анкета сохранена ✅\n\n{menu(name)}"


def profile(answers_text: str) -> str:
    return f"<b>Твой профиль</b>\n\n{answers_text}"


def done(wait: str, zone: str = "по Москве") -> str:
    """The done screen of a workout with nothing logged: it offers to log the rest as
    written and asks once how it went. `zone`: how the user's time zone is named."""
    return (
        "🎉 <b>Отличная работа!</b> Тренировка отмечена выполненной.\n\n"
        f"Следующая тренировка — {wait} {zone}.\n\n"
        "Восстанавливайся: сон, вода и белок помогут мышцам расти.\n\n"
        "Если какие-то упражнения не записал, но сделал их как написано, — нажми "
        "«✅ Остальное — как написано». Иначе они останутся без результата.\n\n"
        "<b>Как прошло?</b>"
    )


DONE_BUTTONS = [
    "✅ Остальное — как написано",
    "😮\u200d💨 Тяжело",
    "👍 Нормально",
    "😎 Легко",
    "🕐 Указать мой часовой пояс",  # until the user chooses one
    "◀️ В меню",
]


def cooldown(wait: str, zone: str = "по Москве") -> str:
    return (
        "⏳ Новая тренировка пока недоступна: телу нужно восстановиться.\n\n"
        f"Следующая тренировка — {wait} {zone}."
    )


EXERCISE_LINE = re.compile(r"^(\d+)\. <b>(.+?)</b> — ", re.MULTILINE)


def workout_exercises(text: str) -> list[str]:
    """The exercise names a workout screen lists, in order (1., 2., ...)."""
    found = EXERCISE_LINE.findall(text)
    assert [int(number) for number, _ in found] == list(range(1, len(found) + 1)), text
    return [html.unescape(name) for _, name in found]


def workout_buttons(text: str, *, begun: bool = False) -> list[str]:
    """The buttons a workout screen must have: one per exercise it lists, then the rest
    («🔁 Собрать заново» until a set is logged, `begun`)."""
    names = workout_exercises(text)
    rebuild = [] if begun else ["🔁 Собрать заново"]
    return [
        *(f"{n}. {name}" for n, name in enumerate(names, 1)),
        "✅ Завершить тренировку",
        *rebuild,
        "◀️ В меню",
    ]
