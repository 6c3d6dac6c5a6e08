"""Getting, reading and completing a workout through BotClient, on real Postgres and Redis."""

from __future__ import annotations

import pytest
from aiogram.methods import SendChatAction
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.support import screens
from tests.support.dialogs import UserSession
from tests.support.harness import DialogHarness
from tests.support.registration import fill_until
from trainer_bot.db.models import User, Workout

USER_ID = 515151
MENU_WITH_WORKOUT = [
    "🏋️ Получить тренировку",
    "📋 Моя тренировка",
    "📈 Прогресс",
    "👤 Мой профиль",
]
COOLDOWN_BUTTONS = ["📋 Моя тренировка", "🕐 Указать мой часовой пояс", "◀️ В меню"]


@pytest.fixture
async def user(harness: DialogHarness) -> UserSession:
    session = UserSession(harness, USER_ID, first_name="Мария")
    await fill_until(session)
    await session.press("✅ Всё верно")
    return session


async def get_workout(user: UserSession) -> str:
    """«Получить тренировку»: the composing screen, then (in the background) the workout,
    edited in as one more message; returns the workout's text."""
    assert await user.press("🏋️ Получить тренировку") == screens.COMPOSING
    assert user.buttons() == ["◀️ В меню"]
    await user.background(1)
    text = user.text()
    assert user.buttons() == screens.workout_buttons(text)
    return text


def exercise_label(text: str, number: int) -> str:
    """The button of exercise `number` as a full-match pattern."""
    name = screens.workout_exercises(text)[number - 1]
    return f"{number}. {name}".replace("(", r"\(").replace(")", r"\)")


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
    assert user.buttons() == screens.MENU_BUTTONS
    text = await get_workout(user)
    first_line, _, rest = text.partition("\n")
    assert first_line.startswith("🏋️ <b>") and first_line.endswith("</b>"), first_line
    assert "\n\n🔥 <b>Разминка.</b> " in rest and "отдых" in rest
    assert text.endswith("\n\n" + screens.WORKOUT_FOOTER)
    assert harness.bot.calls_of(SendChatAction), "the user sees the trainer typing"
    names = screens.workout_exercises(text)
    assert 4 <= len(names) <= 7

    detail = await user.press(exercise_label(text, 1))
    assert detail.splitlines()[0] == f"<b>{names[0]}</b> · 1 из {len(names)}"
    assert "\n\n<b>Как выполнять</b>\n1. " in detail and "\n🎯 Основные мышцы: " in detail
    # The technique video, logging (its values follow the exercise), then navigation.
    assert user.buttons()[:2] == ["▶ Техника", "✅ Сделал как написано"]
    assert user.buttons()[-4:] == ["⏭ Пропустить", "🔄 Заменить", "➡️", "◀️ К тренировке"]
    markup = user.screen().reply_markup
    assert markup is not None
    urls = [b.url for row in markup.inline_keyboard for b in row if b.url]
    assert urls and urls[0].startswith("https://www.youtube.com/")
    second = await user.press("➡️")
    assert second.splitlines()[0] == f"<b>{names[1]}</b> · 2 из {len(names)}"
    assert user.buttons()[-5:] == ["⏭ Пропустить", "🔄 Заменить", "⬅️", "➡️", "◀️ К тренировке"]
    assert (await user.press("⬅️")).splitlines()[0] == detail.splitlines()[0]
    assert await user.press("◀️ К тренировке") == text

    done = await user.press("✅ Завершить тренировку")
    # Received 09:00 UTC = 12:00 Moscow; the next one from 21:00 UTC = 00:00 Moscow.
    assert done == screens.done("через 12 ч, завтра в 00:00")
    assert user.buttons() == screens.DONE_BUTTONS
    (workout,) = await workouts_of(session_factory)
    assert workout.status == "completed" and workout.completed_at == harness.clock()
    assert workout.source == "fallback"


async def test_cooldown_shows_the_time_left_and_the_current_workout(
    user: UserSession, harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    workout = await get_workout(user)
    assert await user.press("◀️ В меню") == screens.menu_with_workout("Мария")
    assert user.buttons() == MENU_WITH_WORKOUT
    harness.clock.advance(hours=8, minutes=40)
    text = await user.press("🏋️ Получить тренировку")
    # Received 09:00 UTC = 12:00 Moscow; available 21:00 UTC = 00:00 Moscow next day.
    assert text == screens.cooldown("через 3 ч 20 мин, завтра в 00:00")
    assert user.buttons() == COOLDOWN_BUTTONS
    assert await user.press("📋 Моя тренировка") == workout
    assert len(await workouts_of(session_factory)) == 1


async def test_workout_command_does_what_the_button_does(
    user: UserSession, harness: DialogHarness
) -> None:
    assert await user.say("/workout") == screens.COMPOSING
    await user.background(1)
    assert user.buttons() == screens.workout_buttons(user.text())
    assert await user.say("/workout") == screens.cooldown("через 12 ч, завтра в 00:00")
    assert user.buttons() == COOLDOWN_BUTTONS


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
        assert text == screens.COMPOSING
        await user.background(1)
        first, second = await workouts_of(session_factory)
        assert first.status == "skipped" and second.status == "planned"
    else:
        assert text == screens.cooldown("через 1 мин, завтра в 00:00")
        assert len(await workouts_of(session_factory)) == 1


async def test_double_completion_counts_once(
    user: UserSession, harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await get_workout(user)
    workout_message = user.screen()
    done = await user.press("✅ Завершить тренировку")
    first_completed_at = (await workouts_of(session_factory))[0].completed_at
    harness.clock.advance(minutes=5)
    # The workout window is gone: the second tap gets a toast and the screen stays.
    await user.press_expecting(0, "✅ Завершить тренировку", message=workout_message)
    assert user.text() == done
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
    # The old workout is not completed: the user lands on the menu, the new one still open.
    refused = await user.press("✅ Завершить тренировку", message=old_message)
    assert (refused, user.buttons()) == (screens.menu_with_workout("Мария"), MENU_WITH_WORKOUT)
    old, new = await workouts_of(session_factory)
    assert old.status == "skipped" and new.status == "planned"


async def test_double_click_on_get_workout_makes_one_workout(
    user: UserSession, harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    menu = user.screen()
    assert await user.press("🏋️ Получить тренировку", message=menu) == screens.COMPOSING
    # The menu window is gone: the second tap gets a toast and starts nothing.
    await user.press_expecting(0, "🏋️ Получить тренировку", message=menu)
    await user.background(1)
    assert len(await workouts_of(session_factory)) == 1


async def test_unregistered_user_is_sent_to_registration(harness: DialogHarness) -> None:
    stranger = UserSession(harness, 999)
    sent = await stranger.say_expecting(2, "/workout")
    assert sent.texts() == [
        "Сначала заполним анкету — так тренировка будет именно под тебя 👇",
        screens.greeting("User_999"),
    ]
    assert stranger.buttons() == screens.GREETING_BUTTONS
