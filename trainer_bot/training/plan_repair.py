"""Mechanical, safe repairs of a plan someone else wrote (the LLM), by the rules check.

What can be fixed without judgement is fixed here, each fix recorded:
- an exercise the profile may not do (equipment, age, BMI, a second spine-loading lift)
  becomes the fallback's choice for that movement; unknown and repeated ones go;
- sets, reps and rest are clamped into the allowed ranges;
- a first-time load over the limit is capped at it, an implausibly low one (under 40%
  of the fallback's for the same exercise) or a missing one gets the fallback's weight,
  rounded to the equipment's real step; a bodyweight exercise loses its weight;
- the order becomes multi-joint before single-joint, large before small;
- adults 65+ get the fallback's balance and mobility drills;
- empty, placeholder or unsafe texts (failure sets, a deficit for a minor, a warm-up
  below the bar) are replaced by the bot's own texts.
What needs judgement (too few exercises, a lopsided session, the week) is left to the
caller: re-ask the model, else use the fallback.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.db.enums import HOME_EQUIPMENT, Movement
from trainer_bot.training import rules
from trainer_bot.training.fallback.choice import pick
from trainer_bot.training.fallback.context import Context, Draft, Kind
from trainer_bot.training.fallback.prescription import plan_hard, plan_light, set_range
from trainer_bot.training.fallback.shape import (
    SpineGuard,
    balance_push_pull,
    coverage_extras,
    older_adult_drills,
)
from trainer_bot.training.fallback.texts import CARDIO_FINISHER, rationale_text, warmup_text
from trainer_bot.training.plan import NOTES_LIMIT, TEXT_LIMITS, PlannedExercise, WorkoutPlan
from trainer_bot.training.rules_check import Violation, why_not_allowed
from trainer_bot.training.rules_check import ViolationKind as K
from trainer_bot.training.rules_check.exercise_rules import (
    empty_implement_kg,
    is_child,
    load_limit,
)
from trainer_bot.training.rules_check.limits import (
    EXERCISES,
    LARGE,
    LOW_LOAD_SHARE,
    SECONDS_PER_REP,
    SESSION_MIN_MIN,
    WARMUP_MIN,
)
from trainer_bot.training.rules_check.session import (
    DEFICIT,
    FAILURE,
    MAX_TEST,
    allowed_ranges,
    check_order,
    fallback_weight,
    heavy_allowed,
    is_placeholder,
    is_strength_compound,
    table_rows,
)
from trainer_bot.training.schemas import TrainingProfile
from trainer_bot.training.split import TITLES, PatternSlot
from trainer_bot.training.weights import is_loaded, load_note, round_to_equipment

# The violations a repair may fix; the rest need the model again (or the fallback).
REPAIRABLE = frozenset(
    {
        K.DUPLICATE,
        K.UNKNOWN_EXERCISE,
        K.NOT_ALLOWED,
        K.SETS_RANGE,
        K.REPS_RANGE,
        K.REST_RANGE,
        K.HEAVY_COUNT,
        K.LOAD_LIMIT,
        K.IMPLAUSIBLE_LOAD,
        K.MISSING_LOAD,
        K.BODYWEIGHT_LOAD,
        K.ORDER,
        K.SPINE_LOADING,
        K.TITLE_CONTENT,
        K.PUSH_PULL_BALANCE,
        K.BALANCE_MOBILITY,
        K.CONDITIONING,
        K.WARMUP,
        K.WARMUP_WEIGHT,
        K.EFFORT,
        K.PLACEHOLDER_TEXT,
        K.NOTES,
        K.FAILURE_WORDING,
        K.DEFICIT_WORDING,
        K.SUPERVISION,
    }
)


@dataclass(slots=True)
class _Item:
    exercise: CatalogueExercise
    planned: PlannedExercise
    position: int  # the model's order, for a stable sort
    new_note: bool = False  # the bot writes the note (the load changed, or it was empty)


def repair_plan(
    plan: WorkoutPlan,
    found: Sequence[Violation],
    ctx: Context,
    catalogue: Sequence[CatalogueExercise],
) -> tuple[WorkoutPlan, tuple[str, ...]]:
    """`plan` with the repairable `found` violations fixed, and what was done."""
    by_slug = {e.slug: e for e in catalogue}
    kinds = {v.kind for v in found}
    done: list[str] = []
    items = _exercises(plan, ctx, by_slug, done)
    items = _with_older_adult_drills(items, ctx, kinds, done)
    for item in items:
        _prescribe(item, ctx, plan.focus, done)
    if ctx.slot.is_hard and len(items) < EXERCISES[0]:
        _fill_count(items, ctx, done)
    if ctx.slot.is_hard:
        _fill_time(items, ctx, plan.focus, done)
        # Idempotent on a session that already keeps its shape.
        items = _shape(items, ctx, done)
    if check_order([(i.planned, i.exercise) for i in items]):
        items.sort(key=_order_key)
        done.append("ordered multi-joint before single-joint, large before small")
    return _texts(plan, items, ctx, kinds, done), tuple(done)


def _exercises(
    plan: WorkoutPlan, ctx: Context, by_slug: dict[str, CatalogueExercise], done: list[str]
) -> list[_Item]:
    items: list[_Item] = []
    used = {p.slug for p in plan.exercises}
    for position, planned in enumerate(plan.exercises):
        taken = {i.planned.slug for i in items}
        spine_taken = any(i.exercise.spine_loading for i in items)
        item = _admit(planned, position, ctx, by_slug, taken, used, spine_taken, done)
        if item is not None:
            items.append(item)
    return items


def _admit(
    planned: PlannedExercise,
    position: int,
    ctx: Context,
    by_slug: Mapping[str, CatalogueExercise],
    taken: set[str],
    used: set[str],
    spine_taken: bool,
    done: list[str],
) -> _Item | None:
    """One exercise into the plan: dropped when unknown or already in it (`taken`), the
    fallback's choice for its slot when the person may not do it (never one of `used`,
    which grows by the replacement)."""
    exercise = by_slug.get(planned.slug)
    if exercise is None or planned.slug in taken:
        done.append(f"dropped {planned.slug} (unknown or repeated)")
        return None
    reason = why_not_allowed(exercise, ctx.profile)
    if reason is None and exercise.spine_loading and spine_taken:
        reason = "a second spine-loading lift"
    if reason is not None:
        replacement = _replacement(exercise, ctx, used, spine_taken)
        if replacement is None:
            done.append(f"dropped {planned.slug} ({reason})")
            return None
        done.append(f"{planned.slug} -> {replacement.slug} ({reason})")
        used.add(replacement.slug)
        planned = planned.model_copy(update={"slug": replacement.slug, "notes": None})
        exercise = replacement
    return _Item(exercise, planned, position)


def repair_exercise(
    planned: PlannedExercise,
    position: int,
    ctx: Context,
    by_slug: Mapping[str, CatalogueExercise],
    *,
    taken: set[str],
    used: set[str],
    spine_taken: bool,
) -> tuple[PlannedExercise, CatalogueExercise] | None:
    """One exercise as `repair_plan` repairs it, before the rest of the plan is known
    (a streamed answer): replaced when not allowed, sets, reps and rest clamped, the load
    capped; None when it is dropped. `position` is its place in the plan (0: the first
    lift, the only one that may go heavy); the note is left as it is."""
    done: list[str] = []
    item = _admit(planned, position, ctx, by_slug, taken, used, spine_taken, done)
    if item is None:
        return None
    _prescribe(item, ctx, ctx.slot.focus, done)
    return item.planned, item.exercise


def _replacement(
    exercise: CatalogueExercise, ctx: Context, used: set[str], spine_taken: bool
) -> CatalogueExercise | None:
    """The fallback's choice for the slot: the same movement pattern, else the same
    primary muscles; never one already in the plan."""

    def fits(candidate: CatalogueExercise) -> bool:
        if candidate.is_drill is not exercise.is_drill:
            return False
        return not (candidate.spine_loading and (spine_taken or exercise.spine_loading))

    if exercise.is_drill:
        pool = [e for e in ctx.allowed if e.category is exercise.category and e.slug not in used]
        return min(pool, key=lambda e: e.slug) if pool else None
    same = PatternSlot((exercise.movement,), compound=exercise.is_compound)
    found = pick(ctx, same, used, only=fits)
    if found is None:
        muscle = exercise.primary_muscles[0]
        found = pick(
            ctx,
            PatternSlot(tuple(Movement)),
            used,
            only=lambda e: fits(e) and muscle in e.primary_muscles,
        )
    return found


def _with_older_adult_drills(
    items: list[_Item], ctx: Context, kinds: set[K], done: list[str]
) -> list[_Item]:
    if K.BALANCE_MOBILITY not in kinds:
        return items
    have = {i.exercise.category for i in items}
    drills = [
        d
        for d in older_adult_drills(ctx, {i.planned.slug for i in items})
        if d.exercise.category not in have
    ]
    for draft in drills:
        if len(items) >= EXERCISES[1]:
            # Make room: the last single-joint or trunk exercise gives its place.
            victim = next(
                (i for i in reversed(items) if not is_strength_compound(i.exercise)), None
            )
            if victim is None:
                break
            items.remove(victim)
            done.append(f"dropped {victim.planned.slug} for a balance or mobility drill")
        planned = plan_light(ctx, draft)
        items.append(_Item(draft.exercise, planned, 10_000 + len(items), new_note=True))
        done.append(f"added {draft.exercise.slug} (65+: balance and mobility)")
    return items


def _shape(items: list[_Item], ctx: Context, done: list[str]) -> list[_Item]:
    """What the title promises and pushing vs pulling within 1:1.5, the way the fallback
    shapes its own sessions: the fallback's exercise for a missing muscle group, sets
    moved within their ranges, an exercise added or dropped when the ranges do not reach."""
    drafts = [Draft(i.exercise, i.planned.sets, n) for n, i in enumerate(items)]
    # Keyed by identity; `originals` keeps the drafts alive so no new draft reuses an id.
    originals = list(drafts)
    by_draft = {id(d): i for d, i in zip(originals, items, strict=True)}
    used = {i.planned.slug for i in items}
    spine = SpineGuard()
    for item in items:
        spine.take(item.exercise)
    for extra in coverage_extras(ctx, drafts, used, spine, len(drafts)):
        if len(drafts) >= EXERCISES[1]:
            break  # no room: the re-ask has to rethink the session
        extra.sets = set_range(ctx, extra)[0]
        drafts.append(extra)
    balance_push_pull(ctx, drafts, used, spine)
    shaped = []
    for draft in drafts:
        kept = by_draft.get(id(draft))
        if kept is None:
            shaped.append(_Item(draft.exercise, plan_hard(ctx, draft), 5_000 + draft.order))
            done.append(f"added {draft.exercise.slug} (title or push/pull balance)")
            continue
        if draft.sets != kept.planned.sets:
            done.append(f"{kept.planned.slug}: sets {kept.planned.sets} -> {draft.sets} (balance)")
            kept.planned = kept.planned.model_copy(update={"sets": draft.sets})
        shaped.append(kept)
    for item in items:
        if item not in shaped:
            done.append(f"dropped {item.planned.slug} (push/pull balance)")
    return shaped


def _fill_count(items: list[_Item], ctx: Context, done: list[str]) -> None:
    """Four exercises at least after the drops: the fallback's picks for the session's
    slots, prescribed as the fallback does."""
    used = {i.planned.slug for i in items}
    spine = SpineGuard()
    for item in items:
        spine.take(item.exercise)
    for order, pattern in enumerate(ctx.slot.patterns):
        if len(items) >= EXERCISES[0]:
            return
        exercise = pick(ctx, pattern, used, only=spine.allows)
        if exercise is None:
            continue
        used.add(exercise.slug)
        spine.take(exercise)
        draft = Draft(exercise, 0, order)
        draft.sets = set_range(ctx, draft)[0]
        items.append(_Item(exercise, plan_hard(ctx, draft), 6_000 + order))
        done.append(f"added {exercise.slug} (at least four exercises)")


def _fill_time(items: list[_Item], ctx: Context, focus: str, done: list[str]) -> None:
    """A hard session under ~25 minutes gets more sets, then longer rests, within the
    allowed ranges (a beginner's short list of exercises)."""

    def minutes() -> float:
        seconds = 0.0
        for item in items:
            p = item.planned
            work = (
                (p.reps_min + p.reps_max) / 2 * (1 if item.exercise.is_timed else SECONDS_PER_REP)
            )
            seconds += p.sets * (work + p.rest_seconds)
        return WARMUP_MIN + seconds / 60

    for field_index in (0, 2):  # sets first, then rest
        for item in items:
            if minutes() >= SESSION_MIN_MIN + 1:
                return
            bounds = allowed_ranges(item.exercise, ctx.profile, focus)[field_index]
            name = "sets" if field_index == 0 else "rest_seconds"
            if getattr(item.planned, name) < bounds[1]:
                item.planned = item.planned.model_copy(update={name: bounds[1]})
                done.append(f"{item.planned.slug}: {name} -> {bounds[1]} (session too short)")


def _clamp(value: int, bounds: tuple[int, int]) -> int:
    return min(max(value, bounds[0]), bounds[1])


def _prescribe(item: _Item, ctx: Context, focus: str, done: list[str]) -> None:
    p, e = item.planned, item.exercise
    heavy = (
        heavy_allowed(ctx.profile)
        and is_strength_compound(e)
        and not e.is_timed
        and p.reps_min < table_rows(ctx.profile)[0].reps[0]
        and item.position == 0
    )
    sets, reps, rest = allowed_ranges(e, ctx.profile, focus, heavy=heavy)
    low, high = sorted((p.reps_min, p.reps_max))
    update: dict[str, object] = {
        "sets": _clamp(p.sets, sets),
        "reps_min": _clamp(low, reps),
        "reps_max": _clamp(high, reps),
        "rest_seconds": _clamp(p.rest_seconds, rest),
    }
    changed = [k for k, v in update.items() if getattr(p, k) != v]
    if changed:
        done.append(f"{p.slug}: clamped {', '.join(changed)}")
    weight = _weight(item, ctx, (_clamp(low, reps), _clamp(high, reps)))
    if weight != p.weight_kg:
        done.append(f"{p.slug}: weight {p.weight_kg} -> {weight} kg")
        update["weight_kg"] = weight
        item.new_note = True
    item.planned = p.model_copy(update=update)


def _weight(item: _Item, ctx: Context, reps: tuple[int, int]) -> float | None:
    p, e = item.planned, item.exercise
    if e.equipment in HOME_EQUIPMENT or not is_loaded(e) or is_child(ctx.profile):
        return None
    expected = fallback_weight(e, ctx.profile, reps)
    weight = p.weight_kg
    if weight is None:
        if p.notes and "вес" in p.notes.casefold() and not is_placeholder(p.notes):
            return None  # the model explains how to pick the load
        return expected
    limit = load_limit(e, ctx.profile)
    if limit is not None and weight > limit:
        weight = round_to_equipment(e, limit)
    if expected is not None and weight < LOW_LOAD_SHARE * expected:
        weight = expected
    weight = max(weight, empty_implement_kg(e))
    if abs(weight * 2 - round(weight * 2)) > 1e-9:
        weight = round_to_equipment(e, weight)
    return weight


def _order_key(item: _Item) -> tuple[int, bool, int]:
    e = item.exercise
    if e.is_drill:
        kind = Kind.DRILL
    elif e.movement is Movement.CONDITIONING:
        kind = Kind.CONDITIONING
    elif e.movement is Movement.CORE:
        kind = Kind.CORE
    else:
        kind = Kind.COMPOUND if e.is_compound else Kind.ISOLATION
    large = kind is Kind.COMPOUND and not LARGE.isdisjoint(e.primary_muscles)
    return kind, not large, item.position


def _drafts(items: Sequence[_Item], ctx: Context) -> list[Draft]:
    drafts = []
    for order, item in enumerate(items):
        draft = Draft(item.exercise, item.planned.sets, order)
        draft.heavy = order == 0 and item.planned.reps_max <= rules.HEAVY_REPS[1]
        drafts.append(draft)
    return drafts


def _bot_note(item: _Item, draft: Draft, ctx: Context) -> str:
    """The bot's note for the exercise as prescribed: its load (the plan's weight) and
    the effort, like the fallback writes them."""
    p = item.planned
    template = plan_hard(ctx, draft) if ctx.slot.is_hard else plan_light(ctx, draft)
    if p.weight_kg is None or template.weight_kg is None:
        return template.notes or ""
    reps = (p.reps_min, p.reps_max)
    head = load_note(item.exercise, p.weight_kg, False, reps, ctx.rir)
    effort = f"Оставляй {ctx.rir[0]}–{ctx.rir[1]} повтора в запасе."
    return f"{head} {effort}"[:NOTES_LIMIT]


def _unsafe(text: str, ctx: Context) -> bool:
    return unsafe_text(text, ctx.profile)


def unsafe_text(text: str, profile: TrainingProfile) -> bool:
    """Failure sets or a max test for a beginner or a minor; a calorie deficit for a minor."""
    cautious = profile.level.value == "beginner" or profile.is_minor
    if cautious and (FAILURE.search(text.casefold()) or MAX_TEST.search(text)):
        return True
    return profile.is_minor and bool(DEFICIT.search(text))


def _texts(
    plan: WorkoutPlan, items: list[_Item], ctx: Context, kinds: set[K], done: list[str]
) -> WorkoutPlan:
    drafts = _drafts(items, ctx)
    exercises = []
    for item, draft in zip(items, drafts, strict=True):
        note = item.planned.notes
        needs_note = (
            item.new_note
            or is_placeholder(note)
            or _unsafe(note or "", ctx)
            or (K.EFFORT in kinds and "запас" not in (note or ""))
        )
        if needs_note:
            note = _bot_note(item, draft, ctx)
            done.append(f"{item.planned.slug}: the bot's note")
        exercises.append(item.planned.model_copy(update={"notes": note}))
    rationale = plan.rationale
    extra = CARDIO_FINISHER if K.CONDITIONING in kinds else None
    if is_placeholder(rationale) or _unsafe(rationale, ctx) or extra:
        rationale = rationale_text(ctx, drafts, extra)
        done.append("the bot's rationale")
    warmup = plan.warmup
    warmup_kinds = {K.WARMUP, K.WARMUP_WEIGHT, K.SUPERVISION}
    first = next((d.exercise for d in drafts if is_strength_compound(d.exercise)), None)
    names_first = first is None or first.name.casefold() in warmup.casefold()
    if is_placeholder(warmup) or _unsafe(warmup, ctx) or kinds & warmup_kinds or not names_first:
        # A changed exercise list may change the first lift the warm-up names.
        warmup = warmup_text(ctx, drafts, exercises)
        done.append("the bot's warm-up")
    title = plan.title
    if is_placeholder(title) or K.TITLE_CONTENT in kinds:
        # The content now keeps the focus' promise: so does the title.
        title = TITLES.get(plan.focus, title)
        done.append("the bot's title")
    return WorkoutPlan(
        focus=plan.focus,
        title=title[: TEXT_LIMITS["title"]],
        rationale=rationale[: TEXT_LIMITS["rationale"]],
        warmup=warmup[: TEXT_LIMITS["warmup"]],
        exercises=exercises,
    )
