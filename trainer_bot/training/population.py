"""The one line a workout screen adds for some populations (training.md, «Populations»).

- Age 10-13: an adult nearby (parental involvement is recommended).
- Age 65+: check with a doctor before starting.
- Adults with BMI < 16 or >= 40: the workout itself says to see a doctor (adult BMI
  cut-offs do not apply to minors, so a 14-17-year-old gets no BMI note).
A week too short for the level's weekly minimum of hard sets (the rules check caps the
minimum then, `rules_check.weekly_minimum`) gets its own honest line.
Pure: no Telegram, no database.
"""

from __future__ import annotations

CHILD_AGES = range(10, 14)
ADULT_AGE = 18
SENIOR_AGE = 65
SEE_DOCTOR_BMI = (16.0, 40.0)  # below the first or from the second on

ADULT_NEARBY_NOTE = (
    "👨‍👧 Занимайся рядом со взрослым: пусть родитель или тренер посмотрит технику и подстрахует."
)
SENIOR_NOTE = "🩺 Перед началом покажись врачу: он подскажет, какие нагрузки тебе подходят."
LOW_BMI_NOTE = (
    "🩺 При твоём весе сначала покажись врачу: он подскажет, как тренироваться безопасно."
)
HIGH_BMI_NOTE = (
    "🩺 Перед началом покажись врачу: он подскажет, какие нагрузки безопасны для сердца и суставов."
)

# By workouts a week; the cap touches 2 days (intermediate and advanced) and 3 days
# (advanced weight loss): the advice is the next choice the profile offers.
VOLUME_CAP_NOTES = {
    2: "📉 При двух тренировках в неделю мышцам достаётся меньше подходов, чем нужно "
    "при твоём опыте. Сможешь — добавь третью.",
    3: "📉 При трёх тренировках в неделю мышцам достаётся меньше подходов, чем нужно "
    "при твоём опыте. Сможешь — переходи на пять.",
}
VOLUME_CAP_NOTE = (
    "📉 При таком графике мышцам достаётся меньше подходов, чем нужно при твоём опыте. "
    "Сможешь — добавь тренировку."
)


def volume_cap_note(workouts_per_week: int) -> str:
    """The line for a week that holds fewer hard sets than the level needs."""
    return VOLUME_CAP_NOTES.get(workouts_per_week, VOLUME_CAP_NOTE)


def population_note(age: int, height_cm: int, weight_kg: float) -> str | None:
    """The note for this body and age, or None when none is needed."""
    if age in CHILD_AGES:
        return ADULT_NEARBY_NOTE
    if age < ADULT_AGE:
        return None
    if age >= SENIOR_AGE:
        return SENIOR_NOTE
    bmi = weight_kg / (height_cm / 100) ** 2
    low, high = SEE_DOCTOR_BMI
    if bmi < low:
        return LOW_BMI_NOTE
    if bmi >= high:
        return HIGH_BMI_NOTE
    return None
