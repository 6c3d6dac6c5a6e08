"""Value sets stored as constrained strings (CHECK constraints, not native enums).

Native Postgres enums need a migration for every new value and do not exist in SQLite;
a CHECK over a string column works on both and is just as strict.
"""

from __future__ import annotations

from enum import StrEnum


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


class FitnessLevel(StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class Goal(StrEnum):
    MASS_GAIN = "mass_gain"
    WEIGHT_LOSS = "weight_loss"
    MAINTENANCE = "maintenance"


class EquipmentType(StrEnum):
    GYM = "gym"
    BODYWEIGHT = "bodyweight"


class WorkoutJobState(StrEnum):
    """A workout request's durable job (table workout_jobs)."""

    RUNNING = "running"  # an owner process is generating it (or died doing so)
    SAVED = "saved"  # the workout is saved; showing it to the user is still pending
    DONE = "done"  # shown to the user
    FAILED = "failed"  # gave up; the user was told and may ask again


class Equipment(StrEnum):
    """What a single exercise needs."""

    BODYWEIGHT = "bodyweight"
    PULLUP_BAR = "pullup_bar"
    DUMBBELL = "dumbbell"
    BARBELL = "barbell"
    KETTLEBELL = "kettlebell"
    MACHINE = "machine"
    CABLE = "cable"
    BANDS = "bands"  # resistance bands
    BENCH = "bench"  # a bench, or a sturdy chair at home
    DIP_BARS = "dip_bars"  # parallel bars or a dip station (gym, or on a home wall)


# Bodyweight exercises: nothing, a pull-up bar (a door frame bar) or dip bars. A home
# user needs the bar or the bars (`CatalogueExercise.home_items`); no external load.
HOME_EQUIPMENT = frozenset({Equipment.BODYWEIGHT, Equipment.PULLUP_BAR, Equipment.DIP_BARS})


class Muscle(StrEnum):
    CHEST = "chest"
    BACK = "back"
    LOWER_BACK = "lower_back"
    SHOULDERS = "shoulders"
    BICEPS = "biceps"
    TRICEPS = "triceps"
    FOREARMS = "forearms"
    QUADS = "quads"
    HAMSTRINGS = "hamstrings"
    GLUTES = "glutes"
    CALVES = "calves"
    CORE = "core"


class Movement(StrEnum):
    """Movement pattern: what the generators balance a session and a week by."""

    SQUAT = "squat"
    HINGE = "hinge"
    LUNGE = "lunge"
    HORIZONTAL_PUSH = "horizontal_push"
    VERTICAL_PUSH = "vertical_push"
    HORIZONTAL_PULL = "horizontal_pull"
    VERTICAL_PULL = "vertical_pull"
    ARMS = "arms"
    SHOULDER_ISOLATION = "shoulder_isolation"
    LEG_ISOLATION = "leg_isolation"
    CORE = "core"
    CONDITIONING = "conditioning"


class SwapReason(StrEnum):
    """Why the user swapped an exercise («🔄 Заменить»)."""

    BUSY = "busy"  # «Занят тренажёр»
    DISLIKE = "dislike"  # «Не нравится / болит»


class WorkoutStatus(StrEnum):
    PLANNED = "planned"
    COMPLETED = "completed"
    SKIPPED = "skipped"


class WorkoutSource(StrEnum):
    LLM = "llm"
    FALLBACK = "fallback"


def sql_in(column: str, values: type[StrEnum] | frozenset[str] | tuple[int, ...]) -> str:
    """Text of a CHECK constraint that limits `column` to `values`."""
    items = [v.value if isinstance(v, StrEnum) else v for v in values]
    rendered = ", ".join(repr(str(i)) if isinstance(i, str) else str(i) for i in items)
    return f"{column} IN ({rendered})"


class SessionEffort(StrEnum):
    """How a finished workout felt: «Как прошло?»."""

    HARD = "hard"
    NORMAL = "normal"
    EASY = "easy"


class ReminderMode(StrEnum):
    """When a reminder comes: on the chosen weekdays, or when the next workout opens."""

    DAYS = "days"
    NEXT_WORKOUT = "next_workout"
