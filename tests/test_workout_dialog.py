"""Getting, reading and completing a workout through BotClient, on real Postgres and Redis."""

from __future__ import annotations

import pytest
from aiogram.methods import SendChatAction
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.conftest import DialogHarness
from tests.dialog_helpers import UserSession
from tests.test_registration_dialog import fill_until
from trainer_bot.db.models import User, Workout

USER_ID = 515151


@pytest.fixture
async def user(harness: DialogHarness) -> UserSession:
    session = UserSession(harness, USER_ID, first_name="Мария")
    await fill_until(session)
    await session.press("✅ Всё верно")
    return session


async def get_workout(user: UserSession) -> str:
    text = await user.press("🏋️ Получить тренировку")
    assert "Составляю тренировку" in text
    await user.harness.workout_service.wait_background()
    return user.text()


async def workouts_of(session_factory: async_sessionmaker[AsyncSession]) -> list[Workout]:
    async with session_factory() as session:
        user_id = await session.scalar(select(User.id).where(User.telegram_id == USER_ID))
        rows = await session.execute(
            select(Workout).where(Workout.user_id == user_id).order_by(Workout.id)
        )
        return list(rows.scalars())


@pytest.mark.smoke
async def test_get_view_exercise_and_complete(
    user: UserSession, harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    assert "Моя тренировка" not in user.buttons()
    text = await get_workout(user)
    assert "🏋️" in text and "Разминка" in text and "отдых" in text
    assert harness.bot.calls_of(SendChatAction), "the user sees the trainer typing"
    exercise_buttons = [b for b in user.buttons() if b[0].isdigit()]
    assert 4 <= len(exercise_buttons) <= 7

    detail = await user.press(exercise_buttons[0].replace("(", r"\(").replace(")", r"\)"))
    assert "Как выполнять" in detail and "Основные мышцы" in detail
    markup = user.screen().reply_markup
    assert markup is not None
    urls = [b.url for row in markup.inline_keyboard for b in row if b.url]
    assert urls and urls[0].startswith("https://www.youtube.com/")
    assert "2 из" in await user.press("➡️")
    assert "1 из" in await user.press("⬅️")
    await user.press("◀️ К тренировке")

    done = await user.press("✅ Завершить тренировку")
    assert "Отличная работа" in done and "через 12 ч" in done
    (workout,) = await workouts_of(session_factory)
    assert workout.status == "completed" and workout.completed_at == harness.clock()
    assert workout.source == "fallback"


async def test_cooldown_shows_the_time_left_and_the_current_workout(
    user: UserSession, harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await get_workout(user)
    await user.press("◀️ В меню")
    assert "📋 Моя тренировка" in user.buttons()
    harness.clock.advance(hours=8, minutes=40)
    text = await user.press("🏋️ Получить тренировку")
    # Received 09:00 UTC = 12:00 Moscow; available 21:00 UTC = 00:00 Moscow next day.
    assert "через 3 ч 20 мин, завтра в 00:00" in text
    assert "Разминка" in await user.press("📋 Моя тренировка")
    assert len(await workouts_of(session_factory)) == 1


async def test_workout_command_does_what_the_button_does(
    user: UserSession, harness: DialogHarness
) -> None:
    assert "Составляю тренировку" in await user.say("/workout")
    await harness.workout_service.wait_background()
    assert "Разминка" in user.text()
    assert "через 12 ч" in await user.say("/workout")


@pytest.mark.parametrize(("elapsed_minutes", "allowed"), [(11 * 60 + 59, False), (12 * 60, True)])
async def test_twelve_hour_boundary(
    user: UserSession,
    harness: DialogHarness,
    session_factory: async_sessionmaker[AsyncSession],
    elapsed_minutes: int,
    allowed: bool,
) -> None:
    await get_workout(user)
    await user.press("◀️ В меню")
    harness.clock.advance(minutes=elapsed_minutes)
    text = await user.press("🏋️ Получить тренировку")
    if allowed:
        await harness.workout_service.wait_background()
        first, second = await workouts_of(session_factory)
        assert first.status == "skipped" and second.status == "planned"
    else:
        assert "через 1 мин" in text
        assert len(await workouts_of(session_factory)) == 1


async def test_double_completion_counts_once(
    user: UserSession, harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await get_workout(user)
    workout_message = user.screen()
    await user.press("✅ Завершить тренировку")
    first_completed_at = (await workouts_of(session_factory))[0].completed_at
    harness.clock.advance(minutes=5)
    answer = await user.press("✅ Завершить тренировку", message=workout_message)
    assert "Отличная работа" in answer or "главное меню" in answer
    (workout,) = await workouts_of(session_factory)
    assert workout.status == "completed" and workout.completed_at == first_completed_at


async def test_completing_an_old_replaced_workout_is_refused(
    user: UserSession, harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await get_workout(user)
    old_message = user.screen()
    harness.clock.advance(hours=13)
    await user.press("◀️ В меню")
    await get_workout(user)
    await user.press("✅ Завершить тренировку", message=old_message)
    old, new = await workouts_of(session_factory)
    assert old.status == "skipped" and new.status == "planned"


async def test_double_click_on_get_workout_makes_one_workout(
    user: UserSession, harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    menu = user.screen()
    await user.press("🏋️ Получить тренировку", message=menu)
    await user.press("🏋️ Получить тренировку", message=menu)
    await harness.workout_service.wait_background()
    assert len(await workouts_of(session_factory)) == 1


async def test_unregistered_user_is_sent_to_registration(harness: DialogHarness) -> None:
    stranger = UserSession(harness, 999)
    await stranger.say("/workout")
    assert any("заполним анкету" in t for t in harness.bot.sent_texts())
    assert "Начать" in " ".join(stranger.buttons())
