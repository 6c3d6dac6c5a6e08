"""Workout getters: read the workout of dialog_data and render it as text. Read-only."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from aiogram.types import User as TelegramUser
from aiogram_dialog import DialogManager

from dialogs.workout.keys import (
    AVAILABLE_AT,
    COUNTER,
    DESCRIPTION,
    EXERCISES,
    FOUND,
    HAS_NEXT,
    HAS_PREVIOUS,
    HAS_WORKOUT,
    IMAGE_URL,
    INSTRUCTIONS,
    LINES,
    NAME,
    NEXT_TEXT,
    NOTES,
    PLANNED,
    POPULATION_NOTE,
    POSITION,
    PRIMARY,
    RATIONALE,
    SCHEME,
    SECONDARY,
    SOURCE_NOTE,
    STATUS,
    TITLE,
    VIDEO_URL,
    WARMUP,
    WORKOUT_ID,
)
from dialogs.workout.texts import (
    TELEGRAM_TEXT_LIMIT,
    exercise_line,
    load_text,
    muscles_text,
    reps_text,
    rest_text,
    wait_text,
)
from trainer_bot.db.enums import WorkoutSource
from trainer_bot.formatting import shorten, utf16_length
from trainer_bot.services.bot_services import BotServices
from trainer_bot.services.views import WorkoutView

SOURCE_NOTES = {
    WorkoutSource.LLM: "Составлено AI-тренером под твой профиль.",
    WorkoutSource.FALLBACK: "Составлено по моей методике под твой профиль.",
}


async def _workout(
    manager: DialogManager, services: BotServices, telegram_id: int
) -> WorkoutView | None:
    workout_id = manager.dialog_data.get(WORKOUT_ID)
    if not isinstance(workout_id, int):
        return None
    return await services.workouts.view(telegram_id, workout_id)


def _next_text(services: BotServices, moment_iso: str | None) -> str:
    if not moment_iso:
        return "Новую тренировку можно получить уже сейчас."
    moment = datetime.fromisoformat(moment_iso)
    now = services.now()
    if moment <= now:
        return "Новую тренировку можно получить уже сейчас."
    return f"Следующая тренировка — {wait_text(now, moment, services.timezone)}."


async def workout_getter(
    dialog_manager: DialogManager,
    services: BotServices,
    event_from_user: TelegramUser,
    **_: Any,
) -> dict[str, Any]:
    workout = await _workout(dialog_manager, services, event_from_user.id)
    if workout is None:
        return {FOUND: False, EXERCISES: [], PLANNED: False, POPULATION_NOTE: None}
    return {
        FOUND: True,
        TITLE: escape(workout.title),
        STATUS: workout.status.value,
        RATIONALE: escape(workout.rationale),
        WARMUP: escape(workout.warmup),
        SOURCE_NOTE: SOURCE_NOTES.get(workout.source, ""),
        POPULATION_NOTE: workout.population_note,
        LINES: "\n".join(exercise_line(item) for item in workout.exercises),
        EXERCISES: [(item.position, f"{item.position}. {item.name}") for item in workout.exercises],
        PLANNED: workout.planned,
    }


# Labels, emoji and line breaks the exercise window adds around the getter's values.
EXERCISE_WINDOW_LABELS = 160


def _shorten(text: str, budget: int) -> str:
    return shorten(text, budget, measure=utf16_length)


async def exercise_getter(
    dialog_manager: DialogManager,
    services: BotServices,
    event_from_user: TelegramUser,
    **_: Any,
) -> dict[str, Any]:
    workout = await _workout(dialog_manager, services, event_from_user.id)
    if workout is None or not workout.exercises:
        return {FOUND: False, VIDEO_URL: "https://www.youtube.com", IMAGE_URL: None}
    positions = workout.positions
    wanted = dialog_manager.dialog_data.get(POSITION)
    # Handlers keep the stored position in range; this only reads it.
    position = workout.nearest_position(int(wanted) if wanted is not None else None)
    item = workout.exercises[positions.index(position)]
    fields = {
        NAME: item.name,
        COUNTER: f"{position} из {len(positions)}",
        SCHEME: f"{reps_text(item)} · {load_text(item)} · отдых {rest_text(item.rest_seconds)}",
        NOTES: item.notes or "",
        DESCRIPTION: item.description,
        PRIMARY: muscles_text(item.primary_muscles),
        SECONDARY: muscles_text(item.secondary_muscles),
    }
    # The instructions give way so the whole message fits Telegram's limit; shortened
    # before escaping, so an HTML entity is never cut in half.
    budget = (
        TELEGRAM_TEXT_LIMIT
        - EXERCISE_WINDOW_LABELS
        - sum(utf16_length(value) for value in fields.values())
    )
    fields[INSTRUCTIONS] = _shorten(item.instructions, budget)
    return {
        FOUND: True,
        **{key: escape(value) for key, value in fields.items()},
        VIDEO_URL: item.video_url,
        IMAGE_URL: item.image_url,
        HAS_PREVIOUS: position > positions[0],
        HAS_NEXT: position < positions[-1],
    }


async def done_getter(
    dialog_manager: DialogManager, services: BotServices, **_: Any
) -> dict[str, Any]:
    return {NEXT_TEXT: _next_text(services, dialog_manager.dialog_data.get(AVAILABLE_AT))}


async def cooldown_getter(
    dialog_manager: DialogManager, services: BotServices, **_: Any
) -> dict[str, Any]:
    return {
        NEXT_TEXT: _next_text(services, dialog_manager.dialog_data.get(AVAILABLE_AT)),
        HAS_WORKOUT: isinstance(dialog_manager.dialog_data.get(WORKOUT_ID), int),
    }
