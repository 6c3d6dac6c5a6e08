"""The progress screen, the weight log and the export: bounded reads, plain views."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from typing import Final
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.charts import LIFT_COLOR, WEIGHT_COLOR, Series, render_progress_chart
from trainer_bot.db.enums import Goal
from trainer_bot.db.models import User
from trainer_bot.formatting import format_kg
from trainer_bot.queries import progress as progress_queries
from trainer_bot.queries import users as user_queries
from trainer_bot.services import profile_rules as rules
from trainer_bot.services.users import Users
from trainer_bot.time_zones import resolve_zone
from trainer_bot.training.records import week_start, weekly_streak

# Records are "the best of the last year": the read is bounded whatever the history.
RECORDS_WINDOW: Final = timedelta(days=365)
RECORDS_SHOWN: Final = 8
STREAK_WINDOW: Final = timedelta(weeks=26)
PAGE_SIZE: Final = 5


@dataclass(frozen=True, slots=True)
class ExerciseProgress:
    name: str
    last_sets: tuple[tuple[int, float | None], ...]
    best_one_rep_max: float | None
    best_reps: int


@dataclass(frozen=True, slots=True)
class ProgressView:
    exercises: tuple[ExerciseProgress, ...]
    this_week: int
    per_week: int
    streak_weeks: int
    weight_kg: float
    target_kg: float


@dataclass(frozen=True, slots=True)
class WorkoutEntry:
    id: int
    received_on: date
    title: str
    status: str


@dataclass(frozen=True, slots=True)
class Chart:
    png: bytes
    caption: str


@dataclass(frozen=True, slots=True)
class WeightResult:
    saved: bool
    message: str


class Progress:
    """Progress within one update, bound to its session."""

    __slots__ = ("_clock", "_session", "_timezone", "_users")

    def __init__(
        self,
        session: AsyncSession,
        clock: Callable[[], datetime],
        timezone: ZoneInfo,
        users: Users,
    ) -> None:
        self._session = session
        self._clock = clock
        self._timezone = timezone
        self._users = users

    def _tz(self, user: User) -> tzinfo:
        """The user's own zone: dates are the user's days (`timezone` is the default)."""
        return resolve_zone(user.timezone, self._timezone.key).tz

    def _today(self, user: User) -> date:
        return self._clock().astimezone(self._tz(user)).date()

    async def summary(self, telegram_id: int) -> ProgressView | None:
        """Four statements: the user, the records, their last sets, the completed days."""
        user = await user_queries.get_by_telegram_id(self._session, telegram_id)
        if user is None:
            return None
        now = self._clock()
        records = await progress_queries.exercise_records(
            self._session, user.id, now - RECORDS_WINDOW, RECORDS_SHOWN
        )
        last = await progress_queries.sets_of(
            self._session, [r.last_workout_exercise_id for r in records]
        )
        days = [
            moment.astimezone(self._tz(user)).date()
            for moment in await progress_queries.completed_days(
                self._session, user.id, now - STREAK_WINDOW
            )
        ]
        today = self._today(user)
        return ProgressView(
            exercises=tuple(
                ExerciseProgress(
                    r.name,
                    tuple(last.get(r.last_workout_exercise_id, ())),
                    r.best_one_rep_max,
                    r.best_reps,
                )
                for r in records
            ),
            this_week=sum(1 for day in days if week_start(day) == week_start(today)),
            per_week=user.workout_frequency,
            streak_weeks=weekly_streak(days, user.workout_frequency, today),
            weight_kg=user.current_weight_kg,
            target_kg=user.target_weight_kg,
        )

    async def workouts(self, telegram_id: int, page: int) -> tuple[list[WorkoutEntry], bool]:
        """A page of the user's workouts, newest first, and whether an older page exists."""
        user = await user_queries.get_by_telegram_id(self._session, telegram_id)
        if user is None:
            return [], False
        rows = await progress_queries.workouts_page(
            self._session, user.id, max(0, page) * PAGE_SIZE, PAGE_SIZE + 1
        )
        entries = [
            WorkoutEntry(r.id, r.received_at.astimezone(self._tz(user)).date(), r.title, r.status)
            for r in rows[:PAGE_SIZE]
        ]
        return entries, len(rows) > PAGE_SIZE

    async def record_weight(self, telegram_id: int, text: str | None) -> WeightResult:
        """«⚖️ Записать вес»: today's weight in the history and the profile, then the target
        and BMI rules checked again (a finding is advice; a typo is refused)."""
        try:
            weight = rules.parse_weight(text)
        except ValueError as error:
            return WeightResult(False, str(error))
        user = await user_queries.get_by_telegram_id(self._session, telegram_id)
        if user is None:
            return WeightResult(False, "Сначала заполним анкету.")
        typo = rules.check_body_plausible(user.age, user.height_cm, weight)
        if typo:
            return WeightResult(False, typo)
        await progress_queries.record_body_weight(
            self._session, user.id, self._today(user), weight, self._clock()
        )
        await self._session.commit()
        self._users.forget(telegram_id)  # the profile's current weight changed
        return WeightResult(
            True, _weight_advice(user.goal, user.age, user.height_cm, weight, user.target_weight_kg)
        )

    async def chart(self, telegram_id: int) -> Chart | None:
        """Body weight toward the target and the most recent loaded lift's estimated 1RM
        over the last year; the PNG is rendered in a worker thread, off the event loop."""
        user = await user_queries.get_by_telegram_id(self._session, telegram_id)
        if user is None:
            return None
        now = self._clock()
        today = self._today(user)
        weights = await progress_queries.body_weights_since(
            self._session, user.id, today - RECORDS_WINDOW
        )
        if not weights or weights[-1][0] != today:
            weights.append((today, user.current_weight_kg))
        records = await progress_queries.exercise_records(
            self._session, user.id, now - RECORDS_WINDOW, RECORDS_SHOWN
        )
        loaded = next((r for r in records if r.best_one_rep_max), None)
        sessions = (
            await progress_queries.one_rep_max_by_session(
                self._session, user.id, loaded.exercise_id, now - RECORDS_WINDOW
            )
            if loaded is not None
            else []
        )
        first_day = weights[0][0]
        weight_series = Series(
            [((day - first_day).days, weight) for day, weight in weights],
            WEIGHT_COLOR,
            target=user.target_weight_kg,
        )
        lift_series = None
        caption = (
            f"⚖️ Вес: {format_kg(weights[0][1])} → {format_kg(weights[-1][1])} кг, "
            f"цель {format_kg(user.target_weight_kg)} кг (зелёный пунктир)."
        )
        if loaded is not None and sessions:
            start = sessions[0][0]
            lift_series = Series(
                [((moment - start).total_seconds() / 86400, value) for moment, value in sessions],
                LIFT_COLOR,
            )
            caption += (
                f"\n🏋️ {loaded.name}: оценка 1ПМ по формуле Эпли "
                f"{format_kg(round(sessions[0][1]))} → {format_kg(round(sessions[-1][1]))} кг "
                "(оранжевый)."
            )
        png = await asyncio.to_thread(render_progress_chart, weight_series, lift_series)
        return Chart(png, caption)

    async def export_csv(self, telegram_id: int) -> bytes | None:
        """The user's own history: every logged set, then the weight log (UTF-8 with BOM so
        spreadsheet programs read the Cyrillic)."""
        user = await user_queries.get_by_telegram_id(self._session, telegram_id)
        if user is None:
            return None
        sets = await progress_queries.export_rows(self._session, user.id)
        weights = await progress_queries.body_weights(self._session, user.id)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(
            [
                "kind",
                "date",
                "workout",
                "focus",
                "effort",
                "position",
                "exercise",
                "set",
                "reps",
                "weight_kg",
            ]
        )
        for row in sets:
            writer.writerow(
                [
                    "set",
                    row.logged_at.astimezone(self._tz(user)).date().isoformat(),
                    row.title,
                    row.focus,
                    row.effort or "",
                    row.position,
                    row.exercise,
                    row.set_number,
                    row.reps,
                    "" if row.weight_kg is None else row.weight_kg,
                ]
            )
        for day, weight in weights:
            writer.writerow(["body_weight", day.isoformat(), "", "", "", "", "", "", "", weight])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _weight_advice(goal: str, age: int, height_cm: int, weight: float, target: float) -> str:
    saved = f"Записал: {format_kg(weight)} кг."
    goal_kind = Goal(goal)
    reached = (goal_kind is Goal.WEIGHT_LOSS and weight <= target) or (
        goal_kind is Goal.MASS_GAIN and weight >= target
    )
    if reached:
        return (
            f"{saved} 🎉 Цель {format_kg(target)} кг достигнута! Поставь новую цель в "
            "профиле: «👤 Мой профиль» → «✏️ Изменить анкету»."
        )
    problem = rules.check_goal(goal_kind, age, height_cm, weight) or rules.check_target_weight(
        goal_kind, age, height_cm, weight, target
    )
    if problem:
        return f"{saved} {problem} Обнови анкету в «👤 Мой профиль»."
    left = abs(weight - target)
    return f"{saved} До цели {format_kg(target)} кг — {format_kg(round(left, 1))} кг."
