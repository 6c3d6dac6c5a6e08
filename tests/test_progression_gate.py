"""The rules check after progression: a load from the user's log may pass the first-time
limit; anything else the check refuses goes back to the checked prescription."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from trainer_bot.catalogue import default_catalogue
from trainer_bot.db.enums import EquipmentType, FitnessLevel, Gender, Goal
from trainer_bot.training.fallback import generate_fallback_workout
from trainer_bot.training.plan import PlannedExercise
from trainer_bot.training.progression import Progressed
from trainer_bot.training.progression_gate import check_progressed
from trainer_bot.training.rules_check import check, load_limit
from trainer_bot.training.schemas import TrainingProfile

CATALOGUE = default_catalogue()
BY_SLUG = {e.slug: e for e in CATALOGUE}
TODAY = date(2026, 3, 5)
PROFILE = TrainingProfile(
    gender=Gender.MALE,
    age=30,
    height_cm=180,
    weight_kg=80.0,
    level=FitnessLevel.BEGINNER,
    goal=Goal.MASS_GAIN,
    target_weight_kg=85.0,
    workouts_per_week=3,
    equipment=EquipmentType.GYM,
)
LAST_TIME = ((10, 60.0), (10, 60.0), (10, 60.0))


def checked_plan() -> Progressed:
    plan = generate_fallback_workout(PROFILE, [], CATALOGUE, today=TODAY)
    assert check(plan, PROFILE, [], catalogue=CATALOGUE, today=TODAY) == []
    count = len(plan.exercises)
    return Progressed(plan, ("",) * count, ((),) * count)


def first_loaded(checked: Progressed) -> tuple[int, PlannedExercise, float]:
    for position, item in enumerate(checked.plan.exercises):
        limit = load_limit(BY_SLUG[item.slug], PROFILE)
        if item.weight_kg and limit:
            return position, item, limit
    raise AssertionError("the plan has no loaded exercise")


def changed(
    checked: Progressed, position: int, item: PlannedExercise, *, from_log: bool, note: str
) -> Progressed:
    exercises = list(checked.plan.exercises)
    exercises[position] = item
    previous = list(checked.previous)
    previous[position] = LAST_TIME if from_log else ()
    notes = list(checked.notes)
    notes[position] = note
    plan = checked.plan.model_copy(update={"exercises": exercises})
    return Progressed(plan, tuple(notes), tuple(previous))


def run(checked: Progressed, progressed: Progressed) -> Progressed:
    return check_progressed(checked, progressed, PROFILE, [], CATALOGUE, today=TODAY, user_id=1)


def test_a_plan_the_check_accepts_is_kept_as_progressed() -> None:
    checked = checked_plan()
    position, item, _ = first_loaded(checked)
    lighter = item.model_copy(update={"weight_kg": item.weight_kg})
    progressed = changed(checked, position, lighter, from_log=True, note="📈 как в прошлый раз")
    assert run(checked, progressed) is progressed


def test_a_logged_load_above_the_first_time_limit_is_the_users_own() -> None:
    checked = checked_plan()
    position, item, limit = first_loaded(checked)
    heavy = item.model_copy(update={"weight_kg": round(limit * 1.5)})
    progressed = changed(checked, position, heavy, from_log=True, note="📈 +2,5 кг")
    assert run(checked, progressed).plan.exercises[position].weight_kg == round(limit * 1.5)


def test_the_same_load_without_a_log_goes_back_to_the_checked_one(
    caplog: pytest.LogCaptureFixture,
) -> None:
    checked = checked_plan()
    position, item, limit = first_loaded(checked)
    heavy = item.model_copy(update={"weight_kg": round(limit * 1.5)})
    progressed = changed(checked, position, heavy, from_log=False, note="📈 угадано")
    with caplog.at_level(logging.WARNING):
        result = run(checked, progressed)
    assert result.plan.exercises[position] == item
    assert result.notes[position] == ""
    assert "plan_check user=1 source=progression violations=load_limit" in caplog.text


def test_too_many_sets_go_back_and_the_other_exercises_keep_their_progression() -> None:
    checked = checked_plan()
    position, item, _ = first_loaded(checked)
    other = next(i for i in range(len(checked.plan.exercises)) if i != position)
    progressed = changed(
        checked, position, item.model_copy(update={"sets": 9}), from_log=True, note="📈 +1 подход"
    )
    progressed = changed(
        progressed, other, progressed.plan.exercises[other], from_log=True, note="📈 держим"
    )
    result = run(checked, progressed)
    assert result.plan.exercises[position] == item
    assert result.notes[other] == "📈 держим"
    assert check(result.plan, PROFILE, [], catalogue=CATALOGUE, today=TODAY) == []


def test_reps_past_the_table_are_clamped_and_the_load_kept(
    caplog: pytest.LogCaptureFixture,
) -> None:
    checked = checked_plan()
    position, item, _ = first_loaded(checked)
    climbed = item.model_copy(update={"reps_min": 13, "reps_max": 16})  # beginner: 8-12
    progressed = changed(checked, position, climbed, from_log=True, note="📈 +1 повтор")
    with caplog.at_level(logging.INFO):
        result = run(checked, progressed)
    kept = result.plan.exercises[position]
    assert (kept.reps_min, kept.reps_max) == (12, 12)
    assert kept.weight_kg == item.weight_kg
    assert result.notes[position] == "📈 +1 повтор"
    assert check(result.plan, PROFILE, [], catalogue=CATALOGUE, today=TODAY) == []
    assert "reverted" not in caplog.text


def test_a_placeholder_note_gets_the_checked_note_back() -> None:
    checked = checked_plan()
    position, item, _ = first_loaded(checked)
    silent = item.model_copy(update={"notes": "Без заметок"})
    progressed = changed(checked, position, silent, from_log=True, note="📈 держим")
    result = run(checked, progressed)
    assert result.plan.exercises[position].notes == item.notes
    assert result.notes[position] == "📈 держим"
    assert check(result.plan, PROFILE, [], catalogue=CATALOGUE, today=TODAY) == []


def test_a_warmup_that_cannot_be_rewritten_sends_the_plan_back(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import trainer_bot.training.progression_gate as gate

    checked = checked_plan()
    position, item, _ = first_loaded(checked)
    progressed = changed(checked, position, item, from_log=True, note="📈 держим")
    broken = progressed.plan.model_copy(update={"warmup": "—"})
    progressed = Progressed(broken, progressed.notes, progressed.previous)
    monkeypatch.setattr(gate, "warmup_for", lambda *args, **kwargs: "Разомнись.")
    with caplog.at_level(logging.WARNING):
        result = run(checked, progressed)
    assert result.plan == checked.plan
    assert "violations=warmup" in caplog.text
    assert "action=reverted" in caplog.text
