"""How a profile reads: the registration choices (stored value, label) and the answers as
text. Shared by the registration wizard and the profile screen."""

from __future__ import annotations

from typing import Any

from trainer_bot.db.enums import EquipmentType, FitnessLevel, Gender, Goal
from trainer_bot.formatting import format_kg
from trainer_bot.services.profile_rules import Step

GENDERS = [(Gender.MALE.value, "👨 Мужской"), (Gender.FEMALE.value, "👩 Женский")]
LEVELS = [
    (FitnessLevel.BEGINNER.value, "🌱 Начинающий"),
    (FitnessLevel.INTERMEDIATE.value, "💪 1–3 года"),
    (FitnessLevel.ADVANCED.value, "🏆 Больше 3 лет"),
]
GOALS = [
    (Goal.MASS_GAIN.value, "📈 Набор массы"),
    (Goal.WEIGHT_LOSS.value, "📉 Похудение"),
    (Goal.MAINTENANCE.value, "⚖️ Поддержание формы"),
]
FREQUENCIES = [("2", "2 раза"), ("3", "3 раза"), ("5", "5 раз")]
EQUIPMENT = [(EquipmentType.GYM.value, "🏋️ Зал"), (EquipmentType.BODYWEIGHT.value, "🤸 Свой вес")]

LABELS = {
    "gender": dict(GENDERS),
    "level": dict(LEVELS),
    "goal": dict(GOALS),
    "frequency": dict(FREQUENCIES),
    "equipment": dict(EQUIPMENT),
}


def label(step: str, value: object) -> str:
    """A human label for a stored button answer, without the emoji."""
    text = LABELS[step].get(str(value), str(value))
    return text.split(" ", 1)[1] if not text[0].isalnum() else text


# (answer key, title) in the order the summary and the profile list them.
SUMMARY_FIELDS = [
    (Step.GENDER.value, "Пол"),
    (Step.AGE.value, "Возраст"),
    (Step.HEIGHT.value, "Рост"),
    (Step.WEIGHT.value, "Вес"),
    (Step.LEVEL.value, "Опыт"),
    (Step.GOAL.value, "Цель"),
    (Step.TARGET_WEIGHT.value, "Целевой вес"),
    (Step.FREQUENCY.value, "Тренировок в неделю"),
    (Step.EQUIPMENT.value, "Где тренируешься"),
]


def answer_text(step: Step, value: Any) -> str:
    if step is Step.AGE:
        return str(value)
    if step is Step.HEIGHT:
        return f"{value} см"
    if step in (Step.WEIGHT, Step.TARGET_WEIGHT):
        return f"{format_kg(float(value))} кг"
    return label(step.value, value)


def answers_text(answers: dict[str, Any]) -> str:
    """One «Title: <b>answer</b>» line per given answer, in the summary's order."""
    return "\n".join(
        f"{title}: <b>{answer_text(Step(key), answers[key])}</b>"
        for key, title in SUMMARY_FIELDS
        if key in answers
    )
