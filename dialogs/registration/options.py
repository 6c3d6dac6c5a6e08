"""Button choices of the registration steps: (stored value, label)."""

from trainer_bot.db.enums import EquipmentType, FitnessLevel, Gender, Goal

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
