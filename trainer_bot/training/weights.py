"""A concrete starting weight for loaded exercises and how to check it.

Basis of the coefficients: conservative fractions of body weight that untrained adults
typically handle for about 10 repetitions with 2-3 reps in reserve (beginner strength
norms and coaching practice; e.g. a goblet squat with ~20% of body weight, a barbell
bench press with ~40%). They are a safe first set with an RIR check, not an estimate of
the one-rep max: the note tells the user how to correct the load after the first set.

    weight = coefficient(equipment, movement, muscle)
             x reference body weight (capped at BMI 27: fat mass does not lift)
             x sex factor (women: ~0.6 upper body, ~0.75 lower body of the male figure)
             x level factor (1.0 / 1.4 / 1.7)
             x repetition factor (Epley: (1 + 10/30) / (1 + reps/30), 1.0 at 10 reps)
             x age factor (14-17: 0.8, 60+: 0.8, 70+: 0.7)
    rounded DOWN to what a gym has (plates, dumbbell and kettlebell sizes, stack steps).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from trainer_bot.catalogue import CatalogueExercise, LoadUnit
from trainer_bot.db.enums import (
    HOME_EQUIPMENT,
    Equipment,
    FitnessLevel,
    Gender,
    Movement,
    Muscle,
)
from trainer_bot.formatting import format_kg
from trainer_bot.training import rules
from trainer_bot.training.schemas import TrainingProfile

_M = Movement

# Fraction of the reference body weight for a male beginner at ~10 reps. Dumbbells: one
# dumbbell (per hand); kettlebells: one bell.
COEFFICIENTS: Final[Mapping[Equipment, Mapping[Movement, float]]] = MappingProxyType(
    {
        Equipment.BARBELL: {
            _M.SQUAT: 0.5,
            _M.HINGE: 0.5,
            _M.LUNGE: 0.25,
            _M.HORIZONTAL_PUSH: 0.4,
            _M.VERTICAL_PUSH: 0.25,
            _M.HORIZONTAL_PULL: 0.35,
            _M.VERTICAL_PULL: 0.3,
            _M.ARMS: 0.15,
            _M.SHOULDER_ISOLATION: 0.15,
            _M.LEG_ISOLATION: 0.4,
            _M.CORE: 0.2,
            _M.CONDITIONING: 0.2,
        },
        Equipment.DUMBBELL: {
            _M.SQUAT: 0.15,
            _M.HINGE: 0.15,
            _M.LUNGE: 0.08,
            _M.HORIZONTAL_PUSH: 0.12,
            _M.VERTICAL_PUSH: 0.09,
            _M.HORIZONTAL_PULL: 0.15,
            _M.VERTICAL_PULL: 0.1,
            _M.ARMS: 0.07,
            _M.SHOULDER_ISOLATION: 0.04,
            _M.LEG_ISOLATION: 0.1,
            _M.CORE: 0.08,
            _M.CONDITIONING: 0.1,
        },
        Equipment.KETTLEBELL: {
            _M.SQUAT: 0.2,
            _M.HINGE: 0.2,
            _M.LUNGE: 0.1,
            _M.HORIZONTAL_PUSH: 0.12,
            _M.VERTICAL_PUSH: 0.1,
            _M.HORIZONTAL_PULL: 0.15,
            _M.VERTICAL_PULL: 0.1,
            _M.ARMS: 0.08,
            _M.SHOULDER_ISOLATION: 0.05,
            _M.LEG_ISOLATION: 0.1,
            _M.CORE: 0.1,
            _M.CONDITIONING: 0.16,
        },
        Equipment.MACHINE: {
            _M.SQUAT: 0.8,
            _M.HINGE: 0.5,
            _M.LUNGE: 0.3,
            _M.HORIZONTAL_PUSH: 0.35,
            _M.VERTICAL_PUSH: 0.25,
            _M.HORIZONTAL_PULL: 0.35,
            _M.VERTICAL_PULL: 0.4,
            _M.ARMS: 0.15,
            _M.SHOULDER_ISOLATION: 0.1,
            _M.LEG_ISOLATION: 0.25,
            _M.CORE: 0.15,
        },
        Equipment.CABLE: {
            _M.SQUAT: 0.2,
            _M.HINGE: 0.25,
            _M.LUNGE: 0.1,
            _M.HORIZONTAL_PUSH: 0.15,
            _M.VERTICAL_PUSH: 0.15,
            _M.HORIZONTAL_PULL: 0.35,
            _M.VERTICAL_PULL: 0.4,
            _M.ARMS: 0.12,
            _M.SHOULDER_ISOLATION: 0.05,
            _M.LEG_ISOLATION: 0.1,
            _M.CORE: 0.15,
            _M.CONDITIONING: 0.15,
        },
    }
)
# Single-joint leg work differs a lot by muscle: calves move far more than hamstrings.
LEG_ISOLATION_BY_MUSCLE: Final = MappingProxyType(
    {
        Equipment.MACHINE: {Muscle.QUADS: 0.3, Muscle.HAMSTRINGS: 0.2, Muscle.CALVES: 0.6},
        Equipment.DUMBBELL: {Muscle.QUADS: 0.06, Muscle.HAMSTRINGS: 0.06, Muscle.CALVES: 0.15},
        Equipment.BARBELL: {Muscle.CALVES: 0.5},
    }
)
# Exercises whose load differs from their pattern's typical one (same basis as above).
SLUG_COEFFICIENTS: Final = MappingProxyType(
    {
        "goblet_squat": 0.2,  # one dumbbell held with both hands
        "smith_machine_squat": 0.45,
        "hack_squat": 0.5,
        "barbell_front_squat": 0.4,
        "barbell_deadlift": 0.6,
        "sumo_deadlift": 0.6,
        "barbell_hip_thrust": 0.6,
        "barbell_good_morning": 0.25,
        "close_grip_bench_press": 0.35,
        "preacher_curl": 0.12,
        "skull_crusher": 0.12,
        "farmers_walk": 0.2,
        "kettlebell_deadlift": 0.25,
        "turkish_get_up": 0.08,
        "dumbbell_shrug": 0.2,
        "dumbbell_thruster": 0.07,
        "straight_arm_pulldown": 0.15,
        "face_pull": 0.12,
        "cable_crunch": 0.3,
        "pallof_press": 0.1,
        "cable_woodchop": 0.1,
    }
)

LEVEL_FACTOR: Final = MappingProxyType(
    {FitnessLevel.BEGINNER: 1.0, FitnessLevel.INTERMEDIATE: 1.4, FitnessLevel.ADVANCED: 1.7}
)
FEMALE_UPPER_FACTOR: Final = 0.6
FEMALE_LOWER_FACTOR: Final = 0.75
REFERENCE_BMI_CAP: Final = 27.0
MINOR_FACTOR: Final = 0.8
OLDER_ADULT_FACTORS: Final = ((70, 0.7), (60, 0.8))  # (from age, factor), oldest first
EPLEY_DIVISOR: Final = 30.0
COEFFICIENT_REPS: Final = 10

LOWER_BODY_MOVEMENTS: Final = frozenset({_M.SQUAT, _M.HINGE, _M.LUNGE, _M.LEG_ISOLATION})

EMPTY_BAR_KG: Final = 20.0
LIGHT_BAR_KG: Final = 10.0  # EZ bar or a fixed light barbell
SMITH_BAR_KG: Final = 15.0  # the lightest Smith machine bar in use
KETTLEBELL_SIZES_KG: Final = (4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 28, 32, 36, 40, 44, 48)


@dataclass(frozen=True, slots=True)
class WeightSuggestion:
    weight_kg: float | None  # None: bodyweight work (or a cardio machine)
    note: str  # Russian: how to check the load and when to change it


# Gym apparatus that carries the body, not a weight stack: the catalogue marks them
# "machine", but there is no load to suggest (a Roman chair, a dip station, a captain's
# chair). Assisted machines take a counterweight that makes the exercise easier.
BODYWEIGHT_APPARATUS_SLUGS: Final = frozenset(
    {"back_extension", "parallel_bar_dips", "captains_chair_knee_raise"}
)
ASSISTED_SLUG_WORD: Final = "assisted"


def is_assisted(exercise: CatalogueExercise) -> bool:
    return ASSISTED_SLUG_WORD in exercise.slug.split("_")


def is_loaded(exercise: CatalogueExercise) -> bool:
    """Takes an external load in kg (a cardio machine or a dip station does not)."""
    if exercise.equipment in HOME_EQUIPMENT:
        return False
    if exercise.slug in BODYWEIGHT_APPARATUS_SLUGS or is_assisted(exercise):
        return False
    return not (exercise.movement is _M.CONDITIONING and exercise.equipment is Equipment.MACHINE)


def _coefficient(exercise: CatalogueExercise) -> float:
    equipment, movement = exercise.equipment, exercise.movement
    if exercise.slug in SLUG_COEFFICIENTS:
        return SLUG_COEFFICIENTS[exercise.slug]
    if movement is _M.LEG_ISOLATION:
        by_muscle = LEG_ISOLATION_BY_MUSCLE.get(equipment, {})
        for muscle in exercise.primary_muscles:
            if muscle in by_muscle:
                return by_muscle[muscle]
    return COEFFICIENTS[equipment].get(movement, 0.1)


def _age_factor(age: int) -> float:
    if age < rules.ADULT_AGE:
        return MINOR_FACTOR
    for from_age, factor in OLDER_ADULT_FACTORS:
        if age >= from_age:
            return factor
    return 1.0


def _reps_factor(reps: tuple[int, int]) -> float:
    middle = (reps[0] + reps[1]) / 2
    return (1 + COEFFICIENT_REPS / EPLEY_DIVISOR) / (1 + middle / EPLEY_DIVISOR)


def raw_weight(
    exercise: CatalogueExercise, profile: TrainingProfile, reps: tuple[int, int]
) -> float:
    """The unrounded estimate in kg (see the module docstring)."""
    reference = min(profile.weight_kg, REFERENCE_BMI_CAP * (profile.height_cm / 100) ** 2)
    lower = exercise.movement in LOWER_BODY_MOVEMENTS
    sex = 1.0
    if profile.gender is Gender.FEMALE:
        sex = FEMALE_LOWER_FACTOR if lower else FEMALE_UPPER_FACTOR
    # Minors are started as beginners whatever their experience.
    level = FitnessLevel.BEGINNER if profile.is_minor else profile.level
    return (
        _coefficient(exercise)
        * reference
        * sex
        * LEVEL_FACTOR[level]
        * _reps_factor(reps)
        * _age_factor(profile.age)
    )


def _floor_to(value: float, step: float) -> float:
    return math.floor(value / step + 1e-9) * step


def _is_light_bar(exercise: CatalogueExercise) -> bool:
    return "ez" in exercise.slug.split("_") or not exercise.is_compound


def round_to_equipment(exercise: CatalogueExercise, kg: float) -> float:
    """Down to a weight the gym has: plates (2.5 kg) on at least a bar, dumbbells in 1 kg
    steps up to 10 kg then 2 kg, standard kettlebells, stacks in 5 kg (cables 2.5 kg)."""
    equipment = exercise.equipment
    if equipment is Equipment.BARBELL:
        bar = LIGHT_BAR_KG if _is_light_bar(exercise) else EMPTY_BAR_KG
        return max(bar, _floor_to(kg, 2.5))
    if equipment is Equipment.DUMBBELL:
        if kg < 10:
            return max(1.0, _floor_to(kg, 1.0))
        return _floor_to(kg, 2.0)
    if equipment is Equipment.KETTLEBELL:
        fitting = [size for size in KETTLEBELL_SIZES_KG if size <= kg]
        return float(fitting[-1] if fitting else KETTLEBELL_SIZES_KG[0])
    if equipment is Equipment.CABLE:
        return max(2.5, _floor_to(kg, 2.5))
    if exercise.unit is LoadUnit.SMITH_BAR:
        # Plates on the Smith bar: never lighter than the bar itself.
        return max(SMITH_BAR_KG, _floor_to(kg, 2.5))
    return max(5.0, _floor_to(kg, 5.0))


def _step_text(exercise: CatalogueExercise) -> str:
    equipment = exercise.equipment
    if equipment is Equipment.BARBELL:
        return "2,5 кг"
    if equipment is Equipment.DUMBBELL:
        return "1–2 кг" if exercise.is_compound else "1 кг"
    if equipment is Equipment.KETTLEBELL:
        return "один размер гири"
    if equipment is Equipment.CABLE:
        return "2,5 кг"
    return "5 кг (одну плитку)"


def load_note(
    exercise: CatalogueExercise,
    weight: float,
    rounded_up: bool,
    reps: tuple[int, int],
    rir: tuple[int, int],
) -> str:
    """Russian: the starting weight with its unit, how to check it, when to add."""
    step = _step_text(exercise)
    if exercise.equipment is Equipment.DUMBBELL:
        start = f"Старт: {format_kg(weight)} кг на гантель."
    elif exercise.equipment is Equipment.KETTLEBELL:
        start = f"Старт: гиря {format_kg(weight)} кг."
    elif rounded_up and weight <= LIGHT_BAR_KG:
        start = (
            f"Старт: {format_kg(weight)} кг — лёгкий гриф (EZ или фиксированная штанга); "
            "если тяжело, возьми гантели."
        )
    elif rounded_up:
        start = (
            f"Старт: {format_kg(weight)} кг — это пустой гриф; если он тяжёл, "
            "возьми лёгкую штангу или гантели."
        )
    elif exercise.equipment is Equipment.BARBELL:
        start = f"Старт: {format_kg(weight)} кг вместе с грифом."
    elif exercise.unit is LoadUnit.SMITH_BAR:
        start = f"Старт: {format_kg(weight)} кг вместе с грифом Смита."
    else:
        start = f"Старт: {format_kg(weight)} кг по шкале тренажёра."
    if exercise.is_timed:
        check = (
            f"Если держишь {reps[1]} с легко — добавь {step}; "
            f"если не удерживаешь {reps[0]} с — сбавь."
        )
        return f"{start} {check}"
    check = (
        f"Если на последних повторах в запасе больше {rir[1]} — добавь {step}; "
        f"если не выходит {reps[0]} чисто — сбавь."
    )
    grow = f"Все подходы по {reps[1]} — в следующий раз +{step}."
    return f"{start} {check} {grow}"


# How to make a bodyweight exercise easier / harder, by movement pattern. Generic on
# purpose (range, support, tempo, pauses): they must fit every variant of the pattern,
# including an already easier one (knee push-ups) or a harder one (pistol squats).
_BODYWEIGHT_ADJUST: Final = MappingProxyType(
    {
        _M.HORIZONTAL_PUSH: (
            "упрись руками повыше (в скамью или стену)",
            "опускайся за 3 секунды и задержись внизу",
        ),
        _M.VERTICAL_PUSH: ("поставь руки повыше и уменьши глубину", "опускайся за 3 секунды"),
        _M.HORIZONTAL_PULL: (
            "встань ближе к опоре, корпус выше",
            "задержись на секунду в верхней точке",
        ),
        _M.VERTICAL_PULL: (
            "возьми резиновую петлю или делай только медленное опускание",
            "задержись на 1–2 секунды вверху и опускайся медленно",
        ),
        _M.SQUAT: ("уменьши глубину или держись за опору", "опускайся за 3 секунды, пауза внизу"),
        _M.LUNGE: ("держись за опору, шаг короче", "опускайся за 3 секунды"),
        _M.HINGE: ("уменьши амплитуду", "медленнее, с паузой 2 секунды вверху"),
        _M.ARMS: ("уменьши амплитуду", "медленнее, с паузой внизу"),
        _M.SHOULDER_ISOLATION: ("уменьши амплитуду", "медленнее, 3 секунды вниз"),
        _M.LEG_ISOLATION: ("держись за опору, меньше амплитуда", "медленнее, с паузой вверху"),
        _M.CORE: ("уменьши амплитуду или согни ноги", "медленнее, с паузой"),
        _M.CONDITIONING: ("медленнее, без прыжков", "быстрее темп"),
    }
)


def _bodyweight_note(
    exercise: CatalogueExercise, reps: tuple[int, int], rir: tuple[int, int]
) -> str:
    easier, harder = _BODYWEIGHT_ADJUST[exercise.movement]
    if exercise.is_timed:
        return (
            f"Тяжело удержать {reps[0]} с — {easier}. "
            f"Легко держишь {reps[1]} с — добавь 5–10 секунд."
        )
    return (
        f"Не выходит {reps[0]} чистых повторов — {easier}. "
        f"В запасе больше {rir[1]} повторов — {harder}."
    )


def _apparatus_note(
    exercise: CatalogueExercise, reps: tuple[int, int], rir: tuple[int, int]
) -> str:
    if exercise.movement is _M.CONDITIONING:
        return (
            "Вес не нужен: держи темп, при котором можно говорить короткими фразами; "
            "в последних раундах — чуть быстрее."
        )
    if is_assisted(exercise):
        return (
            f"Противовес подбери так, чтобы {reps[0]}–{reps[1]} повторов выходили с запасом "
            f"{rir[0]}–{rir[1]}: чем он больше, тем легче. Стало легко — убери 5 кг."
        )
    easier, harder = _BODYWEIGHT_ADJUST[exercise.movement]
    if exercise.movement is _M.HINGE:
        harder = "держи блин 5 кг у груди"
    return (
        f"С собственным весом. Не выходит {reps[0]} чистых повторов — {easier}. "
        f"В запасе больше {rir[1]} — {harder}."
    )


def suggest_weight(
    exercise: CatalogueExercise,
    profile: TrainingProfile,
    *,
    reps: tuple[int, int],
    reps_in_reserve: tuple[int, int],
    cap_kg: float | None = None,
) -> WeightSuggestion:
    """Starting weight and a Russian note on checking it; `reps` is the planned range
    (seconds for timed exercises), `reps_in_reserve` the target effort, `cap_kg` the
    heaviest first prescription allowed (the load limits of training.md)."""
    if not is_loaded(exercise):
        if exercise.equipment not in HOME_EQUIPMENT:
            return WeightSuggestion(None, _apparatus_note(exercise, reps, reps_in_reserve))
        return WeightSuggestion(None, _bodyweight_note(exercise, reps, reps_in_reserve))
    estimate = raw_weight(exercise, profile, reps)
    if cap_kg is not None:
        estimate = min(estimate, cap_kg)
    weight = round_to_equipment(exercise, estimate)
    rounded_up = exercise.equipment is Equipment.BARBELL and weight > estimate
    return WeightSuggestion(weight, load_note(exercise, weight, rounded_up, reps, reps_in_reserve))


def warmup_weight(exercise: CatalogueExercise, working_kg: float) -> float:
    """About half the working weight, on equipment that exists (never below the bar)."""
    return round_to_equipment(exercise, working_kg * rules.WARMUP_SET_SHARE)
