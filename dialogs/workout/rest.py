"""Rest between sets on the exercise screen: the line, the «⏱ Отдых» button, the timer.

After a set is logged the screen says how long to rest before the next one; «⏱ Отдых»
starts a timer (trainer_bot/services/rest_timers.py) that sends one message when the rest
is over. The screen is edited once, when the button is pressed, never every second.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Button

from dialogs.workout.keys import CAN_REST, POSITION, REST_LINE, RESTING, WORKOUT_ID
from dialogs.workout.texts import rest_text
from trainer_bot.services.bot_services import BotServices, services_of
from trainer_bot.services.views import ExerciseView
from trainer_bot.time_zones import UserZone


def next_set(item: ExerciseView) -> int | None:
    """The set the user rests before: after one is logged and while planned sets remain."""
    done = len(item.logged)
    if done == 0 or done >= item.sets or item.rest_seconds <= 0:
        return None
    return done + 1


def ring_text(item: ExerciseView, number: int) -> str:
    """«⏱ Время следующего подхода: жим штанги лёжа, подход 2 из 3»."""
    name = item.name
    if len(name) > 1 and name[1].islower():
        name = name[0].lower() + name[1:]
    return f"⏱ Время следующего подхода: {name}, подход {number} из {item.sets}."


def rest_fields(
    item: ExerciseView, loggable: bool, resting: Any, zone: UserZone, now: datetime
) -> dict[str, Any]:
    """REST_LINE (plain text, escaped by the getter) and whether «⏱ Отдых» is offered."""
    number = next_set(item) if loggable else None
    if number is None:
        return {REST_LINE: "", CAN_REST: False}
    line = f"⏱ Отдых {rest_text(item.rest_seconds)}, затем подход {number} из {item.sets}."
    if (
        isinstance(resting, dict)
        and resting.get("position") == item.position
        and resting.get("set") == number
    ):
        until = datetime.fromisoformat(str(resting.get("until")))
        if until > now:
            line = (
                f"⏱ Отдыхай до {zone.local(until):%H:%M} {zone.by} — напишу, когда пора "
                f"делать подход {number} из {item.sets}."
            )
    return {REST_LINE: line, CAN_REST: True}


async def rest_getter_fields(
    manager: DialogManager,
    services: BotServices,
    telegram_id: int,
    item: ExerciseView,
    loggable: bool,
) -> dict[str, Any]:
    resting = manager.dialog_data.get(RESTING)
    number = next_set(item)
    if number is None:
        return {REST_LINE: "", CAN_REST: False}
    # The zone (a read) only while a timer of this very set runs: logging taps stay at
    # their two statements.
    running = (
        isinstance(resting, dict)
        and resting.get("position") == item.position
        and resting.get("set") == number
    )
    zone = await services.zone(telegram_id) if running else services.default_zone()
    return rest_fields(item, loggable, resting, zone, services.now())


async def on_rest(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    """«⏱ Отдых»: one message when the rest is over (a new press starts it again)."""
    services = services_of(manager)
    workout_id = manager.dialog_data.get(WORKOUT_ID)
    if not isinstance(workout_id, int):
        return
    workout = await services.workouts.view(callback.from_user.id, workout_id)
    if workout is None or not workout.exercises:
        return
    wanted = manager.dialog_data.get(POSITION)
    item = workout.exercise_at(
        workout.nearest_position(int(wanted) if wanted is not None else None)
    )
    number = next_set(item) if item is not None and workout.loggable else None
    if item is None or number is None:
        return
    chat_id = callback.message.chat.id if callback.message else callback.from_user.id
    services.rest_timers.start(
        services.bot, chat_id, callback.from_user.id, item.rest_seconds, ring_text(item, number)
    )
    until = services.now() + timedelta(seconds=item.rest_seconds)
    manager.dialog_data[RESTING] = {
        "position": item.position,
        "set": number,
        "until": until.isoformat(),
    }
