"""What the exercise screen shows and offers for logging results. Read-only helpers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dialogs.workout.keys import (
    ADD_SET_ITEMS,
    CAN_SKIP,
    LAST_TEXT,
    LOGGABLE,
    RESULT_TEXT,
    STEP_ITEMS,
    UNDO_ITEMS,
    WHY,
)
from dialogs.workout.texts import sets_text
from trainer_bot.formatting import format_kg
from trainer_bot.services.views import ExerciseResult, ExerciseView
from trainer_bot.training.increments import load_step
from trainer_bot.training.set_entry import MAX_SETS as MAX_LOGGED_SETS

WEIGHT_DOWN, WEIGHT_UP, REPS_DOWN, REPS_UP = "w-", "w+", "r-", "r+"


def draft_of(item: ExerciseView, drafts: Mapping[str, Any] | None) -> tuple[float | None, int]:
    """The weight and reps «➕ Подход» logs: adjusted by the user, else the last logged set,
    else the target."""
    stored = (drafts or {}).get(str(item.position))
    if isinstance(stored, list) and len(stored) == 2:
        weight, reps = stored
        return (float(weight) if weight is not None else None), int(reps)
    if item.logged:
        last = item.logged[-1]
        return last.weight_kg, last.reps
    return (item.weight_kg if item.loaded else None), item.reps_min


def weight_step(item: ExerciseView) -> float:
    return load_step(item.equipment, item.is_compound) or 2.5


def logging_texts(item: ExerciseView) -> dict[str, str]:
    """Plain texts (escaped by the getter): why the target, last time, what is logged."""
    unit_timed = item.is_timed
    last = f"В прошлый раз: {sets_text(item.previous, timed=unit_timed)}" if item.previous else ""
    result = {
        ExerciseResult.DONE: f"✅ Записано: {sets_text(item.logged, timed=unit_timed)}",
        ExerciseResult.SKIPPED: "⏭ Пропущено",
        ExerciseResult.UNKNOWN: "",
    }[item.result]
    return {WHY: item.progression_note or "", LAST_TEXT: last, RESULT_TEXT: result}


def logging_buttons(
    item: ExerciseView, loggable: bool, drafts: Any, undo_token: str
) -> dict[str, Any]:
    if not loggable:
        return {LOGGABLE: False, ADD_SET_ITEMS: [], UNDO_ITEMS: [], STEP_ITEMS: [], CAN_SKIP: False}
    weight, reps = draft_of(item, drafts if isinstance(drafts, Mapping) else None)
    next_set = len(item.logged) + 1
    unit = " с" if item.is_timed else ""
    load = f"{format_kg(weight)} кг × " if weight else ""
    add = [(next_set, f"➕ Подход {next_set}: {load}{reps}{unit}")]
    steps = []
    if item.loaded:
        step = format_kg(weight_step(item))
        steps += [(WEIGHT_DOWN, f"−{step} кг"), (WEIGHT_UP, f"+{step} кг")]
    steps += [(REPS_DOWN, "−1 с" if item.is_timed else "−1 повт."), (REPS_UP, "+1")]
    undo = [(undo_token, "↩️ Отменить")] if item.logged or item.skipped else []
    return {
        LOGGABLE: True,
        ADD_SET_ITEMS: add if next_set <= MAX_LOGGED_SETS else [],
        UNDO_ITEMS: undo,
        STEP_ITEMS: steps,
        CAN_SKIP: item.result is not ExerciseResult.SKIPPED,
    }
