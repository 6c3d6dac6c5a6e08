"""How a profile reads: the registration choices (stored value, label) and the answers as
text. Shared by the registration wizard and the profile screen."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from trainer_bot.db.enums import Equipment, EquipmentType, FitnessLevel, Gender, Goal
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
# The home equipment multi-select: «Ничего нет» is exclusive and is stored as no items.
HOME_NOTHING = "nothing"
HOME_EQUIPMENT_CHOICES = [
    (HOME_NOTHING, "Ничего нет"),
    (Equipment.PULLUP_BAR.value, "Турник"),
    (Equipment.DUMBBELL.value, "Гантели"),
    (Equipment.BANDS.value, "Резинки (эспандеры)"),
    (Equipment.BENCH.value, "Скамья или крепкий стул"),
    (Equipment.DIP_BARS.value, "Брусья"),
]
# How the summary and the profile name them, in this order: «Дома: турник, гантели».
HOME_EQUIPMENT_NAMES = {
    Equipment.PULLUP_BAR.value: "турник",
    Equipment.DUMBBELL.value: "гантели",
    Equipment.BANDS.value: "резинки",
    Equipment.BENCH.value: "скамья или стул",
    Equipment.DIP_BARS.value: "брусья",
}
HOME_UNKNOWN_TEXT = "не указано"
HOME_UNKNOWN_HINT = " — укажи, чтобы тренировки были точнее"

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
    (Step.HOME_EQUIPMENT.value, "Дома"),
]
# Labels of the summary's edit buttons: two to a row fit a 360-px phone at ~16 characters.
EDIT_TITLES = {
    Step.GENDER.value: "Пол",
    Step.AGE.value: "Возраст",
    Step.HEIGHT.value: "Рост",
    Step.WEIGHT.value: "Вес",
    Step.LEVEL.value: "Опыт",
    Step.GOAL.value: "Цель",
    Step.TARGET_WEIGHT.value: "Целевой вес",
    Step.FREQUENCY.value: "Раз в неделю",
    Step.EQUIPMENT.value: "Зал или дом",
    Step.HOME_EQUIPMENT.value: "Инвентарь",
}


def home_equipment_text(items: Iterable[str] | None) -> str:
    """«турник, гантели», «без инвентаря», or «не указано» (None: never asked)."""
    if items is None:
        return HOME_UNKNOWN_TEXT
    have = set(items)
    names = [name for value, name in HOME_EQUIPMENT_NAMES.items() if value in have]
    return ", ".join(names) if names else "без инвентаря"


def shows_home_equipment(answers: dict[str, Any]) -> bool:
    """Home equipment is a «Свой вес» answer; a gym user is never asked."""
    return (
        answers.get(Step.EQUIPMENT) == EquipmentType.BODYWEIGHT.value
        and Step.HOME_EQUIPMENT.value in answers
    )


def answer_text(step: Step, value: Any) -> str:
    if step is Step.AGE:
        return str(value)
    if step is Step.HEIGHT:
        return f"{value} см"
    if step in (Step.WEIGHT, Step.TARGET_WEIGHT):
        return f"{format_kg(float(value))} кг"
    if step is Step.HOME_EQUIPMENT:
        return home_equipment_text(value)
    return label(step.value, value)


def answers_text(answers: dict[str, Any], *, ask_unknown: bool = False) -> str:
    """One «Title: <b>answer</b>» line per given answer, in the summary's order.

    `ask_unknown`: an unanswered home equipment line also asks the user to answer it.
    """
    lines = []
    for key, title in SUMMARY_FIELDS:
        if key not in answers:
            continue
        if key == Step.HOME_EQUIPMENT and not shows_home_equipment(answers):
            continue
        line = f"{title}: <b>{answer_text(Step(key), answers[key])}</b>"
        if ask_unknown and key == Step.HOME_EQUIPMENT and answers[key] is None:
            line += HOME_UNKNOWN_HINT
        lines.append(line)
    return "\n".join(lines)
