"""Rules for the registration answers: parsing typed values and cross-field checks.

Pure functions, no Telegram and no database. Parsers raise `ValueError` with the Russian
message the user sees (aiogram-dialog's TextInput routes ValueError to `on_error`).
Cross-field rules follow ../shared/reference/training.md (BMI sanity, goal vs target, minors).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum

from trainer_bot.db.enums import Equipment, EquipmentType, Goal
from trainer_bot.db.models import AGE_RANGE, HEIGHT_RANGE_CM, WEIGHT_RANGE_KG

# Re-exported: the dialogs format weights with the profile's rules.
from trainer_bot.formatting import format_kg

MAX_INPUT_LENGTH = 40
ADULT_AGE = 18
PLAUSIBLE_ADULT_BMI = (12.0, 70.0)
UNDERWEIGHT_BMI = 18.5
LOW_IMPACT_BMI = 35.0
SEE_DOCTOR_BMI = (16.0, 40.0)
MAINTENANCE_TOLERANCE = 0.03
LONG_TERM_CHANGE = 0.25
# Safe weekly pace as a share of body weight.
LOSS_PACE = (0.005, 0.01)
GAIN_PACE = (0.0025, 0.005)

_NUMBER = re.compile(r"^\s*(?P<number>[-+−]?\d+(?:[.,]\d+)?)\s*(?P<unit>[^\d\s.,]*)\.?\s*$")
AGE_UNITS = frozenset({"", "лет", "год", "года", "г"})
HEIGHT_UNITS = frozenset({"", "см", "cm"})
WEIGHT_UNITS = frozenset({"", "кг", "kg"})


class Step(StrEnum):
    """Registration steps, in order; also the keys of the answers."""

    GENDER = "gender"
    AGE = "age"
    HEIGHT = "height_cm"
    WEIGHT = "weight_kg"
    LEVEL = "level"
    GOAL = "goal"
    TARGET_WEIGHT = "target_weight_kg"
    FREQUENCY = "frequency"
    EQUIPMENT = "equipment"
    HOME_EQUIPMENT = "home_equipment"  # asked only after «Свой вес»


def _parse_number(text: str | None, example: str, units: frozenset[str]) -> float:
    if text is None or not text.strip():
        raise ValueError(f"Напиши ответ числом, например {example}.")
    if len(text) > MAX_INPUT_LENGTH:
        raise ValueError(f"Слишком длинный ответ — мне нужно только число, например {example}.")
    match = _NUMBER.match(text)
    if match is None or match["unit"].lower() not in units:
        raise ValueError(f"Не понял ответ — напиши только число, например {example}.")
    value = float(match["number"].replace(",", ".").replace("−", "-"))
    if not math.isfinite(value):
        raise ValueError(f"Напиши обычное число, например {example}.")
    return value


def _whole_number(text: str | None, example: str, what: str, units: frozenset[str]) -> int:
    value = _parse_number(text, example, units)
    if not value.is_integer():
        raise ValueError(f"{what} нужен целым числом, без дробей: например {example}.")
    return int(value)


def parse_age(text: str | None) -> int:
    low, high = AGE_RANGE
    age = _whole_number(text, "27", "Возраст", AGE_UNITS)
    if age < 0:
        raise ValueError("Возраст не может быть отрицательным. Напиши, сколько тебе полных лет.")
    if not low <= age <= high:
        raise ValueError(f"Я тренирую людей от {low} до {high} лет. Напиши возраст числом.")
    return age


def parse_height(text: str | None) -> int:
    low, high = HEIGHT_RANGE_CM
    value = _parse_number(text, "178", HEIGHT_UNITS)
    if 0.5 <= value < 3:
        raise ValueError(f"Похоже, это метры. Напиши рост в сантиметрах: {format_kg(value * 100)}.")
    height = _whole_number(text, "178", "Рост", HEIGHT_UNITS)
    if not low <= height <= high:
        raise ValueError(f"Рост нужен в сантиметрах, от {low} до {high}: например 178.")
    return height


def parse_weight(text: str | None) -> float:
    low, high = WEIGHT_RANGE_KG
    weight = _parse_number(text, "72,5", WEIGHT_UNITS)
    if not low <= weight <= high:
        raise ValueError(f"Вес нужен в килограммах, от {low} до {high}. Можно с десятыми: 72,5.")
    return round(weight, 1)


def bmi(height_cm: int, weight_kg: float) -> float:
    return weight_kg / (height_cm / 100) ** 2


def _bmi_text(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def weight_for_bmi(height_cm: int, target_bmi: float) -> float:
    return target_bmi * (height_cm / 100) ** 2


def check_body_plausible(age: int, height_cm: int, weight_kg: float) -> str | None:
    """An adult BMI far outside human range is a typo in height or weight."""
    if age < ADULT_AGE:
        return None  # adult BMI cut-offs do not apply to minors
    value = bmi(height_cm, weight_kg)
    low, high = PLAUSIBLE_ADULT_BMI
    if low <= value <= high:
        return None
    return (
        f"Похоже на опечатку: рост {height_cm} см и вес {format_kg(weight_kg)} кг дают "
        f"индекс массы тела {_bmi_text(value)}, так не бывает. Проверь вес "
        "или вернись «Назад» и поправь рост."
    )


def check_goal(goal: Goal, age: int, height_cm: int, weight_kg: float) -> str | None:
    """Weight loss is refused to an underweight adult."""
    if goal is not Goal.WEIGHT_LOSS or age < ADULT_AGE:
        return None
    value = bmi(height_cm, weight_kg)
    if value >= UNDERWEIGHT_BMI:
        return None
    return (
        f"Твой индекс массы тела {_bmi_text(value)} — это ниже нормы, худеть сейчас "
        "небезопасно. Выбери поддержание формы или набор массы."
    )


def check_target_weight(
    goal: Goal, age: int, height_cm: int, weight_kg: float, target_kg: float
) -> str | None:
    current = format_kg(weight_kg)
    if goal is Goal.MASS_GAIN and target_kg <= weight_kg:
        return f"Для набора массы целевой вес должен быть больше текущего ({current} кг)."
    if goal is Goal.WEIGHT_LOSS:
        if target_kg >= weight_kg:
            return f"Для похудения целевой вес должен быть меньше текущего ({current} кг)."
        lowest = weight_for_bmi(height_cm, UNDERWEIGHT_BMI)
        if age >= ADULT_AGE and target_kg < lowest:
            return (
                f"При росте {height_cm} см вес {format_kg(target_kg)} кг — это уже недобор "
                f"веса (индекс массы тела ниже 18,5). Безопасный минимум — "
                f"{format_kg(math.ceil(lowest * 10) / 10)} кг."
            )
    if goal is Goal.MAINTENANCE:
        low = weight_kg * (1 - MAINTENANCE_TOLERANCE)
        high = weight_kg * (1 + MAINTENANCE_TOLERANCE)
        if not low <= target_kg <= high:
            return (
                "Для поддержания формы целевой вес — в пределах ±3% от текущего: "
                f"от {format_kg(math.ceil(low * 10) / 10)} до {format_kg(high // 0.1 / 10)} кг. "
                "Если хочешь заметно изменить вес, вернись «Назад» и выбери другую цель."
            )
    return None


@dataclass(frozen=True, slots=True)
class ProfileAnswers:
    gender: str
    age: int
    height_cm: int
    weight_kg: float
    level: str
    goal: Goal
    target_weight_kg: float
    frequency: int
    equipment: str
    # What a «Свой вес» user has at home; None: never asked (or a gym user).
    home_equipment: frozenset[Equipment] | None = None

    @classmethod
    def from_dialog_data(cls, data: dict[str, object]) -> ProfileAnswers:
        """Raises KeyError/ValueError when an answer is missing or malformed."""
        return cls(
            gender=str(data[Step.GENDER]),
            age=int(data[Step.AGE]),  # type: ignore[call-overload]
            height_cm=int(data[Step.HEIGHT]),  # type: ignore[call-overload]
            weight_kg=float(data[Step.WEIGHT]),  # type: ignore[arg-type]
            level=str(data[Step.LEVEL]),
            goal=Goal(str(data[Step.GOAL])),
            target_weight_kg=float(data[Step.TARGET_WEIGHT]),  # type: ignore[arg-type]
            frequency=int(data[Step.FREQUENCY]),  # type: ignore[call-overload]
            equipment=str(data[Step.EQUIPMENT]),
            home_equipment=_home_equipment(data),
        )


def _home_equipment(data: dict[str, object]) -> frozenset[Equipment] | None:
    """The home equipment answer, kept only for «Свой вес» (a gym user is not asked)."""
    items = data.get(Step.HOME_EQUIPMENT)
    if data.get(Step.EQUIPMENT) != EquipmentType.BODYWEIGHT.value or items is None:
        return None
    if not isinstance(items, list | tuple):
        raise ValueError(f"malformed home equipment: {items!r}")
    return frozenset(Equipment(str(item)) for item in items)


def first_problem(answers: ProfileAnswers) -> tuple[Step, str] | None:
    """The earliest step whose answer no longer fits the others (after an edit)."""
    problem = check_body_plausible(answers.age, answers.height_cm, answers.weight_kg)
    if problem:
        return Step.WEIGHT, problem
    problem = check_goal(answers.goal, answers.age, answers.height_cm, answers.weight_kg)
    if problem:
        return Step.GOAL, problem
    problem = check_target_weight(
        answers.goal, answers.age, answers.height_cm, answers.weight_kg, answers.target_weight_kg
    )
    if problem:
        return Step.TARGET_WEIGHT, problem
    return None


def profile_notes(answers: ProfileAnswers) -> list[str]:
    """Coach's remarks shown with the summary: pace, safety, minors."""
    notes: list[str] = []
    if answers.age < 14:
        notes.append(
            "В 10–13 лет тренируемся только с собственным весом и лёгкими нагрузками — "
            "лучше вместе со взрослым или тренером."
        )
    elif answers.age < ADULT_AGE:
        notes.append(
            "До 18 лет даю только упражнения базового уровня, без максимальных весов и "
            "рывковых движений."
        )
    else:
        value = bmi(answers.height_cm, answers.weight_kg)
        if value < SEE_DOCTOR_BMI[0] or value >= SEE_DOCTOR_BMI[1]:
            notes.append("Перед началом тренировок советую показаться врачу.")
        if value >= LOW_IMPACT_BMI:
            notes.append("Подберу упражнения без прыжков — бережно для суставов.")
    pace = _pace_note(answers)
    if pace:
        notes.append(pace)
    return notes


def _pace_note(answers: ProfileAnswers) -> str | None:
    change = abs(answers.target_weight_kg - answers.weight_kg)
    if answers.goal is Goal.MAINTENANCE or change == 0:
        return None
    if answers.age < ADULT_AGE:
        return (
            "В твоём возрасте вес меняется вместе с ростом: главное — регулярные тренировки "
            "и активность, а не цифра на весах."
        )
    slow, fast = LOSS_PACE if answers.goal is Goal.WEIGHT_LOSS else GAIN_PACE
    weeks_fast = max(1, round(change / (answers.weight_kg * fast)))
    weeks_slow = max(weeks_fast, round(change / (answers.weight_kg * slow)))
    pace = (
        f"Реалистичный темп — {format_kg(answers.weight_kg * slow)}–"
        f"{format_kg(answers.weight_kg * fast)} кг в неделю, "
        f"то есть примерно {weeks_fast}–{weeks_slow} недель."
    )
    if change / answers.weight_kg > LONG_TERM_CHANGE:
        return "Это долгосрочная цель. " + pace
    return pace
