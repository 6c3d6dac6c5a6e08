"""The training rules of ../shared/reference/training.md as data.

Both generators read these tables: the rule-based fallback builds a session from them and
the LLM prompt quotes the same numbers. Where training.md leaves a value open (rest for
maintenance, seconds for timed exercises, a light day) the choice is marked "chosen".
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from trainer_bot.db.enums import FitnessLevel, Goal, Muscle

IntRange = tuple[int, int]

LEVEL_RANK: Final = MappingProxyType(
    {FitnessLevel.BEGINNER: 0, FitnessLevel.INTERMEDIATE: 1, FitnessLevel.ADVANCED: 2}
)


@dataclass(frozen=True, slots=True)
class LoadScheme:
    """Sets, reps and rest of one goal x level cell."""

    sets: IntRange
    reps: IntRange
    rest_compound_s: IntRange
    rest_isolation_s: IntRange


# Sets x reps x rest by goal and level (training.md, "Sets, reps and rest").
LOAD_SCHEMES: Final = MappingProxyType(
    {
        (Goal.MASS_GAIN, FitnessLevel.BEGINNER): LoadScheme((2, 3), (8, 12), (60, 120), (60, 120)),
        (Goal.MASS_GAIN, FitnessLevel.INTERMEDIATE): LoadScheme(
            (3, 4), (6, 12), (120, 180), (60, 90)
        ),
        # "rest 2-3 min" is the whole row; the heavy 4-6 work is HEAVY_* below.
        (Goal.MASS_GAIN, FitnessLevel.ADVANCED): LoadScheme(
            (3, 5), (6, 12), (120, 180), (120, 180)
        ),
        (Goal.WEIGHT_LOSS, FitnessLevel.BEGINNER): LoadScheme((2, 3), (10, 15), (45, 90), (45, 90)),
        # 30-60 s is for "light work"; multi-joint lifts keep the beginner's 45-90 s (chosen).
        (Goal.WEIGHT_LOSS, FitnessLevel.INTERMEDIATE): LoadScheme(
            (3, 3), (10, 15), (45, 90), (30, 60)
        ),
        (Goal.WEIGHT_LOSS, FitnessLevel.ADVANCED): LoadScheme((3, 3), (10, 15), (45, 90), (30, 60)),
        # training.md gives no rest for maintenance: ACSM's 1-2 min for moderate loads (chosen).
        (Goal.MAINTENANCE, FitnessLevel.BEGINNER): LoadScheme(
            (2, 3), (8, 12), (60, 120), (60, 120)
        ),
        (Goal.MAINTENANCE, FitnessLevel.INTERMEDIATE): LoadScheme(
            (2, 3), (6, 12), (60, 120), (60, 120)
        ),
        (Goal.MAINTENANCE, FitnessLevel.ADVANCED): LoadScheme(
            (2, 4), (6, 12), (60, 120), (60, 120)
        ),
    }
)

# Advanced mass gain: "some heavy 4-6 work", rest 3-5 min. The fallback makes the first
# compound lift of a hard session heavy.
HEAVY_REPS: Final[IntRange] = (4, 6)
HEAVY_REST_S: Final[IntRange] = (180, 300)

# Advanced weight loss: "plus 10-20 min conditioning" (one block at the end of a session).
CONDITIONING_MINUTES: Final[IntRange] = (10, 20)

# Timed exercises (planks, holds, conditioning intervals): reps are seconds (chosen).
TIMED_SECONDS: Final = MappingProxyType(
    {
        FitnessLevel.BEGINNER: (20, 40),
        FitnessLevel.INTERMEDIATE: (30, 45),
        FitnessLevel.ADVANCED: (30, 60),
    }
)
# Trunk exercises counted in reps (crunches, dead bugs): a trunk-endurance range (chosen).
CORE_REPS: Final[IntRange] = (10, 15)

# Effort: reps in reserve by level ("leave 2-3 reps for beginners, 1-2 for experienced").
REPS_IN_RESERVE: Final = MappingProxyType(
    {
        FitnessLevel.BEGINNER: (2, 3),
        FitnessLevel.INTERMEDIATE: (1, 2),
        FitnessLevel.ADVANCED: (1, 2),
    }
)
# Minors keep the beginner's margin whatever their experience (no near-maximal work).
MINOR_REPS_IN_RESERVE: Final[IntRange] = (2, 3)

# Weekly hard sets per muscle group; an indirect (secondary-muscle) set counts as half.
WEEKLY_HARD_SETS: Final = MappingProxyType(
    {
        FitnessLevel.BEGINNER: (6, 10),
        FitnessLevel.INTERMEDIATE: (10, 14),
        FitnessLevel.ADVANCED: (12, 20),
    }
)
INDIRECT_SET_WEIGHT: Final = 0.5

# The muscle groups whose weekly volume the generator aims into the range. Arms, calves,
# forearms, the lower back and the trunk get enough work indirectly at these volumes; they
# are only kept under the ceiling.
MAJOR_MUSCLES: Final = frozenset(
    {
        Muscle.CHEST,
        Muscle.BACK,
        Muscle.SHOULDERS,
        Muscle.QUADS,
        Muscle.HAMSTRINGS,
        Muscle.GLUTES,
    }
)
# A session opens with a multi-joint lift of one of these ("large before small").
LARGE_MUSCLES: Final = frozenset(
    {Muscle.CHEST, Muscle.BACK, Muscle.QUADS, Muscle.HAMSTRINGS, Muscle.GLUTES}
)
# Stabilisers in nearly every standing lift that recover within a day at these volumes;
# the ~48 h rule and the weekly ceiling ignore them.
STABILISER_MUSCLES: Final = frozenset({Muscle.CORE, Muscle.FOREARMS})

# Session shape.
EXERCISES_PER_SESSION: Final[IntRange] = (4, 7)
LIGHT_DAY_EXERCISES: Final[IntRange] = (4, 5)
WARMUP_MINUTES: Final[IntRange] = (5, 10)
WARMUP_SET_SHARE: Final = 0.5  # lighter sets at about 50% of the working weight
SESSION_MINUTES: Final[IntRange] = (45, 60)

# A light / mobility day: easy bodyweight work well short of fatigue (chosen).
LIGHT_DAY_SETS: Final = 2
LIGHT_DAY_REPS: Final[IntRange] = (10, 15)
LIGHT_DAY_SECONDS: Final[IntRange] = (20, 30)
LIGHT_DAY_REST_S: Final = 45
LIGHT_DAY_REPS_IN_RESERVE: Final[IntRange] = (4, 5)

# Week shape: the rotation of hard sessions by workouts per week and level.
FOCUS_FULL_BODY_A: Final = "full_body_a"
FOCUS_FULL_BODY_B: Final = "full_body_b"
FOCUS_UPPER: Final = "upper"
FOCUS_LOWER: Final = "lower"
FOCUS_PUSH: Final = "push"
FOCUS_PULL: Final = "pull"
FOCUS_LEGS: Final = "legs"
FOCUS_LIGHT: Final = "light"
HARD_FOCUSES: Final = (
    FOCUS_FULL_BODY_A,
    FOCUS_FULL_BODY_B,
    FOCUS_UPPER,
    FOCUS_LOWER,
    FOCUS_PUSH,
    FOCUS_PULL,
    FOCUS_LEGS,
)

_FULL_BODY_AB = (FOCUS_FULL_BODY_A, FOCUS_FULL_BODY_B)
# 3/week for intermediate+: upper / lower / full body, the full body day alternating A/B.
_UPPER_LOWER_FULL = (
    FOCUS_UPPER,
    FOCUS_LOWER,
    FOCUS_FULL_BODY_A,
    FOCUS_UPPER,
    FOCUS_LOWER,
    FOCUS_FULL_BODY_B,
)
# 5/week: upper / lower / push / pull / legs. (U/L/U/L/full would put the full body day
# right after a lower day and break the ~48 h rule on consecutive days.)
_UPPER_LOWER_PPL = (FOCUS_UPPER, FOCUS_LOWER, FOCUS_PUSH, FOCUS_PULL, FOCUS_LEGS)

SPLITS: Final = MappingProxyType(
    {
        (2, FitnessLevel.BEGINNER): _FULL_BODY_AB,
        (2, FitnessLevel.INTERMEDIATE): _FULL_BODY_AB,
        (2, FitnessLevel.ADVANCED): _FULL_BODY_AB,
        (3, FitnessLevel.BEGINNER): _FULL_BODY_AB,  # A / B / A, then B / A / B
        (3, FitnessLevel.INTERMEDIATE): _UPPER_LOWER_FULL,
        (3, FitnessLevel.ADVANCED): _UPPER_LOWER_FULL,
        # A beginner on 5/week: 3 hard full body sessions, the other days light.
        (5, FitnessLevel.BEGINNER): _FULL_BODY_AB,
        (5, FitnessLevel.INTERMEDIATE): _UPPER_LOWER_PPL,
        (5, FitnessLevel.ADVANCED): _UPPER_LOWER_PPL,
    }
)
WORKOUTS_PER_WEEK_CHOICES: Final = (2, 3, 5)
BEGINNER_MAX_HARD_SESSIONS_PER_WEEK: Final = 3
# "Do not load the same primary muscle hard again within about 48 hours": counted in
# calendar days, so a hard session yesterday blocks today and the day before yesterday
# does not.
RECOVERY_DAYS: Final = 2

# Muscles each focus trains hard. An exercise fits a focus when its primary muscles are
# all in this set (stabilisers aside), so a lower day never sneaks in a back exercise.
_UPPER_MUSCLES = frozenset(
    {Muscle.CHEST, Muscle.BACK, Muscle.SHOULDERS, Muscle.BICEPS, Muscle.TRICEPS}
)
_LOWER_MUSCLES = frozenset(
    {Muscle.QUADS, Muscle.HAMSTRINGS, Muscle.GLUTES, Muscle.CALVES, Muscle.LOWER_BACK}
)
FOCUS_MUSCLES: Final = MappingProxyType(
    {
        FOCUS_FULL_BODY_A: frozenset(Muscle),
        FOCUS_FULL_BODY_B: frozenset(Muscle),
        FOCUS_UPPER: _UPPER_MUSCLES,
        FOCUS_LOWER: _LOWER_MUSCLES,
        FOCUS_PUSH: frozenset({Muscle.CHEST, Muscle.SHOULDERS, Muscle.TRICEPS}),
        FOCUS_PULL: frozenset({Muscle.BACK, Muscle.BICEPS}),
        FOCUS_LEGS: _LOWER_MUSCLES,
        FOCUS_LIGHT: frozenset(),
    }
)
# Muscles a focus loads only as secondary ones: counted against the weekly ceiling.
FOCUS_INDIRECT_MUSCLES: Final = MappingProxyType(
    {
        FOCUS_UPPER: frozenset({Muscle.FOREARMS, Muscle.LOWER_BACK}),
        FOCUS_LOWER: frozenset({Muscle.CORE}),
        FOCUS_PUSH: frozenset({Muscle.CORE}),
        FOCUS_PULL: frozenset({Muscle.SHOULDERS, Muscle.FOREARMS, Muscle.LOWER_BACK}),
        FOCUS_LEGS: frozenset({Muscle.CORE}),
    }
)

# Safety and consistency of the profile.
ADULT_AGE: Final = 18
CHILD_MAX_AGE: Final = 13  # 10-13: bodyweight only, light loads, an adult nearby
MINOR_MIN_REPS: Final = 8
# NSCA youth guidance: 2-3 non-consecutive days a week for children (ages 10-13).
CHILD_MAX_HARD_SESSIONS_PER_WEEK: Final = 3
# Adults 65+: at most 3 hard sessions a week, 10-15 reps, balance and mobility work.
OLDER_ADULT_AGE: Final = 65
OLDER_MAX_HARD_SESSIONS_PER_WEEK: Final = 3
OLDER_REPS: Final[IntRange] = (10, 15)
MINOR_MAX_SETS: Final = 4
UNDERWEIGHT_BMI: Final = 18.5
LOW_IMPACT_BMI: Final = 35.0
NO_HANGING_BMI: Final = 40.0

# Double progression steps (training.md, "Progression").
COMPOUND_LOAD_STEP_KG: Final = 2.5
ISOLATION_LOAD_STEP_KG: Final[tuple[float, float]] = (1.0, 2.0)


def normalized_frequency(workouts_per_week: int) -> int:
    """2, 3 or 5: the nearest offered choice at or below the given number (at least 2)."""
    return max((c for c in WORKOUTS_PER_WEEK_CHOICES if c <= workouts_per_week), default=2)


def is_child(age: int) -> bool:
    return age <= CHILD_MAX_AGE


def effective_level(level: FitnessLevel, age: int) -> FitnessLevel:
    """Children train by the beginner's rules whatever they answered."""
    return FitnessLevel.BEGINNER if is_child(age) else level


def effective_goal(goal: Goal, age: int, bmi: float) -> Goal:
    """Weight loss is refused to an underweight adult (maintenance is offered instead)."""
    if goal is Goal.WEIGHT_LOSS and age >= ADULT_AGE and bmi < UNDERWEIGHT_BMI:
        return Goal.MAINTENANCE
    return goal


def max_hard_sessions_per_week(workouts_per_week: int, level: FitnessLevel, age: int) -> int:
    """Beginners, minors (NSCA: 2-3 non-consecutive days) and adults 65+: at most 3."""
    frequency = normalized_frequency(workouts_per_week)
    if age < ADULT_AGE:
        return min(frequency, CHILD_MAX_HARD_SESSIONS_PER_WEEK)
    if age >= OLDER_ADULT_AGE:
        return min(frequency, OLDER_MAX_HARD_SESSIONS_PER_WEEK)
    if level is FitnessLevel.BEGINNER:
        return min(frequency, BEGINNER_MAX_HARD_SESSIONS_PER_WEEK)
    return frequency


def weekly_hard_sets(level: FitnessLevel, age: int) -> IntRange:
    """Minors (beginner-level exercises only) aim at the beginner's minimum: youth
    programmes build volume slowly (NSCA); the ceiling stays their level's."""
    low, high = WEEKLY_HARD_SETS[level]
    if age < ADULT_AGE or age >= OLDER_ADULT_AGE:
        # Adults 65+ too: moderate loads, volume built up slowly (ACSM older adults).
        low = WEEKLY_HARD_SETS[FitnessLevel.BEGINNER][0]
    return low, high


def reps_in_reserve(level: FitnessLevel, age: int) -> IntRange:
    return MINOR_REPS_IN_RESERVE if age < ADULT_AGE else REPS_IN_RESERVE[level]
