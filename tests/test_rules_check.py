"""The production rules check and the population note on their own."""

from __future__ import annotations

from trainer_bot.catalogue import HomeItem, default_catalogue
from trainer_bot.db.enums import EquipmentType, FitnessLevel, Gender, Goal
from trainer_bot.training.plan import PlannedExercise, WorkoutPlan
from trainer_bot.training.population import VOLUME_CAP_NOTES
from trainer_bot.training.rules_check import ViolationKind as K
from trainer_bot.training.rules_check import (
    check,
    load_limit,
    population_note,
    weekly_minimum,
    weekly_minimum_capped,
    why_not_allowed,
    workout_note,
)
from trainer_bot.training.schemas import TrainingProfile

CATALOGUE = default_catalogue()
BY_SLUG = {e.slug: e for e in CATALOGUE}


def person(**changes: object) -> TrainingProfile:
    values: dict[str, object] = {
        "gender": Gender.MALE,
        "age": 30,
        "height_cm": 180,
        "weight_kg": 80.0,
        "level": FitnessLevel.BEGINNER,
        "goal": Goal.MASS_GAIN,
        "target_weight_kg": 84.0,
        "workouts_per_week": 3,
        "equipment": EquipmentType.GYM,
    }
    values.update(changes)
    return TrainingProfile(**values)  # type: ignore[arg-type]


def test_population_notes() -> None:
    assert population_note(person()) is None
    child = population_note(person(age=11, height_cm=145, weight_kg=38.0))
    assert child is not None and "взросл" in child
    for older in (65, 80):
        note = population_note(person(age=older))
        assert note is not None and "врач" in note
    for weight in (50.0, 130.0):  # BMI 15.4 and 40.1
        note = population_note(person(weight_kg=weight))
        assert note is not None and "врач" in note
    assert population_note(person(weight_kg=60.0)) is None  # BMI 18.5
    for note in map(population_note, (person(age=12), person(age=70))):
        assert note is not None and len(note) < 120 and "\n" not in note


B, MID, A = FitnessLevel.BEGINNER, FitnessLevel.INTERMEDIATE, FitnessLevel.ADVANCED
MASS, LOSS, KEEP = Goal.MASS_GAIN, Goal.WEIGHT_LOSS, Goal.MAINTENANCE


def test_the_weekly_minimum_is_capped_by_what_the_week_can_hold() -> None:
    # Advanced weight loss on 2 days: 2 sessions x 7 exercises x 3 sets = 42 sets for six
    # groups, not 6 x 12: the minimum becomes 42 // 6 = 7.
    assert weekly_minimum(person(level=A, goal=LOSS, workouts_per_week=2)) == 7
    assert weekly_minimum(person(level=A, goal=LOSS, workouts_per_week=3)) == 10  # 63 // 6
    assert weekly_minimum(person(level=A, goal=LOSS, workouts_per_week=5)) == 12
    # Intermediate mass gain on 3 days holds 3 x 7 x 4 = 84 >= 6 x 10: no cap.
    mass = person(level=MID, goal=MASS, workouts_per_week=3)
    assert weekly_minimum(mass) == 10 and not weekly_minimum_capped(mass)


def test_the_profiles_the_weekly_cap_touches() -> None:
    """Adults 18-64: every intermediate and advanced goal on 2 days, and advanced weight
    loss on 3 days. Beginners, minors and adults 65+ (the beginner's minimum of 6) never."""
    capped = {
        (level, goal, frequency): weekly_minimum(
            person(level=level, goal=goal, workouts_per_week=frequency)
        )
        for level in FitnessLevel
        for goal in Goal
        for frequency in (2, 3, 5)
        if weekly_minimum_capped(person(level=level, goal=goal, workouts_per_week=frequency))
    }
    assert capped == {
        (MID, MASS, 2): 9,  # 2 x 7 x 4 = 56 < 60
        (MID, LOSS, 2): 7,  # 42 < 60
        (MID, KEEP, 2): 7,  # 42 < 60
        (A, MASS, 2): 11,  # 70 < 72
        (A, LOSS, 2): 7,  # 42 < 72
        (A, KEEP, 2): 9,  # 56 < 72
        (A, LOSS, 3): 10,  # 63 < 72
    }
    for age, weight in ((11, 38.0), (16, 60.0), (70, 80.0)):
        for goal in Goal:
            young_or_old = person(
                age=age, weight_kg=weight, level=A, goal=goal, workouts_per_week=2
            )
            assert weekly_minimum(young_or_old) == 6 and not weekly_minimum_capped(young_or_old)
    # An underweight adult's weight loss is maintenance: the maintenance cap.
    thin = person(weight_kg=55.0, level=A, goal=LOSS, workouts_per_week=3)  # BMI 17
    assert weekly_minimum(thin) == 12


def test_the_workout_note_tells_when_the_week_is_too_short() -> None:
    short = person(level=A, goal=LOSS, workouts_per_week=2)
    assert workout_note(short) == VOLUME_CAP_NOTES[2]
    assert workout_note(person(level=A, goal=LOSS, workouts_per_week=3)) == VOLUME_CAP_NOTES[3]
    assert workout_note(person(level=MID, goal=MASS, workouts_per_week=3)) is None
    assert workout_note(person(level=A, goal=LOSS, workouts_per_week=5)) is None
    # The doctor's line first, then the week's.
    heavy = person(weight_kg=133.0, level=A, goal=LOSS, workouts_per_week=2)  # BMI 41
    assert workout_note(heavy) == f"{population_note(heavy)}\n{VOLUME_CAP_NOTES[2]}"
    assert workout_note(person(age=70)) == population_note(person(age=70))


def test_who_may_do_what() -> None:
    squat, pull_up = BY_SLUG["barbell_back_squat"], BY_SLUG["pull_up"]
    assert why_not_allowed(squat, person(level=FitnessLevel.INTERMEDIATE)) is None
    assert "65+" in (why_not_allowed(squat, person(age=70, level=FitnessLevel.ADVANCED)) or "")
    assert "BMI >= 40" in (
        why_not_allowed(pull_up, person(level=FitnessLevel.INTERMEDIATE, weight_kg=135.0)) or ""
    )
    home = person(equipment=EquipmentType.BODYWEIGHT, level=FitnessLevel.INTERMEDIATE)
    assert "pullup_bar" in (why_not_allowed(pull_up, home) or "")
    with_bar = person(
        equipment=EquipmentType.BODYWEIGHT,
        level=FitnessLevel.INTERMEDIATE,
        home_equipment=frozenset({HomeItem.PULLUP_BAR}),
    )
    assert why_not_allowed(pull_up, with_bar) is None
    assert "minors" in (why_not_allowed(BY_SLUG["push_press"], person(age=16)) or "")
    child = person(age=11, height_cm=145, weight_kg=38.0)
    assert why_not_allowed(BY_SLUG["goblet_squat"], child) is not None
    assert why_not_allowed(BY_SLUG["push_up"], child) is None


def test_load_limits() -> None:
    man, woman = person(), person(gender=Gender.FEMALE, weight_kg=60.0, height_cm=165)
    assert load_limit(BY_SLUG["barbell_back_squat"], man) == 0.8 * 80
    assert load_limit(BY_SLUG["dumbbell_bench_press"], man) == 0.15 * 80  # per hand
    assert load_limit(BY_SLUG["goblet_squat"], man) == 0.3 * 80  # one dumbbell, two hands
    assert abs(load_limit(BY_SLUG["leg_press"], woman) - 0.6 * 0.7 * 60) < 1e-9  # type: ignore[operator]
    assert load_limit(BY_SLUG["barbell_bench_press"], woman) == 21.0  # 0.5 x 0.7 x 60
    assert load_limit(BY_SLUG["push_up"], man) is None


def _plan(*items: PlannedExercise, warmup: str = "", rationale: str = "Проверка.") -> WorkoutPlan:
    return WorkoutPlan(
        focus="full_body_a",
        title="Всё тело (А): ноги, грудь, спина",
        rationale=rationale,
        warmup=warmup
        or "5–7 минут ходьбы. Перед «Приседания со штангой на спине»: 2 подхода по 50%.",
        exercises=list(items),
    )


def _item(slug: str, **values: object) -> PlannedExercise:
    base: dict[str, object] = {
        "slug": slug,
        "sets": 3,
        "reps_min": 8,
        "reps_max": 12,
        "rest_seconds": 90,
        "notes": "Оставляй 2–3 повтора в запасе.",
    }
    base.update(values)
    return PlannedExercise.model_validate(base)


def test_the_check_names_each_problem() -> None:
    user = person(level=FitnessLevel.INTERMEDIATE)
    plan = _plan(
        _item("barbell_back_squat", weight_kg=150.0, reps_min=1, reps_max=3, rest_seconds=15),
        _item("barbell_deadlift", weight_kg=20.0),
        _item("barbell_bench_press", weight_kg=60.0, notes="Без заметок"),
        _item("barbell_bent_over_row", weight_kg=20.0),
    )
    kinds = {v.kind for v in check(plan, user, [], catalogue=CATALOGUE)}
    assert {K.LOAD_LIMIT, K.REPS_RANGE, K.REST_RANGE, K.SPINE_LOADING, K.NOTES} <= kinds
    assert K.IMPLAUSIBLE_LOAD in kinds  # 20 kg rows for an 80 kg intermediate
    teen = person(age=15, goal=Goal.WEIGHT_LOSS, height_cm=170, weight_kg=60.0)
    deficit = _plan(
        _item("goblet_squat", weight_kg=8.0, reps_min=10, reps_max=15, rest_seconds=60),
        _item("push_up", reps_min=10, reps_max=15, rest_seconds=60),
        _item("seated_cable_row", weight_kg=15.0, reps_min=10, reps_max=15, rest_seconds=60),
        _item("plank", reps_min=20, reps_max=40, rest_seconds=60),
        rationale="Дефицит 500 ккал в день.",
    )
    assert K.DEFICIT_WORDING in {v.kind for v in check(deficit, teen, [], catalogue=CATALOGUE)}
