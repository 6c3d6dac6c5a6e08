"""What the rules check reports: a kind (what the gate keys its repairs on), a readable
detail, and the exercise it concerns (None for the whole plan or week)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ViolationKind(StrEnum):
    # The session's list of exercises.
    EXERCISE_COUNT = "exercise_count"
    DUPLICATE = "duplicate"
    UNKNOWN_EXERCISE = "unknown_exercise"
    # An exercise the profile may not do (equipment, level, age, BMI, 65+).
    NOT_ALLOWED = "not_allowed"
    # The prescription against the table (and the light day, drills, populations).
    SETS_RANGE = "sets_range"
    REPS_RANGE = "reps_range"
    REST_RANGE = "rest_range"
    HEAVY_COUNT = "heavy_count"
    # Loads.
    LOAD_LIMIT = "load_limit"  # over the first-prescription limit for the body
    IMPLAUSIBLE_LOAD = "implausible_load"  # not a real load, or far below the fallback's
    MISSING_LOAD = "missing_load"  # a loaded exercise without a weight or instruction
    BODYWEIGHT_LOAD = "bodyweight_load"  # a weight on a bodyweight exercise, a child's load
    # Session shape.
    ORDER = "order"
    SPINE_LOADING = "spine_loading"
    PUSH_PULL_BALANCE = "push_pull_balance"
    TITLE_CONTENT = "title_content"
    BALANCE_MOBILITY = "balance_mobility"  # 65+: every session
    CONDITIONING = "conditioning"  # advanced weight loss: 10-20 min
    DURATION = "duration"
    # Texts.
    WARMUP = "warmup"
    WARMUP_WEIGHT = "warmup_weight"
    EFFORT = "effort"
    PLACEHOLDER_TEXT = "placeholder_text"
    NOTES = "notes"
    FAILURE_WORDING = "failure_wording"
    DEFICIT_WORDING = "deficit_wording"
    SUPERVISION = "supervision"  # ages 10-13: an adult nearby
    # The week.
    RECOVERY = "recovery"
    WEEKLY_HARD_CAP = "weekly_hard_cap"
    CONSECUTIVE_DAYS = "consecutive_days"  # minors
    WEEKLY_VOLUME = "weekly_volume"


@dataclass(frozen=True, slots=True)
class Violation:
    kind: ViolationKind
    detail: str
    slug: str | None = None

    def __str__(self) -> str:
        return f"{self.kind.value}: {self.detail}"
