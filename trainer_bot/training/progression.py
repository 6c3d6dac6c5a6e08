"""The progression engine: the next prescription of each exercise from the user's logs.

Pure functions, no I/O. Both generators' plans go through `apply_progression` after
generation and before saving, so for an exercise the user has logged the load and the
reps come from here (whatever the LLM wrote), with a short "why" for the screen:
- double progression: every set at the top of the rep range -> the smallest real load
  step (`increments.load_step`) and back to the bottom of the range; else one more rep;
- two failed sessions in a row (a set below the bottom of the range) -> about 10% off
  (a deload) and build back;
- session effort: «Тяжело» -> a set fewer and no load added; «Легко» -> a set more;
- bodyweight exercises climb their ladder (`ladders`), then add reps with a slow tempo;
- the main lifts of a session focus are kept for a block of `BLOCK_DAYS`, while the
  accessories rotate.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.db.enums import HOME_EQUIPMENT, SessionEffort
from trainer_bot.formatting import format_kg
from trainer_bot.training import rules
from trainer_bot.training.increments import load_step, round_to_step
from trainer_bot.training.ladders import harder, ladder_of, rung_of
from trainer_bot.training.plan import PlannedExercise, WorkoutPlan
from trainer_bot.training.schemas import PastWorkout

DELOAD_FACTOR: Final = 0.9
# A block of main lifts per session focus lasts 4-6 weeks: kept until this age.
BLOCK_DAYS: Final = 42
# Main lifts: the compound exercises among the first positions of a session.
MAIN_POSITIONS: Final = 2
MIN_SETS: Final = 2
MAX_SETS: Final = 5
# Reps (seconds) a bodyweight exercise at the top of its ladder may grow to.
MAX_BODYWEIGHT_REPS: Final = 30
MAX_TIMED_SECONDS: Final = 180
TIMED_STEP: Final = 5
FIRST_TIME_LOADED: Final = "Первый раз — начни с этого веса и запиши, как пошло."
FIRST_TIME_BODYWEIGHT: Final = "Первый раз — сделай сколько получится и запиши, как пошло."
FIRST_TIMES: Final = frozenset({FIRST_TIME_LOADED, FIRST_TIME_BODYWEIGHT})
LIGHT_DAY: Final = "Лёгкий день — без прибавок, работай в удовольствие."


@dataclass(frozen=True, slots=True)
class LoggedSession:
    """One exercise as logged in one workout, with what that workout prescribed."""

    performed_at: datetime
    reps: tuple[int, ...]
    weights: tuple[float | None, ...]
    reps_min: int
    reps_max: int
    effort: SessionEffort | None = None

    @property
    def working_weight(self) -> float | None:
        """The weight most sets were done with (the heavier one on a tie)."""
        counted = Counter(w for w in self.weights if w)
        if not counted:
            return None
        return max(counted, key=lambda weight: (counted[weight], weight))


@dataclass(frozen=True, slots=True)
class TrainingHistory:
    """What the engine knows: logged sessions per exercise slug (newest first) and the
    recent workouts (newest first) for the blocks of main lifts."""

    exercises: Mapping[str, Sequence[LoggedSession]] = field(default_factory=dict)
    workouts: Sequence[PastWorkout] = ()


@dataclass(frozen=True, slots=True)
class Progressed:
    """The plan with engine-set loads and reps; per position (in plan order) the "why"
    and the sets of the last time (reps, weight)."""

    plan: WorkoutPlan
    notes: tuple[str, ...]
    previous: tuple[tuple[tuple[int, float | None], ...], ...]


@dataclass(frozen=True, slots=True)
class _Prescription:
    item: PlannedExercise
    note: str


def apply_progression(
    plan: WorkoutPlan,
    history: TrainingHistory,
    allowed: Mapping[str, CatalogueExercise],
    *,
    today: date | None = None,
) -> Progressed:
    """`plan` with the main lifts of the focus's block kept and every exercise prescribed
    from its log. `allowed` is the user's allowed catalogue (a ladder never leaves it)."""
    if plan.focus == rules.FOCUS_LIGHT:
        # The light day is easy on purpose: no added load, no harder variation.
        count = len(plan.exercises)
        return Progressed(plan, (LIGHT_DAY,) * count, ((),) * count)
    plan = keep_main_lifts(plan, history, allowed, today=today)
    items = list(plan.exercises)
    used = {item.slug for item in items}
    progressed: list[PlannedExercise] = []
    notes: list[str] = []
    previous: list[tuple[tuple[int, float | None], ...]] = []
    for item in items:
        exercise = allowed.get(item.slug)
        if exercise is None:  # not ours to judge (the rules check decides about it)
            progressed.append(item)
            notes.append("")
            previous.append(())
            continue
        result = prescribe(item, exercise, history.exercises, allowed, used - {item.slug})
        used.discard(item.slug)
        used.add(result.item.slug)
        prescribed = result.item
        if result.note not in FIRST_TIMES and prescribed.notes and "кг" in prescribed.notes:
            # The generator's «Старт: 40 кг» would contradict the load taken from the log;
            # its effort advice («Оставляй 1–2 повтора в запасе») still holds.
            prescribed = prescribed.model_copy(update={"notes": without_loads(prescribed.notes)})
        progressed.append(prescribed)
        notes.append(result.note)
        sessions = history.exercises.get(result.item.slug, ())
        previous.append(
            tuple(zip(sessions[0].reps, sessions[0].weights, strict=True)) if sessions else ()
        )
    return Progressed(
        plan.model_copy(update={"exercises": progressed}), tuple(notes), tuple(previous)
    )


def prescribe(
    item: PlannedExercise,
    exercise: CatalogueExercise,
    logs: Mapping[str, Sequence[LoggedSession]],
    allowed: Mapping[str, CatalogueExercise],
    taken: set[str],
) -> _Prescription:
    """The next prescription of one planned exercise."""
    if exercise.equipment in HOME_EQUIPMENT:
        return _bodyweight(item, exercise, logs, allowed, taken)
    sessions = logs.get(item.slug, ())
    if not sessions:
        return _Prescription(item, FIRST_TIME_LOADED)
    return _loaded(item, exercise, sessions)


def _loaded(
    item: PlannedExercise, exercise: CatalogueExercise, sessions: Sequence[LoggedSession]
) -> _Prescription:
    last = sessions[0]
    weight = last.working_weight
    low, high = item.reps_min, item.reps_max
    if weight is None:  # logged without a weight: start from the plan's
        return _Prescription(item, FIRST_TIME_LOADED)
    step = load_step(exercise.equipment, exercise.is_compound) or 2.5
    at_weight = [r for r, w in zip(last.reps, last.weights, strict=True) if w == weight]
    sets = _sets_after(item.sets, last.effort)
    done = ", ".join(str(r) for r in last.reps)
    if _failed_twice(sessions, low, weight):
        new = min(round_to_step(weight * DELOAD_FACTOR, step), max(step, weight - step))
        note = (
            f"{format_kg(new)} кг — −{format_kg(weight - new)} кг: два раза подряд "
            f"меньше {low} повторов, снижаем и набираем заново"
        )
        return _Prescription(_with(item, weight=new, reps=(low, high), sets=sets), note)
    # A lone logged set of three proves little: the top counts from two sets on.
    if all(r >= high for r in at_weight) and len(at_weight) >= min(item.sets, MIN_SETS):
        if last.effort is SessionEffort.HARD:
            note = f"{format_kg(weight)} кг — без прибавки: в прошлый раз было тяжело"
            return _Prescription(_with(item, weight=weight, reps=(low, high), sets=sets), note)
        new = weight + step
        note = f"{format_kg(new)} кг — +{format_kg(step)} кг: в прошлый раз все подходы по {high}"
        return _Prescription(_with(item, weight=new, reps=(low, high), sets=sets), note)
    if _failed(last, low):
        note = f"{format_kg(weight)} кг — держим вес: в прошлый раз {done}, цель — {low}"
        return _Prescription(_with(item, weight=weight, reps=(low, high), sets=sets), note)
    target = min(high, min(at_weight or last.reps) + 1)
    note = f"{format_kg(weight)} кг — цель {target} повт.: в прошлый раз {done}"
    return _Prescription(_with(item, weight=weight, reps=(target, high), sets=sets), note)


def _bodyweight(
    item: PlannedExercise,
    exercise: CatalogueExercise,
    logs: Mapping[str, Sequence[LoggedSession]],
    allowed: Mapping[str, CatalogueExercise],
    taken: set[str],
) -> _Prescription:
    # The highest rung of this ladder the user has logged is where they are now, whichever
    # rung the generator planned: nobody is sent back to knee push-ups after push-ups.
    slug = item.slug
    logged_rungs = [
        rung
        for rung in ladder_of(slug)
        if logs.get(rung) and rung in allowed and (rung == slug or rung not in taken)
    ]
    if logged_rungs:
        slug = max(logged_rungs, key=rung_of)
    sessions = logs.get(slug, ())
    current = item.model_copy(update={"slug": slug, "weight_kg": None})
    if not sessions:
        return _Prescription(current, FIRST_TIME_BODYWEIGHT)
    last = sessions[0]
    low, high = item.reps_min, item.reps_max
    sets = _sets_after(item.sets, last.effort)
    done = ", ".join(str(r) for r in last.reps)
    if all(r >= high for r in last.reps) and last.effort is not SessionEffort.HARD:
        up = harder(slug, set(allowed) - taken)
        if up is not None:
            name = allowed[up].name
            note = f"Новая ступень — «{name}»: в прошлый раз все подходы по {high}"
            moved = current.model_copy(update={"slug": up})
            return _Prescription(_with(moved, weight=None, reps=(low, high), sets=sets), note)
        timed = exercise.is_timed and slug == item.slug
        limit = MAX_TIMED_SECONDS if timed else MAX_BODYWEIGHT_REPS
        grow = TIMED_STEP if timed else 2
        new_low, new_high = min(limit, high), min(limit, high + grow)
        note = (
            f"Цель {new_low}–{new_high}, опускайся медленно, на 3 счёта: "
            f"в прошлый раз все подходы по {high}"
        )
        return _Prescription(_with(current, weight=None, reps=(new_low, new_high), sets=sets), note)
    target = min(high, max(low, min(last.reps) + 1))
    if last.effort is SessionEffort.HARD:
        target = max(low, min(last.reps))
    note = f"Цель {target} повт. в подходе: в прошлый раз {done}"
    return _Prescription(_with(current, weight=None, reps=(target, high), sets=sets), note)


def _failed(session: LoggedSession, low: int) -> bool:
    return any(r < low for r in session.reps)


def _failed_twice(sessions: Sequence[LoggedSession], low: int, weight: float) -> bool:
    """The last two sessions both fell short at this load (not after an increase)."""
    if len(sessions) < 2 or not (_failed(sessions[0], low) and _failed(sessions[1], low)):
        return False
    return (sessions[1].working_weight or 0) >= weight


def _sets_after(sets: int, effort: SessionEffort | None) -> int:
    if effort is SessionEffort.HARD:
        return max(MIN_SETS, min(sets, MAX_SETS) - 1)
    if effort is SessionEffort.EASY:
        return min(MAX_SETS, sets + 1)
    return sets


def _with(
    item: PlannedExercise, *, weight: float | None, reps: tuple[int, int], sets: int
) -> PlannedExercise:
    low, high = reps
    return item.model_copy(
        update={
            "weight_kg": weight,
            "reps_min": min(low, high),
            "reps_max": max(low, high),
            "sets": sets,
        }
    )


def keep_main_lifts(
    plan: WorkoutPlan,
    history: TrainingHistory,
    allowed: Mapping[str, CatalogueExercise],
    *,
    today: date | None = None,
) -> WorkoutPlan:
    """The plan with its main lifts (the compound ones among the first
    `MAIN_POSITIONS`) replaced by the last same-focus session's main lift of the same
    movement pattern while that lift's block is younger than `BLOCK_DAYS`."""
    items = list(plan.exercises)
    warmup = plan.warmup
    same_focus = [w for w in history.workouts if w.focus == plan.focus and w.exercise_slugs]
    if not same_focus:
        return plan
    last = same_focus[0]
    now = today or last.received_at.date()
    for index, item in enumerate(items[:MAIN_POSITIONS]):
        planned = allowed.get(item.slug)
        if planned is None or not planned.is_compound:
            continue
        kept = _block_lift(last, planned, allowed)
        if kept is None or kept == item.slug or kept in {i.slug for i in items}:
            continue
        if not _has_working_load(history, allowed[kept]):
            # Nothing logged to progress from: the slot's load and note belong to the
            # generator's own choice, so its choice stays (a new block starts).
            continue
        started = _block_start(same_focus, kept)
        if (now - started).days >= BLOCK_DAYS:
            continue  # the block is over: the generator's fresh choice starts a new one
        items[index] = item.model_copy(update={"slug": kept, "notes": without_loads(item.notes)})
        # The warm-up names the first lift: it now names the kept one.
        warmup = warmup.replace(planned.name, allowed[kept].name)
    return plan.model_copy(update={"exercises": items, "warmup": warmup})


def _has_working_load(history: TrainingHistory, exercise: CatalogueExercise) -> bool:
    sessions = history.exercises.get(exercise.slug, ())
    if not sessions:
        return False
    return exercise.equipment in HOME_EQUIPMENT or sessions[0].working_weight is not None


def without_loads(note: str | None) -> str | None:
    """The sentences of a generator's note that name no load (its effort advice), or None."""
    if not note:
        return None
    kept = [part for part in re.split(r"(?<=[.!])\s+", note.strip()) if "кг" not in part]
    return " ".join(kept) or None


def _block_lift(
    last: PastWorkout, planned: CatalogueExercise, allowed: Mapping[str, CatalogueExercise]
) -> str | None:
    for slug in last.exercise_slugs[:MAIN_POSITIONS]:
        previous = allowed.get(slug)
        if previous is not None and previous.is_compound and previous.movement == planned.movement:
            return slug
    return None


def _block_start(same_focus: Sequence[PastWorkout], slug: str) -> date:
    """The first session of the unbroken run of same-focus sessions led by `slug`."""
    started = same_focus[0].received_at.date()
    for workout in same_focus:
        if slug not in workout.exercise_slugs[:MAIN_POSITIONS]:
            break
        started = workout.received_at.date()
    return started


def main_lift_lines(
    history: TrainingHistory, focus: str, allowed: Mapping[str, CatalogueExercise]
) -> list[str]:
    """For the LLM prompt: the last results of the focus's main lifts, a few short lines."""
    same_focus = [w for w in history.workouts if w.focus == focus and w.exercise_slugs]
    if not same_focus:
        return []
    lines = []
    for slug in same_focus[0].exercise_slugs[:MAIN_POSITIONS]:
        sessions = history.exercises.get(slug)
        if not sessions or slug not in allowed:
            continue
        last = sessions[0]
        weight = last.working_weight
        load = f"{format_kg(weight)} kg x " if weight else ""
        lines.append(f"- {slug}: {load}{', '.join(str(r) for r in last.reps)}")
    return lines


def main_lift_hint(lines: Sequence[str]) -> str:
    """`main_lift_lines` as a sentence appended to the prompt's session plan."""
    if not lines:
        return ""
    return (
        " Last results of this focus's main lifts (keep these lifts; their load and reps "
        "are set from the log): " + "; ".join(line.removeprefix("- ") for line in lines) + "."
    )
