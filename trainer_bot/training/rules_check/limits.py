"""training.md restated as the check's own tables.

The check does not read `training.rules` (the generators' tables) on purpose: a mistake
there must not become invisible here. Where training.md leaves a number open, the
accepted range is documented next to it and applies to every generator alike.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from trainer_bot.db.enums import FitnessLevel, Goal, Muscle
from trainer_bot.training.rules import (
    FOCUS_FULL_BODY_A,
    FOCUS_FULL_BODY_B,
    FOCUS_LEGS,
    FOCUS_LOWER,
    FOCUS_PULL,
    FOCUS_PUSH,
    FOCUS_UPPER,
)

B, MID, A = FitnessLevel.BEGINNER, FitnessLevel.INTERMEDIATE, FitnessLevel.ADVANCED
Range = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Rx:
    sets: Range
    reps: Range
    rest_compound: Range
    rest_isolation: Range


# "Sets, reps and rest by goal and level". Where the table gives no number:
# - maintenance has no rest: ACSM 2009 (1-2 min moderate loads, 2-3 min heavy
#   multi-joint), accepted as 45-180 s compound, 45-120 s isolation;
# - advanced mass gain isolation: the row's 2-3 min or the intermediate's 60-90 s;
# - weight loss intermediate/advanced: 30-60 s is "on light work"; multi-joint lifts may
#   keep the beginner's up-to-90 s.
TABLE: Final[Mapping[tuple[Goal, FitnessLevel], Rx]] = MappingProxyType(
    {
        (Goal.MASS_GAIN, B): Rx((2, 3), (8, 12), (60, 120), (60, 120)),
        (Goal.MASS_GAIN, MID): Rx((3, 4), (6, 12), (120, 180), (60, 90)),
        (Goal.MASS_GAIN, A): Rx((3, 5), (6, 12), (120, 180), (60, 180)),
        (Goal.WEIGHT_LOSS, B): Rx((2, 3), (10, 15), (45, 90), (45, 90)),
        (Goal.WEIGHT_LOSS, MID): Rx((3, 3), (10, 15), (30, 90), (30, 60)),
        (Goal.WEIGHT_LOSS, A): Rx((3, 3), (10, 15), (30, 90), (30, 60)),
        (Goal.MAINTENANCE, B): Rx((2, 3), (8, 12), (45, 180), (45, 120)),
        (Goal.MAINTENANCE, MID): Rx((2, 3), (6, 12), (45, 180), (45, 120)),
        (Goal.MAINTENANCE, A): Rx((2, 4), (6, 12), (45, 180), (45, 120)),
    }
)
# Advanced mass gain "plus some heavy 4-6": multi-joint lifts, at most two a session,
# rest 3-5 min (2 min accepted: the row's own rest).
HEAVY_REPS: Final = (4, 6)
HEAVY_REST: Final = (120, 300)
MAX_HEAVY_EXERCISES: Final = 2
# Ranges the table does not cover (chosen wide enough for any sensible coach).
CORE_REPS: Final = (8, 20)
TIMED_SECONDS: Final = (10, 90)
CORE_REST: Final = (20, 120)
TIMED_REST: Final = (15, 180)
CONDITIONING_SETS: Final = (1, 10)
CONDITIONING_REPS: Final = (5, 30)
CONDITIONING_REST: Final = (15, 120)
CONDITIONING_MINUTES: Final = (8, 25)  # "10-20 min"; the time model is an estimate
LIGHT_SETS: Final = (1, 3)
LIGHT_REPS: Final = (8, 20)
LIGHT_REST: Final = (15, 120)
# Mobility, balance and cool-down drills: easy, short, never a hard set.
DRILL_SETS: Final = (1, 3)
DRILL_REPS: Final = (5, 15)
DRILL_SECONDS: Final = (15, 60)
DRILL_REST: Final = (15, 60)

EXERCISES: Final = (4, 7)
SESSION_MAX_MIN: Final = 75  # "about 45-60 minutes"
SESSION_MIN_MIN: Final = 25
SECONDS_PER_REP: Final = 3
WARMUP_MIN: Final = 8
# "pushing and pulling sets are within about 1:1.5 of each other".
PUSH_PULL_RATIO: Final = 1.5

# Weekly hard sets per muscle; margins: see `week`.
WEEKLY_SETS: Final = MappingProxyType({B: (6, 10), MID: (10, 14), A: (12, 20)})
INDIRECT: Final = 0.5
WEEKLY_TOLERANCE_LOW: Final = 1.0
WEEKLY_TOLERANCE_HIGH: Final = 2.0
MAJOR: Final = frozenset(
    {Muscle.CHEST, Muscle.BACK, Muscle.SHOULDERS, Muscle.QUADS, Muscle.HAMSTRINGS, Muscle.GLUTES}
)
LARGE: Final = frozenset(
    {Muscle.CHEST, Muscle.BACK, Muscle.QUADS, Muscle.HAMSTRINGS, Muscle.GLUTES}
)
STABILISERS: Final = frozenset({Muscle.CORE, Muscle.FOREARMS})
RECOVERY_DAYS: Final = 2
# Hard sessions a week: beginners on 5/week, minors and adults 65+.
HARD_SESSIONS_CAP: Final = 3

# Populations.
ADULT: Final = 18
CHILD_MIN: Final = 10
CHILD_MAX: Final = 13
OLDER_ADULT: Final = 65
MINOR_MIN_REPS: Final = 8
MINOR_MAX_SETS: Final = 4
OLDER_REPS: Final = (10, 15)
LOW_IMPACT_BMI: Final = 35.0
NO_HANGING_BMI: Final = 40.0
UNDERWEIGHT_BMI: Final = 18.5
DOCTOR_LOW_BMI: Final = 16.0

# Load limits for a first prescription, x body weight (beginner, 1-3 years, > 3 years).
# Women: 70% of the men's figures; dumbbells per hand (one held in both hands: twice
# the per-hand figure); minors and 65+ use the beginner column.
LOWER_BARBELL: Final = (0.8, 1.3, 1.8)
UPPER_BARBELL: Final = (0.5, 0.9, 1.2)
DUMBBELL_PER_HAND: Final = (0.15, 0.3, 0.4)
MACHINE_STACK: Final = (0.6, 1.0, 1.4)
WOMEN_SHARE: Final = 0.7
# "Multiples of body weight": fat mass does not lift, so a very heavy body counts as
# BMI 30 (chosen; stricter than the table read literally, never looser).
REFERENCE_BMI_CAP: Final = 30.0
# An LLM weight under this share of the fallback's for the same exercise, profile and
# reps is implausibly low (every lift 20 kg for an 82.5 kg man): the user would get no
# training effect and no honest start for double progression (chosen).
LOW_LOAD_SHARE: Final = 0.4
# A Smith machine's bar, the lightest one in use (training.md: 15-20 kg).
SMITH_BAR_KG: Final = 15.0
OLYMPIC_BAR_KG: Final = 20.0
LIGHT_BAR_KG: Final = 10.0

# What the title of a focus promises: each group must be a primary muscle of a strength
# exercise; the arms (a small muscle) may also come as a secondary one.
TITLE_GROUPS: Final[Mapping[str, tuple[frozenset[Muscle], ...]]] = MappingProxyType(
    {
        FOCUS_FULL_BODY_A: (
            frozenset({Muscle.QUADS, Muscle.GLUTES, Muscle.HAMSTRINGS}),
            frozenset({Muscle.CHEST}),
            frozenset({Muscle.BACK}),
        ),
        FOCUS_FULL_BODY_B: (
            frozenset({Muscle.HAMSTRINGS, Muscle.GLUTES}),
            frozenset({Muscle.BACK}),
            frozenset({Muscle.SHOULDERS}),
        ),
        FOCUS_UPPER: (
            frozenset({Muscle.CHEST}),
            frozenset({Muscle.BACK}),
            frozenset({Muscle.SHOULDERS}),
        ),
        FOCUS_LOWER: (
            frozenset({Muscle.QUADS}),
            frozenset({Muscle.HAMSTRINGS, Muscle.GLUTES}),
        ),
        FOCUS_PUSH: (
            frozenset({Muscle.CHEST}),
            frozenset({Muscle.SHOULDERS}),
            frozenset({Muscle.TRICEPS}),
        ),
        FOCUS_PULL: (frozenset({Muscle.BACK}), frozenset({Muscle.BICEPS})),
        FOCUS_LEGS: (
            frozenset({Muscle.QUADS}),
            frozenset({Muscle.HAMSTRINGS}),
            frozenset({Muscle.GLUTES}),
        ),
    }
)
ARM_MUSCLES: Final = frozenset({Muscle.BICEPS, Muscle.TRICEPS})
# Foci with both pushing and pulling: the 1:1.5 balance applies.
BALANCED_FOCI: Final = frozenset({FOCUS_FULL_BODY_A, FOCUS_FULL_BODY_B, FOCUS_UPPER})

# Texts an LLM puts where it has nothing to say.
PLACEHOLDERS: Final = frozenset(
    {
        "",
        "-",
        "—",
        "–",
        "нет",
        "n/a",
        "na",
        "none",
        "null",
        "без заметок",
        "нет заметок",
        "...",
        "…",
        "todo",
        "tbd",
        "заметки",
        "примечание",
        "no notes",
    }
)
