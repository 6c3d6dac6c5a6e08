"""One session against training.md: the exercises, the prescription, the loads, the
shape and the texts."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

import trainer_bot.training.rules_check.limits as lim
from trainer_bot.catalogue import CatalogueExercise, Category
from trainer_bot.db.enums import HOME_EQUIPMENT, Goal, Movement
from trainer_bot.training.plan import PlannedExercise, WorkoutPlan
from trainer_bot.training.rules_check.exercise_rules import (
    empty_implement_kg,
    is_child,
    load_limit,
    why_not_allowed,
)
from trainer_bot.training.rules_check.violations import Violation
from trainer_bot.training.rules_check.violations import ViolationKind as K
from trainer_bot.training.schemas import TrainingProfile
from trainer_bot.training.weights import is_loaded, round_to_equipment, suggest_weight

Known = list[tuple[PlannedExercise, CatalogueExercise]]

FAILURE = re.compile(r"(?<!не )(?<!без )(?<!не работай )до отказа|\bв отказ\b")
MAX_TEST = re.compile(r"1\s*пм|разов\w* максимум|максимум на (один|1) повтор", re.IGNORECASE)
DEFICIT = re.compile(r"дефицит|калори|ккал", re.IGNORECASE)
KG = re.compile(r"(\d+(?:[.,]\d+)?)\s*кг")
_PUSH = frozenset({Movement.HORIZONTAL_PUSH, Movement.VERTICAL_PUSH})
_PULL = frozenset({Movement.HORIZONTAL_PULL, Movement.VERTICAL_PULL})


def is_hard(focus: str) -> bool:
    return focus != "light"


def is_strength(e: CatalogueExercise) -> bool:
    return not e.is_drill and e.movement not in (Movement.CORE, Movement.CONDITIONING)


def is_strength_compound(e: CatalogueExercise) -> bool:
    return e.is_compound and is_strength(e)


def is_conditioning(e: CatalogueExercise) -> bool:
    return e.movement is Movement.CONDITIONING and not e.is_drill


def is_placeholder(text: str | None) -> bool:
    if text is None:
        return True
    return text.strip().strip(".!").casefold() in lim.PLACEHOLDERS


def effective_goal(profile: TrainingProfile) -> Goal:
    underweight_adult = profile.age >= lim.ADULT and profile.bmi < lim.UNDERWEIGHT_BMI
    if profile.goal is Goal.WEIGHT_LOSS and underweight_adult:
        return Goal.MAINTENANCE  # weight loss is refused to an underweight adult
    return profile.goal


def table_rows(profile: TrainingProfile) -> list[lim.Rx]:
    """The rows whose numbers the plan may use. Minors: their own or the beginner's
    (safer); children: the beginner's."""
    goal = effective_goal(profile)
    if is_child(profile):
        levels = [lim.B]
    elif profile.age < lim.ADULT:
        levels = [profile.level, lim.B]
    else:
        levels = [profile.level]
    return [lim.TABLE[(goal, level)] for level in levels]


def heavy_allowed(profile: TrainingProfile) -> bool:
    return (
        effective_goal(profile) is Goal.MASS_GAIN
        and profile.level is lim.A
        and lim.ADULT <= profile.age < lim.OLDER_ADULT
    )


def allowed_ranges(
    e: CatalogueExercise, profile: TrainingProfile, focus: str, *, heavy: bool = False
) -> tuple[lim.Range, lim.Range, lim.Range]:
    """(sets, reps or seconds, rest) the exercise may get in this focus: the first
    table row's. `heavy`: the advanced lifter's 4-6 work."""
    if e.is_drill:
        return lim.DRILL_SETS, (lim.DRILL_SECONDS if e.is_timed else lim.DRILL_REPS), lim.DRILL_REST
    if not is_hard(focus):
        return lim.LIGHT_SETS, (lim.TIMED_SECONDS if e.is_timed else lim.LIGHT_REPS), lim.LIGHT_REST
    if is_conditioning(e):
        reps = lim.TIMED_SECONDS if e.is_timed else lim.CONDITIONING_REPS
        return lim.CONDITIONING_SETS, reps, lim.CONDITIONING_REST
    rx = table_rows(profile)[0]
    sets = rx.sets
    if profile.age < lim.ADULT:
        sets = (sets[0], min(sets[1], lim.MINOR_MAX_SETS))
    if e.is_timed:
        return sets, lim.TIMED_SECONDS, lim.TIMED_REST
    if e.movement is Movement.CORE:
        return sets, lim.CORE_REPS, lim.CORE_REST
    if heavy:
        return sets, (lim.HEAVY_REPS[0], rx.reps[1]), lim.HEAVY_REST
    reps = rx.reps
    if profile.age >= lim.OLDER_ADULT:
        reps = lim.OLDER_REPS
    elif profile.age < lim.ADULT:
        reps = (max(reps[0], lim.MINOR_MIN_REPS), max(reps[1], lim.MINOR_MIN_REPS))
    return sets, reps, rx.rest_compound if e.is_compound else rx.rest_isolation


def check_session(
    plan: WorkoutPlan, profile: TrainingProfile, by_slug: Mapping[str, CatalogueExercise]
) -> list[Violation]:
    out: list[Violation] = []
    hard = is_hard(plan.focus)
    slugs = [p.slug for p in plan.exercises]
    if not lim.EXERCISES[0] <= len(slugs) <= lim.EXERCISES[1]:
        out.append(Violation(K.EXERCISE_COUNT, f"{len(slugs)} exercises, expected 4-7"))
    seen: set[str] = set()
    for slug in slugs:
        if slug in seen:
            out.append(Violation(K.DUPLICATE, f"exercise repeated in one session: {slug}", slug))
        seen.add(slug)
        if slug not in by_slug:
            out.append(Violation(K.UNKNOWN_EXERCISE, f"{slug} is not in the catalogue", slug))
    known = [(p, by_slug[p.slug]) for p in plan.exercises if p.slug in by_slug]
    for p, e in known:
        reason = why_not_allowed(e, profile)
        if reason is not None:
            out.append(Violation(K.NOT_ALLOWED, f"{p.slug}: {reason}", p.slug))
    out += check_prescription(known, profile, plan.focus)
    if hard:
        out += check_order(known)
        out += _check_shape(plan, known, profile)
    out += _check_loads(known, profile)
    out += _check_texts(plan, known, profile, hard)
    out += _check_duration(known, hard)
    return out


def check_exercise(
    p: PlannedExercise, e: CatalogueExercise, profile: TrainingProfile, focus: str
) -> list[Violation]:
    """The part of `check_session` one exercise answers for alone: may the person do it,
    its sets, reps and rest, its load (what a streamed exercise passes before it is shown)."""
    out: list[Violation] = []
    reason = why_not_allowed(e, profile)
    if reason is not None:
        out.append(Violation(K.NOT_ALLOWED, f"{p.slug}: {reason}", p.slug))
    out += check_prescription([(p, e)], profile, focus)
    out += _check_loads([(p, e)], profile)
    return out


def _within(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def check_prescription(known: Known, profile: TrainingProfile, focus: str) -> list[Violation]:
    out: list[Violation] = []
    heavy_count = 0
    rows = table_rows(profile)
    for p, e in known:
        heavy = (
            is_hard(focus)
            and heavy_allowed(profile)
            and is_strength_compound(e)
            and not e.is_timed
            and p.reps_min < rows[0].reps[0]
        )
        heavy_count += heavy
        problems = _prescription_problems(p, e, profile, focus, heavy)
        if problems and profile.age < lim.ADULT and len(rows) > 1 and is_hard(focus):
            # A minor may also use the beginner's row.
            beginner = _prescription_problems(p, e, _as_beginner(profile), focus, heavy)
            problems = beginner if len(beginner) < len(problems) else problems
        out += problems
    if heavy_count > lim.MAX_HEAVY_EXERCISES:
        out.append(
            Violation(K.HEAVY_COUNT, f"{heavy_count} heavy 4-6 exercises, at most 2 a session")
        )
    return out


def _as_beginner(profile: TrainingProfile) -> TrainingProfile:
    return replace(profile, level=lim.B)


def _prescription_problems(
    p: PlannedExercise, e: CatalogueExercise, profile: TrainingProfile, focus: str, heavy: bool
) -> list[Violation]:
    sets, reps, rest = allowed_ranges(e, profile, focus, heavy=heavy)
    out = []
    unit = "s" if e.is_timed else "reps"
    if not _within(p.sets, sets):
        out.append(
            Violation(
                K.SETS_RANGE, f"{p.slug}: {p.sets} sets, table says {sets[0]}-{sets[1]}", p.slug
            )
        )
    if p.reps_min > p.reps_max or not (_within(p.reps_min, reps) and _within(p.reps_max, reps)):
        out.append(
            Violation(
                K.REPS_RANGE,
                f"{p.slug}: {p.reps_min}-{p.reps_max} {unit}, table says {reps[0]}-{reps[1]}",
                p.slug,
            )
        )
    if not _within(p.rest_seconds, rest):
        out.append(
            Violation(
                K.REST_RANGE,
                f"{p.slug}: rest {p.rest_seconds} s, table says {rest[0]}-{rest[1]}",
                p.slug,
            )
        )
    return out


def check_order(known: Known) -> list[Violation]:
    out = []
    work = [(p, e) for p, e in known if not e.is_drill]
    if work:
        first_p, first = work[0]
        if not is_strength_compound(first) or lim.LARGE.isdisjoint(first.primary_muscles):
            out.append(
                Violation(
                    K.ORDER,
                    f"first exercise {first_p.slug} is not a multi-joint lift of a large muscle",
                    first_p.slug,
                )
            )
    seen_smaller: str | None = None
    heavy_seen_light = False
    for p, e in work:
        if is_strength_compound(e) and seen_smaller is not None:
            out.append(
                Violation(
                    K.ORDER,
                    f"multi-joint {p.slug} after {seen_smaller} (compound before isolation)",
                    p.slug,
                )
            )
        elif not is_strength_compound(e) and seen_smaller is None:
            seen_smaller = p.slug
        if e.is_timed or not is_strength(e):
            continue
        if p.reps_max <= lim.HEAVY_REPS[1] and heavy_seen_light:
            out.append(Violation(K.ORDER, f"heavy {p.slug} after lighter work", p.slug))
        if p.reps_min > lim.HEAVY_REPS[1]:
            heavy_seen_light = True
    return out


def _check_shape(plan: WorkoutPlan, known: Known, profile: TrainingProfile) -> list[Violation]:
    out = []
    spine = [p.slug for p, e in known if e.spine_loading]
    for slug in spine[1:]:
        out.append(
            Violation(
                K.SPINE_LOADING, f"{slug}: a second spine-loading barbell lift ({spine[0]})", slug
            )
        )
    if plan.focus in lim.BALANCED_FOCI:
        push = sum(p.sets for p, e in known if is_strength(e) and e.movement in _PUSH)
        pull = sum(p.sets for p, e in known if is_strength(e) and e.movement in _PULL)
        if (push or pull) and (
            not push or not pull or max(push, pull) > lim.PUSH_PULL_RATIO * min(push, pull)
        ):
            out.append(
                Violation(K.PUSH_PULL_BALANCE, f"{push} pushing vs {pull} pulling sets (max 1:1.5)")
            )
    groups = lim.TITLE_GROUPS.get(plan.focus, ())
    primary = {m for _, e in known if is_strength(e) for m in e.primary_muscles}
    secondary = {m for _, e in known if is_strength(e) for m in e.secondary_muscles}
    for group in groups:
        hit = primary | (secondary & lim.ARM_MUSCLES)
        if group.isdisjoint(hit):
            names = "/".join(sorted(m.value for m in group))
            out.append(Violation(K.TITLE_CONTENT, f"«{plan.title}» but nothing trains {names}"))
    if profile.age >= lim.OLDER_ADULT:
        out += balance_mobility(known)
    if (
        effective_goal(profile) is Goal.WEIGHT_LOSS
        and profile.level is lim.A
        and not is_child(profile)
    ):
        out += _check_conditioning_block(plan, known)
    return out


def balance_mobility(known: Known) -> list[Violation]:
    categories = {e.category for _, e in known}
    out = []
    if Category.BALANCE not in categories:
        out.append(Violation(K.BALANCE_MOBILITY, "65+: no balance exercise in the session"))
    if not categories & {Category.MOBILITY, Category.COOL_DOWN}:
        out.append(Violation(K.BALANCE_MOBILITY, "65+: no mobility exercise in the session"))
    return out


def _work_seconds(e: CatalogueExercise, p: PlannedExercise) -> float:
    middle = (p.reps_min + p.reps_max) / 2
    return middle if e.is_timed else middle * lim.SECONDS_PER_REP


def all_text(plan: WorkoutPlan) -> str:
    notes = " ".join(p.notes or "" for p in plan.exercises)
    return f"{plan.title} {plan.rationale} {plan.warmup} {notes}"


def _check_conditioning_block(plan: WorkoutPlan, known: Known) -> list[Violation]:
    minutes = sum(
        p.sets * (_work_seconds(e, p) + p.rest_seconds) / 60 for p, e in known if is_conditioning(e)
    )
    if minutes:
        if _within(minutes, lim.CONDITIONING_MINUTES):
            return []
        return [Violation(K.CONDITIONING, f"conditioning of about {minutes:.0f} min, 10-20 wanted")]
    text = all_text(plan).casefold()
    if re.search(r"кардио|интервал|кондиц", text) and "мин" in text:
        return []
    return [Violation(K.CONDITIONING, "advanced weight loss: no 10-20 min conditioning")]


def _check_loads(known: Known, profile: TrainingProfile) -> list[Violation]:
    out = []
    for p, e in known:
        if e.equipment in HOME_EQUIPMENT or not is_loaded(e):
            if p.weight_kg is not None and (e.equipment in HOME_EQUIPMENT or p.weight_kg > 0):
                out.append(
                    Violation(
                        K.BODYWEIGHT_LOAD,
                        f"{p.slug}: bodyweight exercise with weight {p.weight_kg} kg",
                        p.slug,
                    )
                )
            continue
        if is_child(profile) and p.weight_kg:
            out.append(Violation(K.BODYWEIGHT_LOAD, f"{p.slug}: external load for a child", p.slug))
            continue
        if p.weight_kg is None:
            if not p.notes or "вес" not in p.notes.casefold():
                out.append(
                    Violation(
                        K.MISSING_LOAD,
                        f"{p.slug}: loaded exercise without a weight or a load instruction",
                        p.slug,
                    )
                )
            continue
        out += _check_weight(p, e, profile, p.weight_kg)
    return out


def _check_weight(
    p: PlannedExercise, e: CatalogueExercise, profile: TrainingProfile, weight: float
) -> list[Violation]:
    if weight <= 0 or abs(weight * 2 - round(weight * 2)) > 1e-9:
        return [Violation(K.IMPLAUSIBLE_LOAD, f"{p.slug}: {weight} kg is not a real load", p.slug)]
    bar = empty_implement_kg(e)
    if weight < bar:
        return [
            Violation(K.IMPLAUSIBLE_LOAD, f"{p.slug}: {weight} kg is lighter than the bar", p.slug)
        ]
    limit = load_limit(e, profile)
    if limit is not None and weight > limit + 1e-9:
        return [
            Violation(
                K.LOAD_LIMIT,
                f"{p.slug}: {weight:g} kg over the first-prescription limit {limit:.1f} kg",
                p.slug,
            )
        ]
    expected = fallback_weight(e, profile, (p.reps_min, p.reps_max))
    if expected is not None and weight < lim.LOW_LOAD_SHARE * expected - 1e-9:
        return [
            Violation(
                K.IMPLAUSIBLE_LOAD,
                f"{p.slug}: {weight:g} kg is under 40% of the rule-based {expected:g} kg",
                p.slug,
            )
        ]
    return []


def fallback_weight(
    e: CatalogueExercise, profile: TrainingProfile, reps: tuple[int, int]
) -> float | None:
    """The rule-based generator's first weight for the same exercise, profile and reps,
    within the load limit."""
    suggested = suggest_weight(e, profile, reps=reps, reps_in_reserve=(2, 3)).weight_kg
    limit = load_limit(e, profile)
    if suggested is None or limit is None:
        return suggested
    return min(suggested, round_to_equipment(e, limit))


def _check_texts(
    plan: WorkoutPlan, known: Known, profile: TrainingProfile, hard: bool
) -> list[Violation]:
    out = []
    for name in ("title", "rationale", "warmup"):
        if is_placeholder(getattr(plan, name)):
            out.append(Violation(K.PLACEHOLDER_TEXT, f"{name} is empty or a placeholder"))
    for p, _ in known:
        if is_placeholder(p.notes):
            out.append(Violation(K.NOTES, f"{p.slug}: no note on load, effort or variant", p.slug))
    text = all_text(plan)
    low = text.casefold()
    warmup = plan.warmup.casefold()
    if len(plan.warmup) < 60 or "мин" not in warmup or not re.search(r"\d", warmup):
        out.append(Violation(K.WARMUP, "no 5-10 minutes of general warm-up"))
    if hard:
        first = next(((p, e) for p, e in known if is_strength_compound(e)), None)
        if first is not None:
            p, e = first
            if e.name.casefold() not in warmup:
                out.append(Violation(K.WARMUP, f"warm-up does not name the first lift «{e.name}»"))
            elif p.weight_kg is not None and not re.search(r"50\s*%|половин", warmup):
                out.append(
                    Violation(K.WARMUP, "no lighter sets at about 50% of the working weight")
                )
            bar = empty_implement_kg(e)
            light = [float(n.replace(",", ".")) for n in KG.findall(plan.warmup)]
            if bar and any(kg < bar for kg in light):
                out.append(
                    Violation(
                        K.WARMUP_WEIGHT,
                        f"a warm-up weight below the empty bar ({bar:g} kg)",
                        p.slug,
                    )
                )
        if "запас" not in low:
            out.append(Violation(K.EFFORT, "no effort guidance (reps in reserve)"))
    cautious = profile.level is lim.B or profile.age < lim.ADULT
    if cautious and (FAILURE.search(low) or MAX_TEST.search(text)):
        out.append(Violation(K.FAILURE_WORDING, "failure sets or a max test for a beginner"))
    if profile.age < lim.ADULT and DEFICIT.search(text):
        out.append(Violation(K.DEFICIT_WORDING, "calorie-deficit framing for a minor"))
    if is_child(profile) and not re.search(r"взросл|тренер|родител", low):
        out.append(
            Violation(K.SUPERVISION, "age 10-13: no advice to train with an adult or a coach")
        )
    return out


def _check_duration(known: Known, hard: bool) -> list[Violation]:
    seconds = sum(p.sets * (_work_seconds(e, p) + p.rest_seconds) for p, e in known)
    minutes = lim.WARMUP_MIN + seconds / 60
    if minutes > lim.SESSION_MAX_MIN:
        return [Violation(K.DURATION, f"about {minutes:.0f} min, expected about 45-60")]
    if hard and minutes < lim.SESSION_MIN_MIN:
        return [Violation(K.DURATION, f"only about {minutes:.0f} min for a hard session")]
    return []
