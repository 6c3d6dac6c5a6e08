"""Progress getters: read-only."""

from __future__ import annotations

from html import escape
from typing import Any

from aiogram.enums import ContentType
from aiogram.types import User as TelegramUser
from aiogram_dialog import DialogManager
from aiogram_dialog.api.entities import MediaAttachment

from dialogs.common import ERROR_KEY
from dialogs.progress.keys import (
    CAPTION,
    CHART,
    CHART_CAPTION,
    CHART_PATH,
    DATES_ZONE,
    FOUND,
    HAS_NEWER,
    HAS_OLDER,
    HAS_RECORDS,
    HEADER,
    LINES,
    NOTICE,
    PAGE,
    RECORDS,
    WEEK_TEXT,
    WEIGHT_TEXT,
    WORKOUT_ID,
    WORKOUTS,
)
from dialogs.sets_text import sets_text
from trainer_bot.chart_files import latest_chart
from trainer_bot.formatting import format_kg, plural
from trainer_bot.services.bot_services import BotServices
from trainer_bot.services.progress import ExerciseProgress
from trainer_bot.services.views import ExerciseResult

STATUS_MARKS = {"completed": "✅", "planned": "🕒", "skipped": "⏭"}


def _record_line(item: ExerciseProgress) -> str:
    last = sets_text(item.last_sets) if item.last_sets else "—"
    if item.best_one_rep_max:
        best = f"1ПМ ≈ {format_kg(round(item.best_one_rep_max * 2) / 2)} кг"
    else:
        best = f"лучший подход — {item.best_reps}"
    return f"• <b>{escape(item.name)}</b>: {last} · {best}"


async def progress_getter(
    dialog_manager: DialogManager,
    services: BotServices,
    event_from_user: TelegramUser,
    **_: Any,
) -> dict[str, Any]:
    view = await services.progress.summary(event_from_user.id)
    notice = dialog_manager.dialog_data.get(NOTICE)
    if view is None:
        return {HAS_RECORDS: False, RECORDS: "", WEEK_TEXT: "", WEIGHT_TEXT: "", NOTICE: notice}
    streak = view.streak_weeks
    week = (
        f"🗓 Эта неделя: {view.this_week} из {view.per_week} "
        f"{plural(view.per_week, 'тренировки', 'тренировок', 'тренировок')}"
        + (
            f" · серия: {streak} {plural(streak, 'неделя', 'недели', 'недель')} подряд"
            if streak
            else ""
        )
    )
    return {
        HAS_RECORDS: bool(view.exercises),
        RECORDS: "\n".join(_record_line(item) for item in view.exercises),
        WEEK_TEXT: week,
        WEIGHT_TEXT: f"⚖️ Вес: {format_kg(view.weight_kg)} кг · цель {format_kg(view.target_kg)} кг",
        NOTICE: notice,
    }


async def workouts_getter(
    dialog_manager: DialogManager,
    services: BotServices,
    event_from_user: TelegramUser,
    **_: Any,
) -> dict[str, Any]:
    page = int(dialog_manager.dialog_data.get(PAGE, 0))
    entries, older = await services.progress.workouts(event_from_user.id, page)
    return {
        WORKOUTS: [
            (
                entry.id,
                f"{STATUS_MARKS.get(entry.status, '')} {entry.received_on:%d.%m} · {entry.title}",
            )
            for entry in entries
        ],
        HAS_NEWER: page > 0,
        HAS_OLDER: older,
        DATES_ZONE: (await services.zone(event_from_user.id)).by,
    }


async def history_workout_getter(
    dialog_manager: DialogManager,
    services: BotServices,
    event_from_user: TelegramUser,
    **_: Any,
) -> dict[str, Any]:
    workout_id = dialog_manager.dialog_data.get(WORKOUT_ID)
    workout = (
        await services.workouts.view(event_from_user.id, workout_id)
        if isinstance(workout_id, int)
        else None
    )
    if workout is None:
        return {FOUND: False, HEADER: "", LINES: ""}
    lines = []
    for item in workout.exercises:
        result = {
            ExerciseResult.DONE: sets_text(
                [(s.reps, s.weight_kg) for s in item.logged], timed=item.is_timed
            ),
            ExerciseResult.SKIPPED: "пропущено",
            ExerciseResult.UNKNOWN: "не записано",
        }[item.result]
        lines.append(f"{item.position}. {escape(item.name)} — {result}")
    effort = {"hard": " · 😮‍💨 тяжело", "normal": " · 👍 нормально", "easy": " · 😎 легко"}
    return {
        FOUND: True,
        HEADER: escape(workout.title) + (effort[workout.effort.value] if workout.effort else ""),
        LINES: "\n".join(lines),
    }


async def weight_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {ERROR_KEY: dialog_manager.dialog_data.get(ERROR_KEY)}


async def chart_getter(
    dialog_manager: DialogManager, event_from_user: TelegramUser, **_: Any
) -> dict[str, Any]:
    """The photo «📉 График» drew; gone after a restart of the bot (then it says so)."""
    path = dialog_manager.dialog_data.get(CHART_PATH)
    latest = latest_chart(event_from_user.id)
    if latest is None or str(latest) != path:
        return {FOUND: False, CHART: None, CAPTION: ""}
    return {
        FOUND: True,
        CHART: MediaAttachment(ContentType.PHOTO, path=path),
        CAPTION: escape(str(dialog_manager.dialog_data.get(CHART_CAPTION, ""))),
    }
