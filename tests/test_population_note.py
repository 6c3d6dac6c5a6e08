"""The population note of the workout screen: the rule (pure) and the screen."""

from __future__ import annotations

import pytest

from tests.support.dialogs import UserSession
from tests.support.harness import DialogHarness
from trainer_bot.training.population import (
    ADULT_NEARBY_NOTE,
    HIGH_BMI_NOTE,
    LOW_BMI_NOTE,
    SENIOR_NOTE,
    VOLUME_CAP_NOTE,
    VOLUME_CAP_NOTES,
    population_note,
    volume_cap_note,
)

# 200 cm: BMI = weight / 4, so the boundaries are exact.
HEIGHT = 200
NORMAL_WEIGHT = 80.0  # BMI 20


@pytest.mark.parametrize(
    ("age", "expected"),
    [
        (10, ADULT_NEARBY_NOTE),
        (13, ADULT_NEARBY_NOTE),
        (14, None),
        (17, None),
        (18, None),
        (64, None),
        (65, SENIOR_NOTE),
        (80, SENIOR_NOTE),
    ],
)
def test_notes_by_age(age: int, expected: str | None) -> None:
    assert population_note(age, HEIGHT, NORMAL_WEIGHT) == expected


@pytest.mark.parametrize(
    ("bmi", "expected"),
    [
        (15.9, LOW_BMI_NOTE),
        (16.0, None),
        (39.9, None),
        (40.0, HIGH_BMI_NOTE),
        (55.0, HIGH_BMI_NOTE),
    ],
)
def test_notes_by_adult_bmi(bmi: float, expected: str | None) -> None:
    assert population_note(30, HEIGHT, bmi * 4) == expected


def test_adult_bmi_cut_offs_do_not_apply_to_minors() -> None:
    assert population_note(15, HEIGHT, 15.0 * 4) is None
    assert population_note(12, HEIGHT, 45.0 * 4) == ADULT_NEARBY_NOTE


def test_a_senior_with_an_extreme_bmi_gets_one_doctor_line() -> None:
    assert population_note(70, HEIGHT, 42.0 * 4) == SENIOR_NOTE


def test_each_note_is_one_short_line() -> None:
    capped = (*VOLUME_CAP_NOTES.values(), VOLUME_CAP_NOTE)
    for note in (ADULT_NEARBY_NOTE, SENIOR_NOTE, LOW_BMI_NOTE, HIGH_BMI_NOTE, *capped):
        assert "\n" not in note and len(note) <= 120, note


def test_the_capped_week_line_names_the_next_choice() -> None:
    assert "третью" in volume_cap_note(2)
    assert "пять" in volume_cap_note(3)
    assert volume_cap_note(4) == VOLUME_CAP_NOTE


async def registered_at(
    user: UserSession,
    age: str,
    weight: str,
    goal: str,
    *,
    level: str = "🌱 Начинающий",
    frequency: str = "3 раза",
) -> None:
    await user.start()
    await user.press("🚀 Начать")
    await user.press("👩 Женский")
    await user.say(age)
    await user.say("165")
    await user.say(weight)
    await user.press(level)
    await user.press(goal)
    if "Оставить текущий вес" in " ".join(user.buttons()):
        await user.press(r"Оставить текущий вес \(.*\)")
    else:
        await user.say("68")
    await user.press(frequency)
    await user.press("🏋️ Зал")
    assert "Анкета сохранена" in await user.press("✅ Всё верно")


@pytest.mark.parametrize(
    ("age", "weight", "goal", "note"),
    [
        ("70", "62", "⚖️ Поддержание формы", SENIOR_NOTE),
        ("12", "45", "📈 Набор массы", ADULT_NEARBY_NOTE),
        ("35", "120", "📉 Похудение", HIGH_BMI_NOTE),  # BMI 44
        ("35", "62", "⚖️ Поддержание формы", None),
    ],
)
async def test_the_workout_screen_shows_the_note(
    harness: DialogHarness, age: str, weight: str, goal: str, note: str | None
) -> None:
    user = UserSession(harness, 737373, first_name="Вера")
    await registered_at(user, age, weight, goal)
    await user.press("🏋️ Получить тренировку")
    await harness.workout_service.wait_background()
    text = user.text()
    assert "Разминка" in text
    notes = (ADULT_NEARBY_NOTE, SENIOR_NOTE, LOW_BMI_NOTE, HIGH_BMI_NOTE)
    assert [known for known in notes if known in text] == ([note] if note else [])


@pytest.mark.parametrize(
    ("level", "frequency", "weight", "shown"),
    [
        ("🏆 Больше 3 лет", "2 раза", "75", [VOLUME_CAP_NOTES[2]]),
        ("🏆 Больше 3 лет", "2 раза", "120", [HIGH_BMI_NOTE, VOLUME_CAP_NOTES[2]]),  # BMI 44
        ("🏆 Больше 3 лет", "5 раз", "75", []),
        ("🌱 Начинающий", "2 раза", "75", []),
    ],
)
async def test_a_week_too_short_for_the_level_is_said_on_the_workout_screen(
    harness: DialogHarness, level: str, frequency: str, weight: str, shown: list[str]
) -> None:
    user = UserSession(harness, 737374, first_name="Вера")
    await registered_at(user, "35", weight, "📉 Похудение", level=level, frequency=frequency)
    await user.press("🏋️ Получить тренировку")
    await harness.workout_service.wait_background()
    text = user.text()
    assert "Разминка" in text
    notes = (HIGH_BMI_NOTE, *VOLUME_CAP_NOTES.values())
    assert [known for known in notes if known in text] == shown
    if len(shown) == 2:
        assert f"{shown[0]}\n{shown[1]}" in text  # the doctor first, one line each
