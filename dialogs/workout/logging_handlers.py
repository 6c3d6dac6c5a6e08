"""Logging results on the exercise screen and answering «Как прошло?». Each tap is one
service call: one transaction, at most two SQL statements (see services/results.py)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Select

from dialogs.common import ERROR_KEY
from dialogs.workout import undo_log
from dialogs.workout.keys import (
    DRAFTS,
    EFFORT,
    JUST_COMPLETED,
    POSITION,
    REST_LOGGED,
    WORKOUT_ID,
)
from dialogs.workout.logging_fields import (
    REPS_DOWN,
    REPS_UP,
    WEIGHT_DOWN,
    WEIGHT_UP,
    draft_of,
    weight_step,
)
from trainer_bot.db.enums import SessionEffort
from trainer_bot.services.bot_services import services_of
from trainer_bot.services.results import LogOutcome
from trainer_bot.services.views import ExerciseView
from trainer_bot.training.set_entry import MAX_SETS, EntryError, parse_set_entry

logger = logging.getLogger(__name__)

CLOSED_TEXT = "Эту тренировку уже заменила новая — записывать результат некуда."
TOO_MANY_TEXT = f"В одном упражнении я записываю не больше {MAX_SETS} подходов."
NOT_TEXT = "Напиши подходы цифрами: например, <code>8 8 7</code> или <code>60x8</code>."
MAX_DRAFT_WEIGHT = 500.0
MAX_DRAFT_REPS = 300
EFFORTS = frozenset(effort.value for effort in SessionEffort)


async def _current(manager: DialogManager, telegram_id: int) -> tuple[int, ExerciseView] | None:
    """The workout id and the exercise the screen shows (None when the workout is gone)."""
    workout_id = manager.dialog_data.get(WORKOUT_ID)
    if not isinstance(workout_id, int):
        return None
    workout = await services_of(manager).workouts.view(telegram_id, workout_id)
    if workout is None or not workout.exercises:
        return None
    wanted = manager.dialog_data.get(POSITION)
    position = workout.nearest_position(int(wanted) if wanted is not None else None)
    item = workout.exercise_at(position)
    return (workout_id, item) if item is not None else None


async def _report(manager: DialogManager, outcome: LogOutcome) -> None:
    """A refusal shown on the screen; success clears the last warning."""
    messages = {
        LogOutcome.CLOSED: CLOSED_TEXT,
        LogOutcome.TOO_MANY: TOO_MANY_TEXT,
        LogOutcome.NOT_FOUND: "Эта тренировка больше недоступна.",
        LogOutcome.CHANGED: "Это упражнение уже изменилось — отменять нечего.",
    }
    if outcome is LogOutcome.LOGGED:
        manager.dialog_data.pop(ERROR_KEY, None)
    else:
        manager.dialog_data[ERROR_KEY] = messages[outcome]


async def _log_on_screen(
    manager: DialogManager,
    telegram_id: int,
    write: Callable[[int, ExerciseView], Awaitable[LogOutcome | None]],
    *,
    forget_draft: bool = True,
    remember: bool = True,
) -> None:
    """One logging tap on the exercise the screen shows: the service call (one
    transaction), then its answer on the screen. `write` returns None when it wrote
    nothing and said why itself. A tap that changed the exercise is remembered for
    «↩️ Отменить» (`remember`; undo itself is not)."""
    current = await _current(manager, telegram_id)
    if current is None:
        await _report(manager, LogOutcome.NOT_FOUND)
        return
    workout_id, item = current
    outcome = await write(workout_id, item)
    if outcome is None:
        return
    if forget_draft:
        _forget_draft(manager, item.position)
    if remember and outcome is LogOutcome.LOGGED:
        # The update's view was patched by the write: no second read.
        after = await _current(manager, telegram_id)
        if after is not None and after[1].position == item.position:
            undo_log.record(manager.dialog_data, item.position, item.log_state, after[1].log_state)
    await _report(manager, outcome)


def _forget_draft(manager: DialogManager, position: int) -> None:
    drafts = manager.dialog_data.get(DRAFTS)
    if isinstance(drafts, dict):
        drafts.pop(str(position), None)


async def on_as_written(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    telegram_id = callback.from_user.id
    results = services_of(manager).results
    await _log_on_screen(
        manager,
        telegram_id,
        lambda workout_id, item: results.log_as_written(telegram_id, workout_id, item.position),
    )


async def on_step(
    callback: CallbackQuery, widget: Select[str], manager: DialogManager, step: str
) -> None:
    """«−2,5 кг» «+2,5 кг» «−1» «+1»: adjust what «➕ Подход» logs (no database write)."""
    current = await _current(manager, callback.from_user.id)
    if current is None:
        return
    _, item = current
    weight, reps = draft_of(item, manager.dialog_data.get(DRAFTS))
    if step in (WEIGHT_DOWN, WEIGHT_UP) and item.loaded:
        delta = weight_step(item) * (1 if step == WEIGHT_UP else -1)
        weight = min(MAX_DRAFT_WEIGHT, max(0.0, (weight or 0.0) + delta))
    elif step in (REPS_DOWN, REPS_UP):
        reps = min(MAX_DRAFT_REPS, max(1, reps + (1 if step == REPS_UP else -1)))
    else:
        return
    drafts = manager.dialog_data.setdefault(DRAFTS, {})
    drafts[str(item.position)] = [weight or None, reps]


async def on_add_set(
    callback: CallbackQuery, widget: Select[int], manager: DialogManager, set_number: int
) -> None:
    """«➕ Подход N: 60 кг × 8»: the button carries N, so a double tap logs it once."""
    telegram_id = callback.from_user.id
    results = services_of(manager).results
    drafts = manager.dialog_data.get(DRAFTS)

    async def log_set(workout_id: int, item: ExerciseView) -> LogOutcome:
        weight, reps = draft_of(item, drafts)
        return await results.log_set(
            telegram_id, workout_id, item.position, set_number, reps, weight
        )

    # The draft stays: the next set is usually the same weight and reps.
    await _log_on_screen(manager, telegram_id, log_set, forget_draft=False)


async def on_skip(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    telegram_id = callback.from_user.id
    results = services_of(manager).results
    await _log_on_screen(
        manager,
        telegram_id,
        lambda workout_id, item: results.skip(telegram_id, workout_id, item.position),
    )


async def on_undo(
    callback: CallbackQuery, widget: Select[str], manager: DialogManager, token: str
) -> None:
    """«↩️ Отменить»: the exercise goes back to what it was before the last tap (see
    undo_log); a stale button (the second tap of a double tap) does nothing."""
    telegram_id = callback.from_user.id
    results = services_of(manager).results

    async def undo(workout_id: int, item: ExerciseView) -> LogOutcome:
        remembered = undo_log.take(manager.dialog_data, item.position, token)
        if remembered is not None:
            before, after = remembered
            outcome = await results.restore(telegram_id, workout_id, item.position, before, after)
            if outcome is not LogOutcome.CHANGED:
                return outcome
            # Changed since (another screen): the rule for taps the screen did not see.
            undo_log.forget(manager.dialog_data, item.position)
            top = max((s.set_number for s in item.logged), default=0)
        else:
            top_set = undo_log.top_set_of(token)
            if top_set is None:
                return LogOutcome.LOGGED  # a stale button: already undone
            top = top_set
        return await results.undo(telegram_id, workout_id, item.position, top)

    await _log_on_screen(manager, telegram_id, undo, remember=False)


async def on_typed_sets(message: Message, widget: MessageInput, manager: DialogManager) -> None:
    """`8 8 7`, `60 8 8 7`, `60кг 3х10`, `60x8`, `72,5*6`: anything else is explained and
    nothing is saved."""
    if message.from_user is None:
        return
    telegram_id = message.from_user.id
    results = services_of(manager).results
    text = message.text

    async def log_typed(workout_id: int, item: ExerciseView) -> LogOutcome | None:
        if not text:
            manager.dialog_data[ERROR_KEY] = NOT_TEXT
            return None
        weight, _ = draft_of(item, manager.dialog_data.get(DRAFTS))
        entry = parse_set_entry(text, loaded=item.loaded, timed=item.is_timed, weight_kg=weight)
        if isinstance(entry, EntryError):
            manager.dialog_data[ERROR_KEY] = entry.message
            return None
        return await results.log_entry(telegram_id, workout_id, item.position, entry)

    await _log_on_screen(manager, telegram_id, log_typed)


async def on_effort(
    callback: CallbackQuery, widget: Select[str], manager: DialogManager, value: str
) -> None:
    """«Как прошло?»: asked once; the next session's volume or load follows it."""
    workout_id = manager.dialog_data.get(WORKOUT_ID)
    if not isinstance(workout_id, int) or value not in EFFORTS:
        return
    effort = SessionEffort(value)
    await services_of(manager).results.set_effort(callback.from_user.id, workout_id, effort)
    manager.dialog_data[EFFORT] = effort.value
    manager.dialog_data[JUST_COMPLETED] = False


async def on_rest_as_written(
    callback: CallbackQuery, button: Button, manager: DialogManager
) -> None:
    """«✅ Остальное — как написано»: exercises with no result get their planned sets."""
    workout_id = manager.dialog_data.get(WORKOUT_ID)
    if not isinstance(workout_id, int):
        return
    outcome = await services_of(manager).results.rest_as_written(callback.from_user.id, workout_id)
    # aiogram-dialog answers the tap; the result is shown on the screen.
    manager.dialog_data[REST_LOGGED] = (
        "✅ Записал: остальные упражнения — как написано."
        if outcome is LogOutcome.LOGGED
        else f"⚠️ {CLOSED_TEXT}"
    )
