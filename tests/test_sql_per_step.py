"""Database statements per update on the busy paths, on real Postgres and Redis.

Issue 5 allows at most 3 statements per registration step and 6 per workout step; every
statement is a round trip, and so is each transaction's BEGIN and COMMIT/ROLLBACK. These
tests pin what the steps do now, so a change that adds a query shows up here.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import SendVideoNote, TelegramMethod
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.fakes.recording_bot import RecordingBot
from tests.support.dialogs import UserSession
from tests.support.harness import DialogHarness
from tests.support.registration import fill_until
from tests.support.sql import captured_sql
from trainer_bot.db.models import TelegramFile, User, Workout
from trainer_bot.services.welcome import WELCOME_FILE_KEY


async def user_row(
    session_factory: async_sessionmaker[AsyncSession], telegram_id: int
) -> tuple[User, list[Workout]]:
    async with session_factory() as session:
        user = (
            await session.execute(select(User).where(User.telegram_id == telegram_id))
        ).scalar_one()
        workouts = (await session.execute(select(Workout).where(Workout.user_id == user.id))).all()
        return user, [workout for (workout,) in workouts]


async def test_confirm_saves_a_new_profile_with_one_statement_and_one_commit(
    harness: DialogHarness, engine: AsyncEngine
) -> None:
    user = UserSession(harness, 8_100_001, first_name="Иван")
    await fill_until(user)
    with captured_sql(engine) as sql:
        text = await user.press("✅ Всё верно")
    assert "Анкета сохранена" in text and "главное меню" in text
    assert "📋 Моя тренировка" not in user.buttons()
    # The upsert; a new profile has no workout, so the menu reads nothing.
    assert len(sql.statements) <= 2, sql.statements
    assert sql.statements[0].startswith("INSERT INTO users"), sql.statements
    assert "ON CONFLICT (telegram_id) DO UPDATE" in sql.statements[0]
    assert sql.commits == 1


async def test_editing_the_profile_keeps_workouts_and_the_twelve_hour_clock(
    harness: DialogHarness,
    engine: AsyncEngine,
    session_factory: async_sessionmaker[AsyncSession],
) -> None:
    user = UserSession(harness, 8_100_002, first_name="Мария")
    await fill_until(user)
    await user.press("✅ Всё верно")
    await user.press("🏋️ Получить тренировку")
    await harness.workout_service.wait_background()
    assert "Разминка" in user.text()
    before, workouts_before = await user_row(session_factory, user.user_id)
    assert before.last_workout_at is not None and len(workouts_before) == 1

    await user.say("/profile")
    await user.press("✏️ Изменить анкету")
    await user.press("✏️ Возраст")
    assert "Проверь анкету" in await user.say("35")
    with captured_sql(engine) as sql:
        text = await user.press("✅ Всё верно")
    assert "Анкета сохранена" in text
    # The planned workout is still offered: the menu read it (the second statement).
    assert "📋 Моя тренировка" in user.buttons()
    assert len(sql.statements) <= 2, sql.statements
    assert sql.commits == 1

    after, workouts_after = await user_row(session_factory, user.user_id)
    assert after.id == before.id and after.age == 35
    assert after.last_workout_at == before.last_workout_at
    assert after.created_at == before.created_at and after.updated_at > before.updated_at
    assert [(w.id, w.status) for w in workouts_after] == [(workouts_before[0].id, "planned")]
    assert "Разминка" in await user.press("📋 Моя тренировка")


async def test_workout_screens_read_the_workout_once_without_writing(
    harness: DialogHarness, engine: AsyncEngine
) -> None:
    user = UserSession(harness, 8_100_003, first_name="Олег")
    await fill_until(user)
    await user.press("✅ Всё верно")
    await user.press("🏋️ Получить тренировку")
    await harness.workout_service.wait_background()
    first_exercise = next(b for b in user.buttons() if b.startswith("1. "))

    with captured_sql(engine) as sql:
        # The handler checks the position against the workout and the window shows it.
        detail = await user.press(first_exercise.replace("(", r"\(").replace(")", r"\)"))
    assert "Как выполнять" in detail
    assert len(sql.statements) == 1 and sql.commits == 0, sql.statements
    assert "JOIN users" in sql.statements[0] and "workout_exercises" in sql.statements[0]

    with captured_sql(engine) as sql:
        assert "Разминка" in await user.press("◀️ К тренировке")
    assert len(sql.statements) == 1 and sql.commits == 0, sql.statements

    with captured_sql(engine) as sql:
        assert "Отличная работа" in await user.press("✅ Завершить тренировку")
    assert len(sql.statements) <= 2 and sql.commits == 1, sql.statements


async def test_start_reads_the_welcome_file_id_once(
    harness: DialogHarness, engine: AsyncEngine
) -> None:
    await UserSession(harness, 8_100_004).start()  # uploads and stores the video note
    with captured_sql(engine) as sql:
        text = await UserSession(harness, 8_100_005, first_name="Анна").start()
    assert "Привет, Анна" in text
    # "Is this user registered?" and "claim this user's one video note"; the file_id is
    # kept after the first read (no telegram_files query).
    assert len(sql.statements) == 2, sql.statements
    assert "FROM users" in sql.statements[0], sql.statements
    assert sql.statements[1].startswith("INSERT INTO welcome_video_notes"), sql.statements
    assert not any("telegram_files" in statement for statement in sql.statements)
    assert sql.commits == 1
    first, second = harness.bot.calls_of(SendVideoNote)
    assert not isinstance(first.video_note, str) and isinstance(second.video_note, str)


class RefusingBot(RecordingBot):
    """Telegram refuses the video notes whose file_id is in `refused` (another bot's
    file_id, or a file Telegram purged)."""

    def __init__(self) -> None:
        super().__init__()
        self.refused: set[str] = set()

    async def __call__(
        self, method: TelegramMethod[Any], request_timeout: int | None = None
    ) -> Any:
        if isinstance(method, SendVideoNote) and method.video_note in self.refused:
            self.calls.append(method)
            self.failed_calls.append(method)
            raise TelegramBadRequest(method, "Bad Request: wrong file identifier")
        return await super().__call__(method, request_timeout)


@pytest.mark.parametrize("where", ["database", "memory"])
async def test_a_refused_file_id_is_uploaded_again_and_replaced(
    harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession], where: str
) -> None:
    bot = harness.bot = RefusingBot()
    if where == "database":  # stored by another bot token, say
        async with session_factory() as session:
            session.add(TelegramFile(key=WELCOME_FILE_KEY, file_id="foreign-file-id"))
            await session.commit()
        bot.refused.add("foreign-file-id")
    else:  # read once and kept, then purged by Telegram
        await UserSession(harness, 8_100_006).start()
        assert len(bot.calls_of(SendVideoNote)) == 1  # the upload
        async with session_factory() as session:
            stored = await session.get(TelegramFile, WELCOME_FILE_KEY)
        assert stored is not None
        bot.refused.add(stored.file_id)
        bot.calls.clear()

    assert "Привет" in await UserSession(harness, 8_100_007).start()
    refused, uploaded = bot.calls_of(SendVideoNote)
    assert isinstance(refused.video_note, str) and not isinstance(uploaded.video_note, str)
    async with session_factory() as session:
        stored = await session.get(TelegramFile, WELCOME_FILE_KEY)
        count = await session.scalar(select(func.count()).select_from(TelegramFile))
    assert stored is not None and stored.file_id not in bot.refused and count == 1
    # The next newcomer gets the new file_id at once.
    await UserSession(harness, 8_100_008).start()
    assert bot.calls_of(SendVideoNote)[-1].video_note == stored.file_id
