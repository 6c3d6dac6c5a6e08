"""Workout getters: read the workout of dialog_data and render it as text."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from aiogram.types import User as TelegramUser
from aiogram_dialog import DialogManager

from dialogs.workout.handlers import AVAILABLE_AT, POSITION, WORKOUT_ID, load_workout
from dialogs.workout.texts import (
    TELEGRAM_TEXT_LIMIT,
    exercise_line,
    load_text,
    muscles_text,
    reps_text,
    rest_text,
    wait_text,
)
from trainer_bot.db.enums import WorkoutStatus
from trainer_bot.db.models import Workout
from trainer_bot.formatting import shorten, utf16_length
from trainer_bot.services.workouts import WorkoutService

SOURCE_NOTE = {
    "llm": "Составлено AI-тренером под твой профиль.",
    "fallback": "Составлено по моей методике под твой профиль.",
}


async def _load_workout(manager: DialogManager, telegram_id: int) -> Workout | None:
    workout_id = manager.dialog_data.get(WORKOUT_ID)
    if not isinstance(workout_id, int):
        return None
    return await load_workout(manager, telegram_id, workout_id)


def _next_text(manager: DialogManager, moment_iso: str | None) -> str:
    service: WorkoutService = manager.middleware_data["workout_service"]
    if not moment_iso:
        return "Новую тренировку можно получить уже сейчас."
    moment = datetime.fromisoformat(moment_iso)
    if moment <= service.now():
        return "Новую тренировку можно получить уже сейчас."
    return f"Следующая тренировка — {wait_text(service.now(), moment, service.timezone)}."


async def workout_getter(
    dialog_manager: DialogManager, event_from_user: TelegramUser, **_: Any
) -> dict[str, Any]:
    workout = await _load_workout(dialog_manager, event_from_user.id)
    if workout is None:
        return {"found": False, "exercises": [], "planned": False}
    status_line = {
        WorkoutStatus.PLANNED.value: "",
        WorkoutStatus.COMPLETED.value: "✅ Выполнена",
        WorkoutStatus.SKIPPED.value: "⏭ Заменена новой тренировкой",
    }[workout.status]
    return {
        "found": True,
        "title": escape(workout.title),
        "rationale": escape(workout.rationale),
        "warmup": escape(workout.warmup),
        "status_line": status_line,
        "source_note": SOURCE_NOTE.get(workout.source, ""),
        "lines": "\n".join(exercise_line(item) for item in workout.exercises),
        "exercises": [
            (item.position, f"{item.position}. {item.exercise.name}") for item in workout.exercises
        ],
        "planned": workout.status == WorkoutStatus.PLANNED.value,
    }


# Labels, emoji and line breaks the exercise window adds around the getter's values.
EXERCISE_WINDOW_LABELS = 160


def _shorten(text: str, budget: int) -> str:
    return shorten(text, budget, measure=utf16_length)


async def exercise_getter(
    dialog_manager: DialogManager, event_from_user: TelegramUser, **_: Any
) -> dict[str, Any]:
    workout = await _load_workout(dialog_manager, event_from_user.id)
    if workout is None or not workout.exercises:
        return {"found": False, "video_url": "https://www.youtube.com", "image_url": None}
    positions = [item.position for item in workout.exercises]
    position = int(dialog_manager.dialog_data.get(POSITION, positions[0]))
    position = min(max(position, positions[0]), positions[-1])
    dialog_manager.dialog_data[POSITION] = position
    item = workout.exercises[positions.index(position)]
    exercise = item.exercise
    fields = {
        "name": exercise.name,
        "counter": f"{position} из {len(positions)}",
        "scheme": f"{reps_text(item)} · {load_text(item)} · отдых {rest_text(item.rest_seconds)}",
        "notes": item.notes or "",
        "description": exercise.description,
        "primary": muscles_text(exercise.primary_muscles),
        "secondary": muscles_text(exercise.secondary_muscles),
    }
    # The instructions give way so the whole message fits Telegram's limit; shortened
    # before escaping, so an HTML entity is never cut in half.
    budget = (
        TELEGRAM_TEXT_LIMIT
        - EXERCISE_WINDOW_LABELS
        - sum(utf16_length(value) for value in fields.values())
    )
    fields["instructions"] = _shorten(exercise.instructions, budget)
    return {
        "found": True,
        **{key: escape(value) for key, value in fields.items()},
        "video_url": exercise.video_url,
        "image_url": exercise.image_url,
        "has_previous": position > positions[0],
        "has_next": position < positions[-1],
    }


async def done_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {"next_text": _next_text(dialog_manager, dialog_manager.dialog_data.get(AVAILABLE_AT))}


async def cooldown_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {
        "next_text": _next_text(dialog_manager, dialog_manager.dialog_data.get(AVAILABLE_AT)),
        "has_workout": isinstance(dialog_manager.dialog_data.get(WORKOUT_ID), int),
    }
