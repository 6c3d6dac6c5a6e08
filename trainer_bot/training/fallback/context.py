"""What the rule-based generator works with: the user's effective traits for today's
session, and an exercise on its way into the plan (a draft)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.db.enums import FitnessLevel, Goal, Movement, Muscle
from trainer_bot.training.rules import LoadScheme
from trainer_bot.training.schemas import TrainingProfile
from trainer_bot.training.scoring import trains_in_gym
from trainer_bot.training.split import SessionSlot


class Kind(IntEnum):
    """Order of exercises in a session: multi-joint, single-joint, trunk, conditioning."""

    COMPOUND = 0
    ISOLATION = 1
    CORE = 2
    CONDITIONING = 3
    DRILL = 4  # balance, mobility, cool-down: after the work


def kind_of(exercise: CatalogueExercise) -> Kind:
    if exercise.is_drill:
        return Kind.DRILL
    if exercise.movement is Movement.CONDITIONING:
        return Kind.CONDITIONING
    if exercise.movement is Movement.CORE:
        return Kind.CORE
    return Kind.COMPOUND if exercise.is_compound else Kind.ISOLATION


@dataclass(slots=True)
class Draft:
    exercise: CatalogueExercise
    sets: int
    order: int  # blueprint position, keeps large-before-small inside a kind
    heavy: bool = False
    rest_override: int = 0
    kind: Kind = field(init=False)

    def __post_init__(self) -> None:
        self.kind = kind_of(self.exercise)


@dataclass(slots=True)
class Candidate:
    exercise: CatalogueExercise
    primary: frozenset[Muscle]
    loaded: frozenset[Muscle]  # primary muscles without the stabilisers
    static: float  # level and equipment fit: lower is better
    small_first: bool  # the first primary muscle is a small one
    tiebreak: int


@dataclass(slots=True)
class Index:
    by_movement: dict[Movement, list[Candidate]]
    by_muscle: dict[Muscle, list[Candidate]]  # strength exercises by primary muscle


@dataclass(slots=True)
class Context:
    profile: TrainingProfile
    slot: SessionSlot
    level: FitnessLevel  # effective: children train as beginners
    goal: Goal  # effective: no weight loss for an underweight adult
    scheme: LoadScheme
    rir: tuple[int, int]
    allowed: list[CatalogueExercise]
    recency: dict[str, float]
    # Exercises of the completed hard workouts of the six days before today: with today
    # they make the 7 days whose hard sets the weekly range (training.md) is counted on.
    # Each exercise as (slug, planned sets), the sets 0 where the history does not say.
    window: tuple[tuple[tuple[str, int], ...], ...] = ()
    index: Index = field(default_factory=lambda: Index({}, {}))
    # The week plan's word from the next session (`fallback.ahead`): the least and the
    # most hard sets of a muscle today's session itself should hold, so that the 7 days
    # ending with the next session still meet the weekly range.
    at_least: dict[Muscle, float] = field(default_factory=dict)
    at_most: dict[Muscle, float] = field(default_factory=dict)
    # A session built only to look ahead: single changes close its week, not pairs.
    ahead_only: bool = False

    @property
    def gym(self) -> bool:
        return trains_in_gym(self.profile)

    @property
    def heavy_day(self) -> bool:
        """Advanced mass gain: the first compound lift is heavy 4-6 work (adults only)."""
        return (
            self.goal is Goal.MASS_GAIN
            and self.level is FitnessLevel.ADVANCED
            and not self.profile.is_minor
            and not self.profile.is_older_adult
        )

    @property
    def conditioning_day(self) -> bool:
        return self.goal is Goal.WEIGHT_LOSS and self.level is FitnessLevel.ADVANCED
