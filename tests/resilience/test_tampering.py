"""Tampering: callback queries with crafted data, fed as raw updates.

A modified client can send any `data` on any message of its own chat: another user's
intent id (copied from a shared screenshot or a forwarded keyboard), an exercise that is
not in the workout, a random intent id, or garbage. Each must be refused with a sensible
answer, logged once, and change nothing in the database.

aiogram-dialog's callback data is `<intent id>\\x1d<widget id>[:<item id>]`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from aiogram.types import Message, Update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dialogs.errors import STALE_SCREEN_TEXT, UNEXPECTED_FAILURE_TEXT
from dialogs.fallback import UNKNOWN_BUTTON_TEXT
from tests.resilience.support import (
    WorkoutRow,
    callback_update,
    new_user_id,
    open_workout,
    register,
    user_row,
    workouts_of,
)
from tests.support.dialogs import UserSession
from tests.support.harness import DialogHarness

APP_LOGGERS = ("dialogs", "trainer_bot")


@dataclass
class Pair:
    anna: UserSession  # the victim, her workout open
    boris: UserSession  # the tamperer, also registered with a workout open
    anna_workout_data: dict[str, str]  # button label -> callback data on Anna's screen


Snapshot = tuple[tuple[object, ...], list[WorkoutRow]]


async def snapshot(
    factory: async_sessionmaker[AsyncSession], *users: UserSession
) -> list[Snapshot]:
    found = []
    for user in users:
        row = await user_row(factory, user.user_id)
        assert row is not None
        columns = (row.id, row.age, row.current_weight_kg, row.goal, row.last_workout_at)
        found.append((columns, await workouts_of(factory, user.user_id)))
    return found


@pytest.fixture
async def pair(res_harness: DialogHarness) -> Pair:
    anna = await register(res_harness, new_user_id(), first_name="Анна")
    await open_workout(anna)
    boris = await register(res_harness, new_user_id(), first_name="Борис")
    await open_workout(boris)
    markup = anna.screen().reply_markup
    assert markup is not None
    data = {
        button.text: button.callback_data
        for row in markup.inline_keyboard
        for button in row
        if button.callback_data
    }
    return Pair(anna, boris, data)


@pytest.fixture
def app_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.INFO):
        caplog.clear()
        yield caplog


def app_records(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        f"{r.levelname} {r.name}: {r.getMessage()}"
        for r in caplog.records
        if r.name.startswith(APP_LOGGERS) and r.levelno >= logging.INFO
    ]


async def feed(harness: DialogHarness, update: Update) -> list[str]:
    """Feed the update; the callback answers it got (text or '' for a silent answer)."""
    assert update.callback_query is not None
    query_id = update.callback_query.id
    await harness.dp.feed_update(harness.bot, update)
    answers = [
        call.text or ""
        for call in harness.bot.calls
        if getattr(call, "callback_query_id", None) == query_id
    ]
    if query_id in harness.messages.answered_callbacks:
        answers.append("")
    return answers


async def test_another_users_workout_is_refused(
    pair: Pair,
    res_harness: DialogHarness,
    res_session_factory: async_sessionmaker[AsyncSession],
    app_log: pytest.LogCaptureFixture,
) -> None:
    before = await snapshot(res_session_factory, pair.anna, pair.boris)
    for label in ("✅ Завершить тренировку", pair_first_exercise(pair)):
        app_log.clear()
        data = pair.anna_workout_data[label]  # Anna's intent id, sent by Boris
        answers = await feed(res_harness, callback_update(pair.boris, data))
        assert STALE_SCREEN_TEXT in answers, (label, answers)
        assert "главное меню" in pair.boris.text() and "Борис" in pair.boris.text()
        assert len(app_records(app_log)) == 1, app_records(app_log)
    assert await snapshot(res_session_factory, pair.anna, pair.boris) == before
    assert "✅ Завершить тренировку" in pair.anna.buttons(), "Anna's screen was touched"


def pair_first_exercise(pair: Pair) -> str:
    return next(label for label in pair.anna_workout_data if label.startswith("1. "))


async def test_forged_intent_id_is_refused(
    pair: Pair,
    res_harness: DialogHarness,
    res_session_factory: async_sessionmaker[AsyncSession],
    app_log: pytest.LogCaptureFixture,
) -> None:
    before = await snapshot(res_session_factory, pair.anna, pair.boris)
    answers = await feed(res_harness, callback_update(pair.anna, "Zz9Zz9\x1dcomplete"))
    assert STALE_SCREEN_TEXT in answers
    assert len(app_records(app_log)) == 1, app_records(app_log)
    assert await snapshot(res_session_factory, pair.anna, pair.boris) == before


async def test_non_numeric_exercise_is_refused(
    pair: Pair,
    res_harness: DialogHarness,
    res_session_factory: async_sessionmaker[AsyncSession],
    app_log: pytest.LogCaptureFixture,
) -> None:
    before = await snapshot(res_session_factory, pair.anna, pair.boris)
    intent = pair.anna_workout_data["✅ Завершить тренировку"].split("\x1d")[0]
    answers = await feed(res_harness, callback_update(pair.anna, f"{intent}\x1dexercise:abc"))
    assert UNEXPECTED_FAILURE_TEXT in answers
    assert len(app_records(app_log)) == 1, app_records(app_log)
    assert await snapshot(res_session_factory, pair.anna, pair.boris) == before
    assert "Разминка" in pair.anna.text(), "the workout screen is still there"


async def test_unknown_exercise_position_is_refused(
    pair: Pair,
    res_harness: DialogHarness,
    res_session_factory: async_sessionmaker[AsyncSession],
    app_log: pytest.LogCaptureFixture,
) -> None:
    before = await snapshot(res_session_factory, pair.anna, pair.boris)
    intent = pair.anna_workout_data["✅ Завершить тренировку"].split("\x1d")[0]
    for position in ("99", "0", "-1"):
        app_log.clear()
        data = f"{intent}\x1dexercise:{position}"
        answers = await feed(res_harness, callback_update(pair.anna, data))
        assert await snapshot(res_session_factory, pair.anna, pair.boris) == before
        assert "Разминка" in pair.anna.text(), f"exercise {position} was shown"
        assert any(answers), f"no explanation: {answers}"
        assert len(app_records(app_log)) == 1, app_records(app_log)


GARBAGE = ["garbage", "", "\x1d", "{intent}\x1dnope", "{intent}\x1d", "{intent}\x1dcomplete:1:2"]


async def test_garbage_changes_nothing(
    pair: Pair,
    res_harness: DialogHarness,
    res_session_factory: async_sessionmaker[AsyncSession],
    app_log: pytest.LogCaptureFixture,
) -> None:
    before = await snapshot(res_session_factory, pair.anna, pair.boris)
    intent = pair.anna_workout_data["✅ Завершить тренировку"].split("\x1d")[0]
    for data in GARBAGE:
        app_log.clear()
        answers = await feed(res_harness, callback_update(pair.anna, data.format(intent=intent)))
        assert answers == [UNKNOWN_BUTTON_TEXT], (data, answers)
        assert len(app_records(app_log)) == 1, (data, app_records(app_log))
        assert "Разминка" in pair.anna.text(), data
        assert "✅ Завершить тренировку" in pair.anna.buttons(), data
    assert await snapshot(res_session_factory, pair.anna, pair.boris) == before


@pytest.mark.parametrize(
    "registered",
    [True, False],
    ids=["with-dialog", "no-dialog"],
)
async def test_garbage_is_answered_and_logged_once(
    res_harness: DialogHarness, app_log: pytest.LogCaptureFixture, registered: bool
) -> None:
    if registered:
        user = await register(res_harness, new_user_id())
        message = user.screen()
    else:  # a chat with a message in it but no dialog (new, or Redis lost the stack)
        user = UserSession(res_harness, new_user_id())
        message = Message(message_id=1, date=datetime.now(UTC), chat=user.client.chat, text="…")
    app_log.clear()
    answers = await feed(res_harness, callback_update(user, "garbage", message=message))
    assert any(answers), f"no sensible answer: {answers}"
    assert len(app_records(app_log)) == 1, app_records(app_log)
