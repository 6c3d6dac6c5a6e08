"""The one line the workout screen shows for the people training.md singles out."""

from __future__ import annotations

from trainer_bot.training.rules_check import limits as lim
from trainer_bot.training.schemas import TrainingProfile

DOCTOR_BMI_NOTE = (
    "Перед началом тренировок покажись врачу: при твоём весе это важно, "
    "а нагрузку подберём бережную."
)
DOCTOR_AGE_NOTE = (
    "Перед началом тренировок обсуди нагрузку с врачом, особенно если есть давление "
    "или болят суставы."
)
CHILD_NOTE = "Тренируйся вместе со взрослым: он подстрахует и подскажет по технике."


def population_note(profile: TrainingProfile) -> str | None:
    """Russian, one short line, or None: a doctor for BMI < 16 or >= 40 (adults; a
    child's BMI needs age charts) and for 65+, an adult nearby for ages 10-13."""
    if profile.age <= lim.CHILD_MAX:
        return CHILD_NOTE
    if profile.age >= lim.OLDER_ADULT:
        return DOCTOR_AGE_NOTE
    if profile.age >= lim.ADULT and (
        profile.bmi < lim.DOCTOR_LOW_BMI or profile.bmi >= lim.NO_HANGING_BMI
    ):
        return DOCTOR_BMI_NOTE
    return None
