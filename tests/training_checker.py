"""A rules checker for ANY generated workout (rule-based fallback or LLM).

`check_workout(plan, profile, catalogue, history, today=...)` returns the violated rules of
../shared/reference/training.md as readable strings (empty list = the plan passes). It
reads only the plan, the profile, the catalogue and the history, and restates the rules
itself on purpose (double entry): it must not share tables or helpers with a generator,
or a mistake there would be invisible here.

Interpretations of training.md (documented, applied to every generator alike):
- "Within about 48 hours" is counted in calendar days: a hard session yesterday or
  earlier today blocks the same primary muscle; the day before yesterday does not.
  Trunk and grip (core, forearms) are ignored: they stabilise nearly every lift.
- Hard sessions are all but focus "light"; only COMPLETED history counts for recovery,
  the weekly cap and the weekly volume.
- Weekly volume: primary muscle = 1 set, secondary = 0.5 (training.md's indirect set);
  conditioning intervals are not hard sets, and trunk drills count for their primary
  muscles only (the glutes in a plank or a bird dog hold still). See WEEKLY_TOLERANCE_*.
- Minors: the beginner row of the table is accepted too (safer than their own row).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.db.enums import (
    HOME_EQUIPMENT,
    Equipment,
    EquipmentType,
    FitnessLevel,
    Goal,
    Movement,
    Muscle,
    WorkoutStatus,
)
from trainer_bot.training.plan import PlannedExercise, WorkoutPlan
from trainer_bot.training.schemas import PastWorkout, TrainingProfile

B, MID, A = FitnessLevel.BEGINNER, FitnessLevel.INTERMEDIATE, FitnessLevel.ADVANCED
RANK = {B: 0, MID: 1, A: 2}


@dataclass(frozen=True)
class Rx:
    sets: tuple[int, int]
    reps: tuple[int, int]
    rest_compound: tuple[int, int]
    rest_isolation: tuple[int, int]


# training.md "Sets, reps and rest by goal and level". Where the table gives no number the
# checker accepts a documented range:
# - maintenance has no rest: ACSM 2009 (1-2 min moderate loads, 2-3 min heavy multi-joint),
#   accepted as 45-180 s compound, 45-120 s isolation;
# - advanced mass gain isolation: the row's 2-3 min or the intermediate's 60-90 s;
# - weight loss intermediate/advanced: 30-60 s is "on light work"; multi-joint lifts may
#   keep the beginner's up-to-90 s.
TABLE: Mapping[tuple[Goal, FitnessLevel], Rx] = {
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
# Advanced mass gain "plus some heavy 4-6": on multi-joint lifts, at most two per session,
# rest 3-5 min (2 min accepted: the row's own rest).
HEAVY_REPS = (4, 6)
HEAVY_REST = (120, 300)
MAX_HEAVY_EXERCISES = 2
# Trunk work counted in reps, timed holds, conditioning intervals, light days: ranges the
# table does not cover (chosen wide enough for any sensible coach).
CORE_REPS = (8, 20)
TIMED_SECONDS = (10, 90)
CORE_REST = (20, 120)
TIMED_REST = (15, 180)
CONDITIONING_SETS = (1, 10)
CONDITIONING_REPS = (5, 30)
CONDITIONING_REST = (15, 120)
CONDITIONING_MINUTES = (8, 25)  # "10-20 min", the time model is an estimate
LIGHT_SETS = (1, 3)
LIGHT_REPS = (8, 20)
LIGHT_REST = (15, 120)

EXERCISES = (4, 7)
WEEKLY_SETS = {B: (6, 10), MID: (10, 14), A: (12, 20)}
INDIRECT = 0.5
# Weekly volume margin. Lower: 1 set — the primary/secondary tagging is a coarse proxy
# (one tag decides whether a set counts 1 or 0.5), so a single set below the bound is
# within the counting noise. Upper: 2 sets — the ceilings are conservative recovery
# limits, not thresholds (Schoenfeld 2017: the dose-response keeps rising past them), and
# muscles that are primary in many patterns (glutes: squats, hinges, lunges) collect
# indirect half-sets the plan cannot avoid.
WEEKLY_TOLERANCE_LOW = 1.0
WEEKLY_TOLERANCE_HIGH = 2.0
MAJOR = frozenset(
    {Muscle.CHEST, Muscle.BACK, Muscle.SHOULDERS, Muscle.QUADS, Muscle.HAMSTRINGS, Muscle.GLUTES}
)
LARGE = frozenset({Muscle.CHEST, Muscle.BACK, Muscle.QUADS, Muscle.HAMSTRINGS, Muscle.GLUTES})
STABILISERS = frozenset({Muscle.CORE, Muscle.FOREARMS})
RECOVERY_DAYS = 2
BEGINNER_HARD_CAP = 3
SESSION_MAX_MIN = 75  # "about 45-60 minutes"
SESSION_MIN_MIN = 25
SECONDS_PER_REP = 3
WARMUP_MIN = 8
ADULT = 18
CHILD_MAX = 13
MINOR_MIN_REPS = 8
LOW_IMPACT_BMI = 35.0
UNDERWEIGHT_BMI = 18.5
POWER_WORDS = frozenset({"clean", "snatch", "jerk", "power"})

_FAILURE = re.compile(r"(?<!не )(?<!без )(?<!не работай )до отказа|\bв отказ\b")
_MAX_TEST = re.compile(r"1\s*пм|разов\w* максимум|максимум на (один|1) повтор", re.IGNORECASE)
_DEFICIT = re.compile(r"дефицит|калори", re.IGNORECASE)


@dataclass(frozen=True)
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


def _day(moment: datetime) -> date:
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()


def _is_hard(focus: str) -> bool:
    return focus != "light"


def _is_core(e: CatalogueExercise) -> bool:
    return e.movement is Movement.CORE


def _is_conditioning(e: CatalogueExercise) -> bool:
    return e.movement is Movement.CONDITIONING


def _is_strength_compound(e: CatalogueExercise) -> bool:
    return e.is_compound and not _is_core(e) and not _is_conditioning(e)


def _name(plan_exercise: PlannedExercise, by_slug: Mapping[str, CatalogueExercise]) -> str:
    known = by_slug.get(plan_exercise.slug)
    return f"{plan_exercise.slug} ({known.name})" if known else plan_exercise.slug


def _level_for_table(profile: TrainingProfile) -> list[FitnessLevel]:
    if profile.age <= CHILD_MAX:
        return [B]
    if profile.age < ADULT:
        return [profile.level, B]
    return [profile.level]


def _goal_for_table(profile: TrainingProfile) -> Goal:
    if profile.goal is Goal.WEIGHT_LOSS and profile.age >= ADULT and profile.bmi < UNDERWEIGHT_BMI:
        return Goal.MAINTENANCE  # weight loss is refused to an underweight adult
    return profile.goal


def _within(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def _work_seconds(e: CatalogueExercise, p: PlannedExercise) -> float:
    middle = (p.reps_min + p.reps_max) / 2
    return middle if e.is_timed else middle * SECONDS_PER_REP


def _volume(
    exercises: Iterable[PlannedExercise], by_slug: Mapping[str, CatalogueExercise]
) -> dict[Muscle, float]:
    volume: dict[Muscle, float] = defaultdict(float)
    for p in exercises:
        e = by_slug.get(p.slug)
        if e is None or _is_conditioning(e):
            continue
        for m in e.primary_muscles:
            volume[m] += p.sets
        if _is_core(e):
            continue  # trunk drills hold the secondary muscles still: no hard set for them
        for m in e.secondary_muscles:
            volume[m] += INDIRECT * p.sets
    return volume


def _primary(slugs: Iterable[str], by_slug: Mapping[str, CatalogueExercise]) -> set[Muscle]:
    return {m for s in slugs if s in by_slug for m in by_slug[s].primary_muscles} - STABILISERS


def check_workout(
    plan: WorkoutPlan,
    profile: TrainingProfile,
    catalogue: Sequence[CatalogueExercise],
    history: Sequence[HistoryItem],
    *,
    today: date | None = None,
    weekly_minimum: bool = True,
) -> list[str]:
    """Violations of training.md by `plan`, generated for `today` (default: the UTC date
    now) after `history` (any order; PastWorkout or LoggedWorkout entries).

    `weekly_minimum=False` skips only the weekly hard-set minimum: whether 4-7 exercises
    can reach it depends on how richly the catalogue tags muscles (a tiny test catalogue
    cannot), while everything else must hold for any catalogue."""
    today = today or datetime.now(UTC).date()
    by_slug = {e.slug: e for e in catalogue}
    problems: list[str] = []
    problems += _check_session(plan, profile, by_slug)
    problems += _check_week(plan, profile, by_slug, history, today, weekly_minimum)
    return problems


# --- one session ------------------------------------------------------------------------


def _check_session(
    plan: WorkoutPlan, profile: TrainingProfile, by_slug: Mapping[str, CatalogueExercise]
) -> list[str]:
    out: list[str] = []
    hard = _is_hard(plan.focus)
    items = plan.exercises
    slugs = [p.slug for p in items]
    if not _within(len(items), EXERCISES):
        out.append(f"{len(items)} exercises, expected 4-7")
    duplicates = sorted({s for s in slugs if slugs.count(s) > 1})
    if duplicates:
        out.append(f"exercise repeated in one session: {', '.join(duplicates)}")
    unknown = [s for s in slugs if s not in by_slug]
    if unknown:
        out.append(f"not in the catalogue: {', '.join(unknown)}")
    known = [(p, by_slug[p.slug]) for p in items if p.slug in by_slug]
    out += _check_allowed(known, profile, by_slug)
    if hard:
        out += _check_order(known, by_slug)
        out += _check_prescription(known, profile, by_slug)
        goal = _goal_for_table(profile)
        if goal is Goal.WEIGHT_LOSS and profile.level is A and profile.age > CHILD_MAX:
            out += _check_conditioning_block(plan, known)
    else:
        out += _check_light(known, by_slug)
    out += _check_weights(known, profile, by_slug)
    out += _check_texts(plan, known, profile, hard)
    out += _check_duration(known, hard)
    return out


def _check_allowed(
    known: list[tuple[PlannedExercise, CatalogueExercise]],
    profile: TrainingProfile,
    by_slug: Mapping[str, CatalogueExercise],
) -> list[str]:
    out = []
    child = profile.age <= CHILD_MAX
    for p, e in known:
        what = _name(p, by_slug)
        home_only = profile.equipment is EquipmentType.BODYWEIGHT or child
        if home_only and e.equipment not in HOME_EQUIPMENT:
            reason = "age 10-13: bodyweight only" if child else "user has no gym"
            out.append(f"{what}: needs {e.equipment.value} ({reason})")
        if RANK[e.level] > RANK[profile.level]:
            out.append(f"{what}: {e.level.value} exercise for a {profile.level.value}")
        if profile.age < ADULT and e.level is not B:
            out.append(f"{what}: minors get beginner-level exercises only")
        if profile.age < ADULT and not POWER_WORDS.isdisjoint(e.slug.split("_")):
            out.append(f"{what}: no Olympic/power lifts for minors")
        if profile.bmi >= LOW_IMPACT_BMI and e.is_high_impact:
            out.append(f"{what}: high-impact exercise with BMI >= 35")
    return out


def _check_order(
    known: list[tuple[PlannedExercise, CatalogueExercise]],
    by_slug: Mapping[str, CatalogueExercise],
) -> list[str]:
    out = []
    if known:
        first_p, first = known[0]
        if not _is_strength_compound(first) or LARGE.isdisjoint(first.primary_muscles):
            out.append(
                f"first exercise {_name(first_p, by_slug)} is not a multi-joint lift of a "
                "large muscle group"
            )
    seen_smaller = None
    for p, e in known:
        if _is_strength_compound(e) and seen_smaller is not None:
            out.append(
                f"multi-joint {_name(p, by_slug)} after {seen_smaller} (compound before isolation)"
            )
        elif not _is_strength_compound(e) and seen_smaller is None:
            seen_smaller = _name(p, by_slug)
    heavy_seen_light = False
    for p, e in known:
        if e.is_timed or _is_core(e) or _is_conditioning(e):
            continue
        if p.reps_max <= HEAVY_REPS[1] and heavy_seen_light:
            out.append(f"heavy {_name(p, by_slug)} after lighter work (heavier first)")
        if p.reps_min > HEAVY_REPS[1]:
            heavy_seen_light = True
    return out


def _check_prescription(
    known: list[tuple[PlannedExercise, CatalogueExercise]],
    profile: TrainingProfile,
    by_slug: Mapping[str, CatalogueExercise],
) -> list[str]:
    goal = _goal_for_table(profile)
    candidates = [TABLE[(goal, level)] for level in _level_for_table(profile)]
    heavy_allowed = goal is Goal.MASS_GAIN and profile.level is A and profile.age >= ADULT
    out: list[str] = []
    heavy_count = 0
    for p, e in known:
        what = _name(p, by_slug)
        if p.reps_min > p.reps_max:
            out.append(f"{what}: reps_min {p.reps_min} > reps_max {p.reps_max}")
        if profile.age < ADULT and not e.is_timed and p.reps_min < MINOR_MIN_REPS:
            out.append(f"{what}: {p.reps_min} reps, minors need >= 8")
        if _is_conditioning(e):
            reps_ok = _within(p.reps_min, TIMED_SECONDS if e.is_timed else CONDITIONING_REPS)
            reps_ok = reps_ok and _within(
                p.reps_max, TIMED_SECONDS if e.is_timed else CONDITIONING_REPS
            )
            if not (
                _within(p.sets, CONDITIONING_SETS)
                and reps_ok
                and _within(p.rest_seconds, CONDITIONING_REST)
            ):
                out.append(
                    f"{what}: conditioning {p.sets}x{p.reps_min}-{p.reps_max}, "
                    f"rest {p.rest_seconds} s out of range"
                )
            continue
        is_heavy = (
            heavy_allowed
            and not e.is_timed
            and _is_strength_compound(e)
            and p.reps_min >= HEAVY_REPS[0]
            and p.reps_max <= candidates[0].reps[1]
            and p.reps_min < candidates[0].reps[0]
        )
        heavy_count += is_heavy
        errors = []
        for rx in candidates:
            errors = _prescription_errors(p, e, rx, is_heavy)
            if not errors:
                break
        out += [f"{what}: {error}" for error in errors]
    if heavy_count > MAX_HEAVY_EXERCISES:
        out.append(f"{heavy_count} heavy 4-6 exercises, 'some' means at most 2")
    return out


def _prescription_errors(
    p: PlannedExercise, e: CatalogueExercise, rx: Rx, heavy: bool
) -> list[str]:
    errors = []
    if not _within(p.sets, rx.sets):
        errors.append(f"{p.sets} sets, table says {rx.sets[0]}-{rx.sets[1]}")
    if e.is_timed:
        if not (_within(p.reps_min, TIMED_SECONDS) and _within(p.reps_max, TIMED_SECONDS)):
            errors.append(f"{p.reps_min}-{p.reps_max} s, timed work is 10-90 s")
        if not _within(p.rest_seconds, TIMED_REST):
            errors.append(f"rest {p.rest_seconds} s")
        return errors
    if _is_core(e):
        reps, rest = CORE_REPS, CORE_REST
    elif heavy:
        reps, rest = (HEAVY_REPS[0], rx.reps[1]), HEAVY_REST
    else:
        reps = rx.reps
        rest = rx.rest_compound if e.is_compound else rx.rest_isolation
    if not (_within(p.reps_min, reps) and _within(p.reps_max, reps)):
        errors.append(f"{p.reps_min}-{p.reps_max} reps, table says {reps[0]}-{reps[1]}")
    if not _within(p.rest_seconds, rest):
        errors.append(f"rest {p.rest_seconds} s, table says {rest[0]}-{rest[1]}")
    return errors


def _check_conditioning_block(
    plan: WorkoutPlan, known: list[tuple[PlannedExercise, CatalogueExercise]]
) -> list[str]:
    """Advanced weight loss: 10-20 min of conditioning, as interval exercises in the plan
    or as a text instruction (e.g. cardio on a machine after the session)."""
    minutes = sum(
        p.sets * (_work_seconds(e, p) + p.rest_seconds) / 60
        for p, e in known
        if _is_conditioning(e)
    )
    if minutes:
        if _within(minutes, CONDITIONING_MINUTES):
            return []
        return [f"conditioning block of about {minutes:.0f} min, expected 10-20"]
    text = _all_text(plan).casefold()
    if re.search(r"кардио|интервал|кондиц", text) and "мин" in text:
        return []
    return ["advanced weight loss: no 10-20 min conditioning"]


def _check_light(
    known: list[tuple[PlannedExercise, CatalogueExercise]],
    by_slug: Mapping[str, CatalogueExercise],
) -> list[str]:
    out = []
    for p, e in known:
        what = _name(p, by_slug)
        reps = TIMED_SECONDS if e.is_timed else LIGHT_REPS
        if not (
            _within(p.sets, LIGHT_SETS)
            and _within(p.reps_min, reps)
            and _within(p.reps_max, reps)
            and _within(p.rest_seconds, LIGHT_REST)
        ):
            out.append(
                f"{what}: light day {p.sets}x{p.reps_min}-{p.reps_max}, "
                f"rest {p.rest_seconds} s is not light"
            )
        if e.is_high_impact:
            out.append(f"{what}: jumps on a light day")
    return out


def _check_weights(
    known: list[tuple[PlannedExercise, CatalogueExercise]],
    profile: TrainingProfile,
    by_slug: Mapping[str, CatalogueExercise],
) -> list[str]:
    out = []
    for p, e in known:
        what = _name(p, by_slug)
        if e.equipment in HOME_EQUIPMENT:
            if p.weight_kg is not None:
                out.append(f"{what}: bodyweight exercise with weight {p.weight_kg} kg")
            elif not p.notes:
                out.append(f"{what}: no note on how to regress or progress")
            continue
        if profile.age <= CHILD_MAX and p.weight_kg:
            out.append(f"{what}: external load for a child")
        if p.weight_kg is None:
            if not p.notes or "вес" not in p.notes.casefold():
                out.append(f"{what}: loaded exercise without a weight or a load instruction")
            continue
        if p.weight_kg <= 0 or abs(p.weight_kg * 2 - round(p.weight_kg * 2)) > 1e-9:
            out.append(f"{what}: weight {p.weight_kg} kg is not a real load")
        if e.equipment is Equipment.BARBELL and p.weight_kg < 10:
            out.append(f"{what}: {p.weight_kg} kg is lighter than any barbell")
        if p.weight_kg > 2.5 * profile.weight_kg:
            out.append(f"{what}: {p.weight_kg} kg is implausible for a starting weight")
        if not p.notes:
            out.append(f"{what}: no note on how to check the weight")
    return out


def _all_text(plan: WorkoutPlan) -> str:
    notes = " ".join(p.notes or "" for p in plan.exercises)
    return f"{plan.title} {plan.rationale} {plan.warmup} {notes}"


def _check_texts(
    plan: WorkoutPlan,
    known: list[tuple[PlannedExercise, CatalogueExercise]],
    profile: TrainingProfile,
    hard: bool,
) -> list[str]:
    out = []
    text = _all_text(plan)
    low = text.casefold()
    warmup = plan.warmup.casefold()
    if len(plan.warmup) < 60 or "мин" not in warmup or not re.search(r"\d", warmup):
        out.append("warm-up missing or without its 5-10 minutes of general warm-up")
    if hard:
        first = next(((p, e) for p, e in known if _is_strength_compound(e)), None)
        if first is not None:
            p, e = first
            if e.name.casefold() not in warmup:
                out.append(f"warm-up does not name the first compound lift «{e.name}»")
            elif p.weight_kg is not None and not re.search(r"50\s*%|половин", warmup):
                out.append("warm-up has no lighter sets at about 50% of the working weight")
        if "запас" not in low:
            out.append("no effort guidance (reps in reserve) in the plan")
    if profile.level is B or profile.age < ADULT:
        if _FAILURE.search(low):
            out.append("training to failure for a beginner or a minor")
        if _MAX_TEST.search(text):
            out.append("one-rep-max test for a beginner or a minor")
    if profile.age < ADULT and _DEFICIT.search(text):
        out.append("calorie-deficit framing for a minor")
    if profile.age <= CHILD_MAX and not re.search(r"взросл|тренер|родител", low):
        out.append("age 10-13: no advice to train with an adult or a coach")
    return out


def _check_duration(
    known: list[tuple[PlannedExercise, CatalogueExercise]], hard: bool
) -> list[str]:
    seconds = sum(p.sets * (_work_seconds(e, p) + p.rest_seconds) for p, e in known)
    minutes = WARMUP_MIN + seconds / 60
    if minutes > SESSION_MAX_MIN:
        return [f"about {minutes:.0f} min, the session should take about 45-60 min"]
    if hard and minutes < SESSION_MIN_MIN:
        return [f"only about {minutes:.0f} min for a hard session (about 45-60 min)"]
    return []


# --- the week -------------------------------------------------------------------------


def _check_week(
    plan: WorkoutPlan,
    profile: TrainingProfile,
    by_slug: Mapping[str, CatalogueExercise],
    history: Sequence[HistoryItem],
    today: date,
    weekly_minimum: bool,
) -> list[str]:
    out: list[str] = []
    done = [
        w for w in history if w.status is WorkoutStatus.COMPLETED and _day(w.received_at) <= today
    ]
    hard_done = [w for w in done if _is_hard(w.focus)]
    hard = _is_hard(plan.focus)
    if hard:
        mine = _primary((p.slug for p in plan.exercises), by_slug)
        for w in hard_done:
            days = (today - _day(w.received_at)).days
            if days < RECOVERY_DAYS:
                shared = mine & _primary(w.exercise_slugs, by_slug)
                if shared:
                    names = ", ".join(sorted(m.value for m in shared))
                    out.append(
                        f"{names} loaded hard again {days} day(s) after the {w.focus} "
                        "session (about 48 h rule)"
                    )
    frequency = profile.workouts_per_week
    in_week = [w for w in hard_done if (today - _day(w.received_at)).days < 7]
    if profile.level is B and frequency >= 5 and hard and len(in_week) + 1 > BEGINNER_HARD_CAP:
        out.append(f"hard session #{len(in_week) + 1} in 7 days for a beginner on 5/week (max 3)")
    out += _check_volume(plan, profile, by_slug, hard_done, in_week, today, weekly_minimum)
    return out


def _check_volume(
    plan: WorkoutPlan,
    profile: TrainingProfile,
    by_slug: Mapping[str, CatalogueExercise],
    hard_done: Sequence[HistoryItem],
    in_week: Sequence[HistoryItem],
    today: date,
    weekly_minimum: bool,
) -> list[str]:
    if any(not isinstance(w, LoggedWorkout) for w in in_week):
        return []  # sets of a PastWorkout are unknown: the volume cannot be counted
    plans = [w.plan for w in in_week if isinstance(w, LoggedWorkout)]
    if _is_hard(plan.focus):
        plans.append(plan)
    volume: dict[Muscle, float] = defaultdict(float)
    for p in plans:
        for muscle, sets in _volume(p.exercises, by_slug).items():
            volume[muscle] += sets
    level = B if profile.age <= CHILD_MAX else profile.level
    low, high = WEEKLY_SETS[level]
    if profile.age < ADULT:
        low = WEEKLY_SETS[B][0]  # minors: the beginner's minimum is accepted (safer)
    out = []
    for muscle, sets in sorted(volume.items(), key=lambda kv: kv[0].value):
        if muscle not in STABILISERS and sets > high + WEEKLY_TOLERANCE_HIGH:
            out.append(f"{muscle.value}: {sets:g} hard sets in 7 days, over {level.value}'s {high}")
    # The floor only applies to a full week that went as planned: history reaching back
    # 7+ days and as many hard sessions in the window as the split asks for.
    expected = profile.workouts_per_week
    if level is B and expected >= 5:
        expected = BEGINNER_HARD_CAP
    reaches_back = any((today - _day(w.received_at)).days >= 7 for w in hard_done)
    if weekly_minimum and reaches_back and len(plans) >= expected and _is_hard(plan.focus):
        for muscle in sorted(MAJOR, key=lambda m: m.value):
            if volume.get(muscle, 0.0) < low - WEEKLY_TOLERANCE_LOW:
                out.append(
                    f"{muscle.value}: {volume.get(muscle, 0.0):g} hard sets in 7 days, "
                    f"under {level.value}'s {low}"
                )
    return out
