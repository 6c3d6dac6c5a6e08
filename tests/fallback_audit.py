"""The fallback against the production rules check over a fixed set of profiles.

Every profile is simulated for four weeks: each plan is fed back as a completed workout
(the generator sees `PastWorkout`s, the check sees `LoggedWorkout`s with the sets), on
regular training days for the chosen frequency. `python -m tests.fallback_audit` prints
the violation counts by kind; `tests/test_fallback_audit.py` asserts there are none.

The profile set: 2 genders x 3 levels x 3 goals x 3 frequencies x 6 equipment variants
(the gym and five home-equipment sets), plus edge bodies (ages 10, 12, 14, 17, 65, 80;
BMI 15, 42, 55) at two levels x 3 goals x 3 frequencies x 3 equipment variants.

Measured on 10,800 plans (issue 11), with the flagged catalogue:
- before (the fallback as merged from `plan`): 22,513 violations: not_allowed 9,830,
  reps_range 4,354, title_content 3,216, balance_mobility 2,490, weekly_hard_cap 612,
  sets_range 584, spine_loading 481, load_limit 368, consecutive_days 288,
  warmup_weight 180, push_pull_balance 78, implausible_load 32;
- after: 621, all weekly_volume (see tests/test_fallback_audit.py); then with the
  push/pull balance inside the volume search: 497; with the 6 days before today
  counted into today's targets (floor on a full week, ceiling always): 350; with the
  week plan (past sets from the saved plans, the 7 days closed after the search with one
  or two changes, two sessions built ahead, `trainer_bot/training/fallback/week.py`): 122,
  all weight loss at > 3 years; with the weekly minimum capped by what the week can hold
  (`rules_check.weekly_minimum`, see tests/test_fallback_audit.py): 0.
"""

from __future__ import annotations

import itertools
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from trainer_bot.catalogue import CatalogueExercise, HomeItem, default_catalogue
from trainer_bot.db.enums import EquipmentType, FitnessLevel, Gender, Goal, WorkoutStatus
from trainer_bot.training.fallback import generate_fallback_workout
from trainer_bot.training.plan import WorkoutPlan
from trainer_bot.training.rules_check import LoggedWorkout, Violation, check
from trainer_bot.training.schemas import PastWorkout, TrainingProfile

MONDAY = date(2026, 1, 5)
DAYS = {2: (0, 3), 3: (0, 2, 4), 5: (0, 1, 2, 3, 4)}
WEEKS = 4
H = HomeItem
HOME_SETS: tuple[frozenset[HomeItem], ...] = (
    frozenset(),
    frozenset({H.PULLUP_BAR}),
    frozenset({H.DUMBBELLS, H.BENCH}),
    frozenset({H.BANDS}),
    frozenset(H),
)
# (age, gender, height, weight): BMI 15, 42 and 55 adults; children, teenagers, 65+.
EDGE_BODIES = (
    (10, Gender.MALE, 140, 33.0),
    (12, Gender.FEMALE, 152, 42.0),
    (14, Gender.MALE, 165, 55.0),
    (17, Gender.FEMALE, 165, 58.0),
    (65, Gender.FEMALE, 162, 68.0),
    (80, Gender.MALE, 175, 76.0),
    (30, Gender.FEMALE, 170, 43.4),  # BMI 15.0
    (35, Gender.MALE, 178, 133.0),  # BMI 42
    (40, Gender.FEMALE, 165, 150.0),  # BMI 55
)
TARGET = {Goal.MASS_GAIN: 1.05, Goal.WEIGHT_LOSS: 0.95, Goal.MAINTENANCE: 1.0}


def make_profile(
    gender: Gender,
    age: int,
    height: int,
    weight: float,
    level: FitnessLevel,
    goal: Goal,
    frequency: int,
    equipment: EquipmentType,
    home: frozenset[HomeItem] = frozenset(),
) -> TrainingProfile:
    return TrainingProfile(
        gender=gender,
        age=age,
        height_cm=height,
        weight_kg=weight,
        level=level,
        goal=goal,
        target_weight_kg=round(weight * TARGET[goal], 1),
        workouts_per_week=frequency,
        equipment=equipment,
        home_equipment=home if equipment is EquipmentType.BODYWEIGHT else frozenset(),
    )


def _equipment_variants(
    homes: Sequence[frozenset[HomeItem]],
) -> list[tuple[EquipmentType, frozenset[HomeItem]]]:
    return [(EquipmentType.GYM, frozenset()), *((EquipmentType.BODYWEIGHT, h) for h in homes)]


def adult_profiles() -> Iterator[TrainingProfile]:
    for gender, level, goal, frequency, (equipment, home) in itertools.product(
        Gender, FitnessLevel, Goal, (2, 3, 5), _equipment_variants(HOME_SETS)
    ):
        female = gender is Gender.FEMALE
        height, weight = (166, 62.0) if female else (180, 82.5)
        yield make_profile(gender, 30, height, weight, level, goal, frequency, equipment, home)


def edge_profiles() -> Iterator[TrainingProfile]:
    variants = _equipment_variants((HOME_SETS[0], HOME_SETS[-1]))
    for body, level, goal, frequency, (equipment, home) in itertools.product(
        EDGE_BODIES,
        (FitnessLevel.BEGINNER, FitnessLevel.ADVANCED),
        Goal,
        (2, 3, 5),
        variants,
    ):
        age, gender, height, weight = body
        yield make_profile(gender, age, height, weight, level, goal, frequency, equipment, home)


def all_profiles() -> list[TrainingProfile]:
    return [*adult_profiles(), *edge_profiles()]


@dataclass
class Session:
    day: date
    plan: WorkoutPlan
    violations: list[Violation] = field(default_factory=list)


def simulate(
    user: TrainingProfile,
    catalogue: Sequence[CatalogueExercise],
    weeks: int = WEEKS,
    *,
    weekly_minimum: bool = True,
) -> list[Session]:
    past: list[PastWorkout] = []
    logged: list[LoggedWorkout] = []
    sessions = []
    for week in range(weeks):
        for offset in DAYS[user.workouts_per_week]:
            day = MONDAY + timedelta(days=7 * week + offset)
            plan = generate_fallback_workout(user, past, catalogue, today=day)
            found = check(
                plan, user, logged, catalogue=catalogue, today=day, weekly_minimum=weekly_minimum
            )
            sessions.append(Session(day, plan, found))
            at = datetime(day.year, day.month, day.day, 18, tzinfo=UTC)
            slugs = tuple(e.slug for e in plan.exercises)
            sets = tuple(e.sets for e in plan.exercises)
            past.insert(0, PastWorkout(at, WorkoutStatus.COMPLETED, plan.focus, slugs, sets))
            logged.insert(0, LoggedWorkout(at, WorkoutStatus.COMPLETED, plan))
    return sessions


def describe(user: TrainingProfile) -> str:
    home = ",".join(sorted(i.value for i in user.home_equipment)) or "-"
    return (
        f"[{user.gender.value} {user.age}y bmi {user.bmi:.1f} {user.level.value} "
        f"{user.goal.value} {user.workouts_per_week}/wk {user.equipment.value} home={home}]"
    )


@dataclass
class AuditResult:
    plans: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # Violations per profile and kind: "<profile> <kind>" -> count.
    by_profile: Counter[str] = field(default_factory=Counter)


def audit(
    profiles: Sequence[TrainingProfile],
    catalogue: Sequence[CatalogueExercise] | None = None,
    *,
    examples: int = 30,
) -> AuditResult:
    catalogue = catalogue if catalogue is not None else default_catalogue()
    result = AuditResult()
    started = time.perf_counter()
    for user in profiles:
        for session in simulate(user, catalogue):
            result.plans += 1
            for violation in session.violations:
                result.counts[violation.kind.value] += 1
                result.by_profile[f"{describe(user)} {violation.kind.value}"] += 1
                if len(result.examples) < examples:
                    result.examples.append(
                        f"{describe(user)} {session.day} {session.plan.focus}: {violation}"
                    )
    result.seconds = time.perf_counter() - started
    return result


def main() -> None:
    profiles = all_profiles()
    result = audit(profiles, examples=int(sys.argv[1]) if len(sys.argv) > 1 else 30)
    print(f"{len(profiles)} profiles, {result.plans} plans, {result.seconds:.1f} s")
    for kind, count in result.counts.most_common():
        print(f"{kind:20} {count}")
    print(f"total {sum(result.counts.values())}")
    for line in result.examples:
        print(line)


if __name__ == "__main__":
    main()
