"""Logging results during a workout: one transaction per tap, at most two statements.

Every method takes what the screen knows (Telegram id, workout id, position) and reads the
workout through `Workouts.view`, the read the re-rendered window needs anyway, which also
proves the workout is the user's. After a write the view kept for the update is patched
in memory, so the window does not read it again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from enum import StrEnum
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.db.enums import SessionEffort
from trainer_bot.db.models import MAX_LOGGED_SETS
from trainer_bot.queries import results as result_queries
from trainer_bot.queries.results import NewSet, StoredSet
from trainer_bot.services.views import (
    ExerciseResult,
    ExerciseView,
    LoggedSet,
    LogState,
    WorkoutView,
)
from trainer_bot.services.workouts import Clock
from trainer_bot.training.set_entry import SetEntry


class LogOutcome(StrEnum):
    LOGGED = "logged"
    NOT_FOUND = "not_found"  # not the user's workout, or no such exercise
    CLOSED = "closed"  # the workout was replaced by a newer one
    TOO_MANY = "too_many"  # more than MAX_LOGGED_SETS sets
    CHANGED = "changed"  # undo: the exercise is no longer as the undone tap left it


class WorkoutViews(Protocol):
    """What Results needs from the update's `Workouts`: its per-update views."""

    async def view(self, telegram_id: int, workout_id: int) -> WorkoutView | None: ...

    def remember(self, telegram_id: int, view: WorkoutView) -> None: ...

    def forget(self, telegram_id: int, workout_id: int) -> None: ...


class Results:
    """Results within one update, bound to its session."""

    __slots__ = ("_clock", "_session", "_workouts")

    def __init__(self, session: AsyncSession, workouts: WorkoutViews, clock: Clock) -> None:
        self._session = session
        self._workouts = workouts
        self._clock = clock

    async def _target(
        self, telegram_id: int, workout_id: int, position: int
    ) -> tuple[WorkoutView, ExerciseView] | LogOutcome:
        view = await self._workouts.view(telegram_id, workout_id)
        item = view.exercise_at(position) if view is not None else None
        if view is None or item is None:
            return LogOutcome.NOT_FOUND
        if not view.loggable:
            return LogOutcome.CLOSED
        return view, item

    def _patch(self, telegram_id: int, view: WorkoutView, item: ExerciseView) -> None:
        exercises = tuple(item if e.position == item.position else e for e in view.exercises)
        self._workouts.remember(telegram_id, dataclasses.replace(view, exercises=exercises))

    async def log_as_written(self, telegram_id: int, workout_id: int, position: int) -> LogOutcome:
        """«✅ Сделал как написано»: every set at the target reps and the planned weight."""
        target = await self._target(telegram_id, workout_id, position)
        if isinstance(target, LogOutcome):
            return target
        _, item = target
        entry = SetEntry((item.reps_min,) * item.sets, item.weight_kg)
        return await self.log_entry(telegram_id, workout_id, position, entry)

    async def log_entry(
        self, telegram_id: int, workout_id: int, position: int, entry: SetEntry
    ) -> LogOutcome:
        """A typed line (or «as written»): several sets replace the exercise's log (two
        statements: the extra sets removed, the rest upserted); one set is added after
        the logged ones (one statement)."""
        target = await self._target(telegram_id, workout_id, position)
        if isinstance(target, LogOutcome):
            return target
        view, item = target
        first = len(item.logged) + 1 if entry.append else 1
        if first - 1 + len(entry.reps) > MAX_LOGGED_SETS:
            return LogOutcome.TOO_MANY
        sets = [
            NewSet(first + index, reps, entry.weight_kg) for index, reps in enumerate(entry.reps)
        ]
        return await self._write(telegram_id, view, item, sets, replace=not entry.append)

    async def log_set(
        self,
        telegram_id: int,
        workout_id: int,
        position: int,
        set_number: int,
        reps: int,
        weight_kg: float | None,
    ) -> LogOutcome:
        """«➕ Подход N»: the button carries N, so a double tap writes set N once."""
        target = await self._target(telegram_id, workout_id, position)
        if isinstance(target, LogOutcome):
            return target
        view, item = target
        if not 1 <= set_number <= MAX_LOGGED_SETS:
            return LogOutcome.TOO_MANY
        if any(logged.set_number == set_number for logged in item.logged):
            return LogOutcome.LOGGED  # the second tap of a double tap
        new = NewSet(set_number, reps, weight_kg)
        now = self._clock()
        await result_queries.upsert_sets(
            self._session,
            workout_exercise_id=item.workout_exercise_id,
            user_id=view.user_id,
            exercise_id=item.exercise_id,
            sets=[new],
            logged_at=now,
            overwrite=False,
        )
        await self._session.commit()
        added = LoggedSet(new.set_number, new.reps, new.weight_kg, now)
        logged = tuple(sorted((*item.logged, added), key=_number))
        self._patch(telegram_id, view, dataclasses.replace(item, logged=logged))
        return LogOutcome.LOGGED

    async def _write(
        self,
        telegram_id: int,
        view: WorkoutView,
        item: ExerciseView,
        sets: Sequence[NewSet],
        *,
        replace: bool,
    ) -> LogOutcome:
        now = self._clock()
        if replace:
            # One statement on PostgreSQL, also when fewer sets replace more.
            await result_queries.replace_sets(
                self._session,
                workout_exercise_id=item.workout_exercise_id,
                user_id=view.user_id,
                exercise_id=item.exercise_id,
                sets=[StoredSet(s.set_number, s.reps, s.weight_kg, now) for s in sets],
            )
        else:
            await result_queries.upsert_sets(
                self._session,
                workout_exercise_id=item.workout_exercise_id,
                user_id=view.user_id,
                exercise_id=item.exercise_id,
                sets=sets,
                logged_at=now,
                overwrite=True,
            )
        await self._session.commit()
        kept = () if replace else tuple(s for s in item.logged if s.set_number < sets[0].set_number)
        logged = (*kept, *(LoggedSet(new.set_number, new.reps, new.weight_kg, now) for new in sets))
        self._patch(telegram_id, view, dataclasses.replace(item, logged=logged))
        return LogOutcome.LOGGED

    async def skip(self, telegram_id: int, workout_id: int, position: int) -> LogOutcome:
        """«Пропустить»: the exercise is marked skipped and its logs removed."""
        target = await self._target(telegram_id, workout_id, position)
        if isinstance(target, LogOutcome):
            return target
        view, item = target
        if item.result is ExerciseResult.SKIPPED:
            return LogOutcome.LOGGED
        # The flag set and the logs removed: one statement on PostgreSQL.
        await result_queries.replace_sets(
            self._session,
            workout_exercise_id=item.workout_exercise_id,
            user_id=view.user_id,
            exercise_id=item.exercise_id,
            sets=[],
            skipped=True,
        )
        await self._session.commit()
        self._patch(telegram_id, view, dataclasses.replace(item, skipped=True, logged=()))
        return LogOutcome.LOGGED

    async def undo(
        self, telegram_id: int, workout_id: int, position: int, top_set: int
    ) -> LogOutcome:
        """«↩️ Отменить»: removes what the last tap wrote (the sets logged together with
        set `top_set`, the top set the pressed button showed); un-skips a skipped one."""
        target = await self._target(telegram_id, workout_id, position)
        if isinstance(target, LogOutcome):
            return target
        view, item = target
        if item.logged:
            top = next((s for s in item.logged if s.set_number == top_set), None)
            if top is None:
                return LogOutcome.LOGGED  # already undone (a double tap)
            await result_queries.delete_last_entry(self._session, item.workout_exercise_id, top_set)
            await self._session.commit()
            # The same rule as the DELETE: the sets up to the top one written with it.
            kept = tuple(
                s for s in item.logged if s.set_number > top_set or s.logged_at != top.logged_at
            )
            self._patch(telegram_id, view, dataclasses.replace(item, logged=kept))
        elif item.skipped:
            await result_queries.set_skipped(self._session, item.workout_exercise_id, False)
            await self._session.commit()
            self._patch(telegram_id, view, dataclasses.replace(item, skipped=False))
        return LogOutcome.LOGGED

    async def restore(
        self, telegram_id: int, workout_id: int, position: int, before: LogState, after: LogState
    ) -> LogOutcome:
        """«↩️ Отменить» of a tap the screen remembers: the exercise goes back to `before`
        exactly (sets a typed line replaced come back, a skip is lifted and the sets it
        removed return), in one statement on PostgreSQL. Only while the exercise is still
        as that tap left it (`after`); else CHANGED and nothing is written."""
        target = await self._target(telegram_id, workout_id, position)
        if isinstance(target, LogOutcome):
            return target
        view, item = target
        if not item.log_state.same_as(after):
            return LogOutcome.CHANGED
        now = self._clock()
        sets = [
            StoredSet(s.set_number, s.reps, s.weight_kg, s.logged_at or now) for s in before.logged
        ]
        await result_queries.replace_sets(
            self._session,
            workout_exercise_id=item.workout_exercise_id,
            user_id=view.user_id,
            exercise_id=item.exercise_id,
            sets=sets,
            skipped=before.skipped,
        )
        await self._session.commit()
        restored = tuple(LoggedSet(s.set_number, s.reps, s.weight_kg, s.logged_at) for s in sets)
        self._patch(
            telegram_id, view, dataclasses.replace(item, logged=restored, skipped=before.skipped)
        )
        return LogOutcome.LOGGED

    async def rest_as_written(self, telegram_id: int, workout_id: int) -> LogOutcome:
        """«Остальное — как написано»: every exercise with no result gets its planned sets,
        in one statement. Said by the user, so it is a real result, not an invention."""
        view = await self._workouts.view(telegram_id, workout_id)
        if view is None:
            return LogOutcome.NOT_FOUND
        if not view.loggable:
            return LogOutcome.CLOSED
        pending = [e for e in view.exercises if e.result is ExerciseResult.UNKNOWN]
        if pending:
            await result_queries.insert_planned_sets(
                self._session,
                [
                    (e.workout_exercise_id, e.exercise_id, e.sets, e.reps_min, e.weight_kg)
                    for e in pending
                ],
                user_id=view.user_id,
                logged_at=self._clock(),
            )
            await self._session.commit()
            self._workouts.forget(telegram_id, workout_id)
        return LogOutcome.LOGGED

    async def set_effort(
        self, telegram_id: int, workout_id: int, effort: SessionEffort
    ) -> LogOutcome:
        """«Как прошло?»: answered once, for a completed workout."""
        view = await self._workouts.view(telegram_id, workout_id)
        if view is None:
            return LogOutcome.NOT_FOUND
        await result_queries.set_effort(self._session, workout_id, view.user_id, effort.value)
        await self._session.commit()
        if view.effort is None:
            self._workouts.remember(telegram_id, dataclasses.replace(view, effort=effort))
        return LogOutcome.LOGGED


def _number(logged: LoggedSet) -> int:
    return logged.set_number
