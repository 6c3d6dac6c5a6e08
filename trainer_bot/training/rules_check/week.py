"""The week around a session: recovery, hard sessions per week, weekly volume.

Interpretations (applied to every generator alike):
- "Within about 48 hours" is counted in calendar days: a hard session yesterday or
  earlier today blocks the same primary muscle; the day before yesterday does not.
  Trunk and grip (core, forearms) are ignored: they stabilise nearly every lift.
- Hard sessions are all but focus "light"; only COMPLETED history counts.
- Weekly volume (only when the history carries the sets, `LoggedWorkout`): primary
  muscle = 1 set, secondary = 0.5; conditioning and drills are no hard sets, trunk
  drills count for their primary muscles only. Lower margin 1 set (the tagging is a
  coarse proxy), upper 2 sets (the ceilings are conservative recovery limits).
- The weekly minimum is capped by what the week can hold (`weekly_minimum`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

import trainer_bot.training.rules_check.limits as lim
from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.db.enums import Movement, Muscle, WorkoutStatus
from trainer_bot.training.plan import PlannedExercise, WorkoutPlan
from trainer_bot.training.rules_check.exercise_rules import is_child
from trainer_bot.training.rules_check.session import is_conditioning, is_hard, table_rows
from trainer_bot.training.rules_check.violations import Violation
from trainer_bot.training.rules_check.violations import ViolationKind as K
from trainer_bot.training.schemas import PastWorkout, TrainingProfile


@dataclass(frozen=True, slots=True)
class LoggedWorkout:
    """A past plan with its full content (sets, reps), for the weekly volume check."""

    received_at: datetime
    status: WorkoutStatus
    plan: WorkoutPlan

    @property
    def focus(self) -> str:
        return self.plan.focus

    @property
    def exercise_slugs(self) -> tuple[str, ...]:
        return tuple(e.slug for e in self.plan.exercises)


HistoryItem = PastWorkout | LoggedWorkout


def day_of(moment: datetime) -> date:
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()


def hard_cap(profile: TrainingProfile) -> int:
    """Hard sessions in 7 days: beginners, minors and adults 65+ at most 3."""
    frequency = profile.workouts_per_week
    limited = profile.level is lim.B or profile.age < lim.ADULT or profile.age >= lim.OLDER_ADULT
    return min(frequency, lim.HARD_SESSIONS_CAP) if limited else frequency


def level_minimum(profile: TrainingProfile) -> int:
    """training.md's weekly minimum of hard sets per major muscle group for the level.
    Children count as beginners; minors and adults 65+ get the beginner's minimum
    (volume built up slowly)."""
    if profile.age < lim.ADULT or profile.age >= lim.OLDER_ADULT:
        return lim.WEEKLY_SETS[lim.B][0]
    return lim.WEEKLY_SETS[profile.level][0]


def week_capacity(profile: TrainingProfile) -> int:
    """The most hard sets the user's week can hold under the session rules: hard
    sessions x 7 exercises x the table's most sets an exercise (direct sets only)."""
    most_sets = table_rows(profile)[0].sets[1]
    if profile.age < lim.ADULT:
        most_sets = min(most_sets, lim.MINOR_MAX_SETS)
    return hard_cap(profile) * lim.EXERCISES[1] * most_sets


def weekly_minimum(profile: TrainingProfile) -> int:
    """The weekly minimum of hard sets per major muscle group the check asks for (before
    its 1-set margin): the level's, capped by what the week can hold.

    training.md contradicts itself here: weight loss fixes 3 sets an exercise and a
    session holds 4-7 exercises, so 2 sessions hold at most 42 hard sets, while an
    advanced lifter's minimum is 12 for each of six groups (72). The lead's decision:
    when the week's capacity is under groups x minimum, the minimum is the capacity
    shared evenly, floor(capacity / groups). Direct sets only, so the cap is
    conservative. The ceiling is unchanged. It touches every intermediate and advanced
    adult (18-64) on 2 days a week and advanced weight loss on 3 (tests/test_rules_check.py).
    """
    return min(level_minimum(profile), week_capacity(profile) // len(lim.MAJOR))


def weekly_minimum_capped(profile: TrainingProfile) -> bool:
    """The week cannot hold the level's minimum: the user is told (the workout note)."""
    return weekly_minimum(profile) < level_minimum(profile)


def _primary(slugs: Iterable[str], by_slug: Mapping[str, CatalogueExercise]) -> set[Muscle]:
    return {
        m
        for s in slugs
        if s in by_slug and not by_slug[s].is_drill
        for m in by_slug[s].primary_muscles
    } - lim.STABILISERS


def volume_of(
    exercises: Iterable[PlannedExercise], by_slug: Mapping[str, CatalogueExercise]
) -> dict[Muscle, float]:
    volume: dict[Muscle, float] = defaultdict(float)
    for p in exercises:
        e = by_slug.get(p.slug)
        if e is None or is_conditioning(e) or e.is_drill:
            continue
        for m in e.primary_muscles:
            volume[m] += p.sets
        if e.movement is Movement.CORE:
            continue
        for m in e.secondary_muscles:
            volume[m] += lim.INDIRECT * p.sets
    return volume


def check_week(
    plan: WorkoutPlan,
    profile: TrainingProfile,
    by_slug: Mapping[str, CatalogueExercise],
    history: Sequence[HistoryItem],
    today: date,
    *,
    weekly_minimum: bool = True,
) -> list[Violation]:
    out: list[Violation] = []
    done = [
        w for w in history if w.status is WorkoutStatus.COMPLETED and day_of(w.received_at) <= today
    ]
    hard_done = [w for w in done if is_hard(w.focus)]
    hard = is_hard(plan.focus)
    if hard:
        mine = _primary((p.slug for p in plan.exercises), by_slug)
        for w in hard_done:
            days = (today - day_of(w.received_at)).days
            if days < lim.RECOVERY_DAYS:
                shared = mine & _primary(w.exercise_slugs, by_slug)
                if shared:
                    names = ", ".join(sorted(m.value for m in shared))
                    out.append(
                        Violation(
                            K.RECOVERY,
                            f"{names} loaded hard again {days} day(s) after {w.focus} "
                            "(about 48 h rule)",
                        )
                    )
            if days == 1 and profile.age < lim.ADULT:
                out.append(
                    Violation(K.CONSECUTIVE_DAYS, "minors: no hard sessions on consecutive days")
                )
    in_week = [w for w in hard_done if (today - day_of(w.received_at)).days < 7]
    cap = hard_cap(profile)
    if hard and len(in_week) + 1 > cap:
        out.append(
            Violation(K.WEEKLY_HARD_CAP, f"hard session #{len(in_week) + 1} in 7 days (max {cap})")
        )
    out += _check_volume(plan, profile, by_slug, hard_done, in_week, today, weekly_minimum)
    return out


def _check_volume(
    plan: WorkoutPlan,
    profile: TrainingProfile,
    by_slug: Mapping[str, CatalogueExercise],
    hard_done: Sequence[HistoryItem],
    in_week: Sequence[HistoryItem],
    today: date,
    with_minimum: bool,
) -> list[Violation]:
    if any(not isinstance(w, LoggedWorkout) for w in in_week):
        return []  # the sets of a PastWorkout are unknown: the volume cannot be counted
    plans = [w.plan for w in in_week if isinstance(w, LoggedWorkout)]
    if is_hard(plan.focus):
        plans.append(plan)
    volume: dict[Muscle, float] = defaultdict(float)
    for p in plans:
        for muscle, sets in volume_of(p.exercises, by_slug).items():
            volume[muscle] += sets
    level = lim.B if is_child(profile) else profile.level
    high = lim.WEEKLY_SETS[level][1]
    low = weekly_minimum(profile)
    out = []
    for muscle, sets in sorted(volume.items(), key=lambda kv: kv[0].value):
        if muscle not in lim.STABILISERS and sets > high + lim.WEEKLY_TOLERANCE_HIGH:
            out.append(
                Violation(
                    K.WEEKLY_VOLUME,
                    f"{muscle.value}: {sets:g} hard sets in 7 days, over {level.value}'s {high}",
                )
            )
    # The floor applies only to a full week that went as planned.
    expected = hard_cap(profile)
    reaches_back = any((today - day_of(w.received_at)).days >= 7 for w in hard_done)
    if with_minimum and reaches_back and len(plans) >= expected and is_hard(plan.focus):
        for muscle in sorted(lim.MAJOR, key=lambda m: m.value):
            if volume.get(muscle, 0.0) < low - lim.WEEKLY_TOLERANCE_LOW:
                out.append(
                    Violation(
                        K.WEEKLY_VOLUME,
                        f"{muscle.value}: {volume.get(muscle, 0.0):g} hard sets in 7 days, "
                        f"under {level.value}'s {low}"
                        + (
                            " (capped: what the week can hold)"
                            if low < level_minimum(profile)
                            else ""
                        ),
                    )
                )
    return out
