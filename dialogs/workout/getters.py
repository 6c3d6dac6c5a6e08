"""Workout getters: read the workout of dialog_data and render it as text. Read-only."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from aiogram.types import User as TelegramUser
from aiogram_dialog import DialogManager

from dialogs.common import ERROR_KEY
from dialogs.workout import undo_log
from dialogs.workout.keys import (
    ADD_SET_ITEMS,
    ASK_EFFORT,
    AVAILABLE_AT,
    CAN_REBUILD,
    CAN_REST,
    CAN_SKIP,
    CAN_SWAP,
    COUNTER,
    DESCRIPTION,
    DRAFTS,
    EFFORT,
    EFFORT_ITEMS,
    EFFORT_TEXT,
    EXERCISES,
    FOUND,
    HAS_NEXT,
    HAS_PREVIOUS,
    HAS_WORKOUT,
    IMAGE_URL,
    INSTRUCTIONS,
    JUST_COMPLETED,
    LAST_TEXT,
    LINES,
    LOGGABLE,
    NAME,
    NEXT_TEXT,
    NOTES,
    OFFER_REST,
    PLANNED,
    POPULATION_NOTE,
    POSITION,
    PRIMARY,
    PROFILE_CHANGED,
    RATIONALE,
    REST_LINE,
    REST_LOGGED,
    REST_TEXT,
    RESULT_TEXT,
    SCHEME,
    SECONDARY,
    SOURCE_NOTE,
    STATUS,
    STEP_ITEMS,
    SWAPPED_FROM,
    TITLE,
    UNDO_ITEMS,
    VIDEO_URL,
    WARMUP,
    WHY,
    WORKOUT_ID,
    ZONE_UNCHOSEN,
)
from dialogs.workout.logging_fields import logging_buttons, logging_texts
from dialogs.workout.rest import rest_getter_fields
from dialogs.workout.texts import (
    REBUILD_REFUSALS,
    TELEGRAM_TEXT_LIMIT,
    exercise_line,
    load_text,
    muscles_text,
    rebuild_status_text,
    reps_text,
    rest_text,
    wait_text,
)
from trainer_bot.db.enums import SessionEffort, WorkoutSource
from trainer_bot.formatting import shorten, utf16_length
from trainer_bot.services.bot_services import BotServices
from trainer_bot.services.rebuilds import RebuildOutcome
from trainer_bot.services.views import ExerciseResult, WorkoutView

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


async def _next_text(
    services: BotServices, telegram_id: int, moment_iso: str | None
) -> dict[str, Any]:
    """When the next workout opens, in the user's zone; a user who has not chosen one is
    offered the zone picker right there, the first place a time of day is shown."""
    if not moment_iso:
        return {NEXT_TEXT: "Новую тренировку можно получить уже сейчас.", ZONE_UNCHOSEN: False}
    moment = datetime.fromisoformat(moment_iso)
    now = services.now()
    if moment <= now:
        return {NEXT_TEXT: "Новую тренировку можно получить уже сейчас.", ZONE_UNCHOSEN: False}
    zone = await services.zone(telegram_id)
    return {
        NEXT_TEXT: f"Следующая тренировка — {wait_text(now, moment, zone)}.",
        ZONE_UNCHOSEN: not zone.chosen,
    }


async def workout_getter(
    dialog_manager: DialogManager,
    services: BotServices,
    event_from_user: TelegramUser,
    **_: Any,
) -> dict[str, Any]:
    workout = await _workout(dialog_manager, services, event_from_user.id)
    if workout is None:
        return {
            FOUND: False,
            EXERCISES: [],
            PLANNED: False,
            CAN_REBUILD: False,
            POPULATION_NOTE: None,
        }
    return {
        FOUND: True,
        TITLE: escape(workout.title),
        STATUS: workout.status.value,
        RATIONALE: escape(workout.rationale),
        WARMUP: escape(workout.warmup),
        SOURCE_NOTE: SOURCE_NOTES.get(workout.source, ""),
        POPULATION_NOTE: workout.population_note,
        LINES: "\n".join(exercise_line(item) for item in workout.exercises),
        EXERCISES: [
            (item.position, f"{item.position}. {item.name}{RESULT_MARKS[item.result]}")
            for item in workout.exercises
        ],
        PLANNED: workout.planned,
        # Replaced whole only before it has begun (a logged set).
        CAN_REBUILD: workout.planned and not any(item.logged for item in workout.exercises),
    }


# Labels, emoji and line breaks the exercise window adds around the getter's values
# (with the hint on typing a log, and «🔄 Вместо «…»» after a swap).
EXERCISE_WINDOW_LABELS = 420
RESULT_MARKS = {
    ExerciseResult.DONE: " ✅",
    ExerciseResult.SKIPPED: " ⏭",
    ExerciseResult.UNKNOWN: "",
}
EFFORT_LABELS = {
    SessionEffort.HARD: "😮‍💨 Тяжело",
    SessionEffort.NORMAL: "👍 Нормально",
    SessionEffort.EASY: "😎 Легко",
}
EFFORT_ANSWERS = {
    SessionEffort.HARD: "Понял: было тяжело. В следующий раз будет меньше подходов и без "
    "прибавки веса — восстановись.",
    SessionEffort.NORMAL: "Понял: нормально. Продолжаем по плану.",
    SessionEffort.EASY: "Понял: было легко. В следующий раз добавлю нагрузки.",
}


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
        return {
            FOUND: False,
            VIDEO_URL: "https://www.youtube.com",
            IMAGE_URL: None,
            **NO_LOGGING,
        }
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
        SWAPPED_FROM: item.swapped_from or "",
        **logging_texts(item),
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
        **logging_buttons(
            item,
            workout.loggable,
            dialog_data_drafts(dialog_manager),
            undo_log.button_token(dialog_manager.dialog_data, item),
        ),
        CAN_SWAP: workout.planned and not item.logged,
        **await rest_getter_fields(
            dialog_manager, services, event_from_user.id, item, workout.loggable
        ),
        # A refused log: the parser's or the service's message (our own HTML, no input).
        ERROR_KEY: dialog_manager.dialog_data.get(ERROR_KEY),
    }


NO_LOGGING: dict[str, Any] = {
    CAN_SWAP: False,
    SWAPPED_FROM: "",
    REST_LINE: "",
    CAN_REST: False,
    LOGGABLE: False,
    ADD_SET_ITEMS: [],
    UNDO_ITEMS: [],
    STEP_ITEMS: [],
    CAN_SKIP: False,
    WHY: "",
    LAST_TEXT: "",
    RESULT_TEXT: "",
}


def dialog_data_drafts(manager: DialogManager) -> Any:
    return manager.dialog_data.get(DRAFTS)


async def done_getter(
    dialog_manager: DialogManager,
    services: BotServices,
    event_from_user: TelegramUser,
    **_: Any,
) -> dict[str, Any]:
    """No query: whether to ask «Как прошло?» is known from the completion just made."""
    data = dialog_manager.dialog_data
    answered = data.get(EFFORT)
    effort_text = EFFORT_ANSWERS[SessionEffort(answered)] if answered in EFFORT_ANSWERS else ""
    return {
        **await _next_text(services, event_from_user.id, data.get(AVAILABLE_AT)),
        ASK_EFFORT: bool(data.get(JUST_COMPLETED)) and not answered,
        EFFORT_TEXT: effort_text,
        EFFORT_ITEMS: [(effort.value, label) for effort, label in EFFORT_LABELS.items()],
        OFFER_REST: bool(data.get(JUST_COMPLETED)) and not data.get(REST_LOGGED),
        REST_TEXT: data.get(REST_LOGGED) or "",
    }


async def cooldown_getter(
    dialog_manager: DialogManager,
    services: BotServices,
    event_from_user: TelegramUser,
    **_: Any,
) -> dict[str, Any]:
    available_at = dialog_manager.dialog_data.get(AVAILABLE_AT)
    return {
        **await _next_text(services, event_from_user.id, available_at),
        HAS_WORKOUT: isinstance(dialog_manager.dialog_data.get(WORKOUT_ID), int),
    }


async def rebuild_getter(
    dialog_manager: DialogManager,
    services: BotServices,
    event_from_user: Any,
    **_: Any,
) -> dict[str, Any]:
    workout_id = dialog_manager.dialog_data.get(WORKOUT_ID)
    status = (
        await services.workouts.rebuild_status(event_from_user.id, workout_id)
        if isinstance(workout_id, int)
        else None
    )
    error = dialog_manager.dialog_data.get(ERROR_KEY)
    if status is None:
        return {
            NEXT_TEXT: "",
            CAN_REBUILD: False,
            PROFILE_CHANGED: False,
            ERROR_KEY: error or REBUILD_REFUSALS[RebuildOutcome.NOT_PLANNED],
        }
    if status.refused is not None:
        # Said before «Да» is offered (the workout was begun or replaced meanwhile).
        return {
            NEXT_TEXT: "",
            CAN_REBUILD: False,
            PROFILE_CHANGED: False,
            ERROR_KEY: error or REBUILD_REFUSALS[status.refused],
        }
    return {
        NEXT_TEXT: rebuild_status_text(
            services.now(), status, await services.zone(event_from_user.id)
        ),
        CAN_REBUILD: status.left > 0,
        PROFILE_CHANGED: bool(dialog_manager.dialog_data.get(PROFILE_CHANGED)),
        ERROR_KEY: error,
    }
