"""Which allowed exercises the prompt lists for one session: its movement patterns only.

Listing every allowed exercise (173 for an adult advanced gym user) made the prompt about
2,100 tokens, most of them exercises the session plan has no use for. The model gets the
session's movement patterns (`SessionSlot.movements`, in session order), core work, and
conditioning for an advanced weight-loss user, with up to `PER_MOVEMENT` exercises each.

Inside a pattern, the choice follows the rule-based generator's preferences, so the best
options are always there: not in the last completed workouts (rotation), sparing the
muscles trained < 48 h ago, suiting the level and (gym users) the equipment, no power
lifts. Each slot's needs are served in turn (biceps and triceps for the arms, a compound
lift for a main slot) and the equipment is spread out. Deterministic for the same inputs.

The generator lists exactly this shortlist and validates the answer against exactly it,
so the model can only get an exercise it was shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.db.enums import (
    Equipment,
    FitnessLevel,
    Goal,
    Movement,
    Muscle,
    WorkoutStatus,
)
from trainer_bot.llm.prompt import HISTORY_LIMIT
from trainer_bot.llm.validation import MAX_EXERCISES
from trainer_bot.training import rules
from trainer_bot.training.schemas import PastWorkout, TrainingProfile
from trainer_bot.training.scoring import (
    LevelAndEquipment,
    is_mobility_drill,
    ranked_lower_penalty,
    slot_penalty,
    tiebreak,
)
from trainer_bot.training.selection import is_power_lift
from trainer_bot.training.split import SessionSlot, received_utc

# Enough choice per pattern for variety (a pattern fills up to three slots of a session)
# while the largest prompt stays under 2,000 tokens.
PER_MOVEMENT = 6
# A thin list (a child at home) is topped up with the best of the rest up to this size.
MIN_LISTED = MAX_EXERCISES + 1
# Penalties, lower is better. Recency by the last, 2nd and 3rd completed workout.
RECENCY_PENALTIES = (6.0, 4.0, 2.0)
AVOID_PENALTY = 20.0  # loads a muscle trained hard < 48 h ago
OFF_FOCUS_PENALTY = 4.0  # loads a muscle outside today's focus
POWER_LIFT_PENALTY = 8.0  # Olympic lifts need a coach's eye, not a text plan
SAME_EQUIPMENT_PENALTY = 1.0  # per exercise of that equipment already listed
LIGHT_DAY_PENALTY = 3.0  # a light day wants easy bodyweight work (see the fallback)
NOT_TIMED_PENALTY = 1.0  # conditioning intervals want a timed drill


@dataclass(frozen=True, slots=True)
class _Lane:
    """One need of the session's slots for a pattern: a primary muscle, a compound lift."""

    muscle: Muscle | None
    compound: bool


def session_shortlist(
    profile: TrainingProfile,
    allowed: Iterable[CatalogueExercise],
    session: SessionSlot,
    history: Sequence[PastWorkout],
    *,
    per_movement: int = PER_MOVEMENT,
) -> list[CatalogueExercise]:
    """The exercises to list for `session`, grouped by pattern in session order, the
    preferred first inside a pattern."""
    pool = list(allowed)
    scores = _Scores(profile, session, history)
    by_movement: dict[Movement, list[CatalogueExercise]] = {}
    for exercise in pool:
        by_movement.setdefault(exercise.movement, []).append(exercise)
    listed: list[CatalogueExercise] = []
    for movement in session_movements(profile, session):
        candidates = by_movement.get(movement, [])
        listed += _choose(candidates, _lanes(session, movement), per_movement, scores)
    if len(listed) < MIN_LISTED:
        chosen = {e.slug for e in listed}
        rest = sorted((e for e in pool if e.slug not in chosen), key=scores.base)
        listed += rest[: MIN_LISTED - len(listed)]
    return listed


def session_movements(profile: TrainingProfile, session: SessionSlot) -> tuple[Movement, ...]:
    """The session's patterns, then core (every session may end with trunk work) and
    conditioning when the week calls for it (advanced weight loss: 10-20 min)."""
    movements = list(session.movements)
    extra = [Movement.CORE]
    level = rules.effective_level(profile.level, profile.age)
    goal = rules.effective_goal(profile.goal, profile.age, profile.bmi)
    if goal is Goal.WEIGHT_LOSS and level is FitnessLevel.ADVANCED:
        extra.append(Movement.CONDITIONING)
    movements += [m for m in extra if m not in movements]
    return tuple(movements)


def _lanes(session: SessionSlot, movement: Movement) -> list[_Lane]:
    lanes: dict[_Lane, None] = {}
    for slot in session.patterns:
        if movement in slot.movements:
            lanes[_Lane(slot.muscle, slot.compound)] = None
    return list(lanes) or [_Lane(None, False)]


def _choose(
    candidates: Sequence[CatalogueExercise], lanes: Sequence[_Lane], cap: int, scores: _Scores
) -> list[CatalogueExercise]:
    """Round robin over the lanes, each taking its best remaining candidate; the
    equipment already taken makes a candidate a little worse (spreads the choice)."""
    chosen: list[CatalogueExercise] = []
    left = list(candidates)
    used_equipment: dict[Equipment, int] = {}
    while left and len(chosen) < cap:
        progress = False
        for lane in lanes:
            if len(chosen) >= cap:
                break
            fitting = [e for e in left if lane.muscle is None or lane.muscle in e.primary_muscles]
            if not fitting:
                continue
            best = min(
                fitting,
                key=lambda e: (
                    scores.in_lane(e, lane) + scores.spread * used_equipment.get(e.equipment, 0),
                    scores.tiebreak(e),
                ),
            )
            chosen.append(best)
            left.remove(best)
            used_equipment[best.equipment] = used_equipment.get(best.equipment, 0) + 1
            progress = True
        if not progress:
            break
    return chosen


class _Scores:
    """Slot-independent preferences of one request (lower is better)."""

    def __init__(
        self, profile: TrainingProfile, session: SessionSlot, history: Sequence[PastWorkout]
    ) -> None:
        # The rule-based generator's preferences (`training.scoring`).
        self._preferences = LevelAndEquipment(
            profile, rules.effective_level(profile.level, profile.age)
        )
        self._session = session
        self._profile = profile
        # A light day wants bodyweight work, not a spread of equipment.
        self.spread = SAME_EQUIPMENT_PENALTY if session.is_hard else 0.0
        self._cache: dict[str, float] = {}
        self._recency: dict[str, float] = {}
        done = sorted(
            (w for w in history if w.status is WorkoutStatus.COMPLETED),
            key=received_utc,
            reverse=True,
        )
        for workout, penalty in zip(done[:HISTORY_LIMIT], RECENCY_PENALTIES, strict=False):
            for slug in workout.exercise_slugs:
                self._recency[slug] = self._recency.get(slug, 0.0) + penalty

    def base(self, exercise: CatalogueExercise) -> float:
        cached = self._cache.get(exercise.slug)
        if cached is None:
            cached = self._cache[exercise.slug] = self._base(exercise)
        return cached

    def _base(self, exercise: CatalogueExercise) -> float:
        session = self._session
        score = self._recency.get(exercise.slug, 0.0)
        score += ranked_lower_penalty(self._profile, exercise)
        score += self._preferences.level_gap(exercise)
        loaded = frozenset(exercise.primary_muscles) - rules.STABILISER_MUSCLES
        if not loaded.isdisjoint(session.avoid_muscles):
            score += AVOID_PENALTY
        if session.is_hard and not loaded <= session.muscles:
            score += OFF_FOCUS_PENALTY
        if is_power_lift(exercise):
            score += POWER_LIFT_PENALTY
        if not session.is_hard:
            score += self._light_day(exercise)
        elif exercise.movement is Movement.CONDITIONING:
            # Intervals on a hard day: timed drills, not mobility work (as the fallback).
            score += NOT_TIMED_PENALTY * (not exercise.is_timed)
            score += LIGHT_DAY_PENALTY * is_mobility_drill(exercise)
        else:
            score += self._preferences.equipment(exercise)
        return score

    def in_lane(self, exercise: CatalogueExercise, lane: _Lane) -> float:
        return self.base(exercise) + slot_penalty(
            exercise, compound_slot=lane.compound, muscle_slot=lane.muscle is not None
        )

    @staticmethod
    def _light_day(exercise: CatalogueExercise) -> float:
        score = 0.0
        if exercise.equipment is not Equipment.BODYWEIGHT:
            score += LIGHT_DAY_PENALTY
        if exercise.level is not FitnessLevel.BEGINNER:
            score += LIGHT_DAY_PENALTY
        if exercise.is_high_impact:
            score += LIGHT_DAY_PENALTY
        if exercise.movement is Movement.CONDITIONING and not is_mobility_drill(exercise):
            score += LIGHT_DAY_PENALTY
        return score

    @staticmethod
    def tiebreak(exercise: CatalogueExercise) -> int:
        return tiebreak(exercise.slug)
