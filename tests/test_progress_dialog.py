"""«📈 Прогресс», /progress, «⚖️ Записать вес» and /export through the real Dispatcher."""

from __future__ import annotations

import asyncio
import csv
import io
import re

import pytest
from aiogram.methods import SendDocument
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.support.dialogs import UserSession, message_text
from tests.support.exercises import open_loaded_exercise
from tests.support.harness import DialogHarness
from tests.support.registration import fill_until
from trainer_bot.chart_files import latest_chart
from trainer_bot.db.models import BodyWeight, User
from trainer_bot.training.records import epley, weekly_streak

USER_ID = 848484


@pytest.fixture
async def user(harness: DialogHarness) -> UserSession:
    session = UserSession(harness, USER_ID, first_name="Олег")
    await fill_until(session)
    await session.press("✅ Всё верно")
    return session


async def log_one_workout(user: UserSession, typed: str) -> None:
    await user.press("🏋️ Получить тренировку")
    await user.harness.workout_service.wait_background()
    await open_loaded_exercise(user)
    await user.say(typed)
    await user.press("◀️ К тренировке")
    await user.press("✅ Завершить тренировку")
    await user.press("👍 Нормально")
    await user.press("◀️ В меню")


async def test_progress_shows_records_streak_and_the_workout_log(user: UserSession) -> None:
    empty = await user.press("📈 Прогресс")
    assert "Записанных подходов пока нет" in empty and "Эта неделя: 0 из 3" in empty
    await user.press("◀️ В меню")
    await log_one_workout(user, "60 8 8 7")
    text = await user.say("/progress")
    assert "60 кг × 8, 8, 7" in text and "формуле Эпли" in text
    assert f"1ПМ ≈ {round(epley(60, 8) * 2) / 2:g}".replace(".", ",") in text
    assert "Эта неделя: 1 из 3" in text
    listing = await user.press("🗂 Тренировки")
    assert "Твои тренировки" in listing
    entry = next(b for b in user.buttons() if b.startswith("✅"))
    detail = await user.press(re.escape(entry))
    assert "60 кг × 8, 8, 7" in detail and "нормально" in detail and "не записано" in detail


async def test_weight_log_updates_the_profile_and_rechecks_the_target(
    user: UserSession, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await user.press("📈 Прогресс")
    await user.press("⚖️ Записать вес")
    for bad in ("абв", "-80", "1e9", "800"):
        assert "⚠️" in await user.say(bad), bad
    assert "⚠️" in await user.send_sticker()
    answer = await user.say("80,4")
    assert "Записал: 80,4 кг" in answer and "До цели 76 кг" in answer
    await user.press("⚖️ Записать вес")
    answer = await user.say("75,5")
    assert "Цель 76 кг достигнута" in answer  # a weight-loss target reached
    async with session_factory() as session:
        row = (await session.execute(select(User).where(User.telegram_id == USER_ID))).scalar_one()
        weights = list((await session.execute(select(BodyWeight.weight_kg))).scalars())
    assert row.current_weight_kg == 75.5
    assert weights == [75.5]  # the same day: the second entry replaced the first


async def test_export_sends_the_users_own_history_as_csv(
    user: UserSession, harness: DialogHarness
) -> None:
    await log_one_workout(user, "60 8 8 7")
    await user.say("/export")
    (call,) = harness.bot.calls_of(SendDocument)
    assert call.chat_id == USER_ID
    rows = list(csv.reader(io.StringIO(call.document.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["kind", "date", "workout"]
    assert [(r[7], r[8], r[9]) for r in rows[1:]] == [
        ("1", "8", "60.0"),
        ("2", "8", "60.0"),
        ("3", "7", "60.0"),
    ]


async def test_export_without_a_profile_asks_to_register(harness: DialogHarness) -> None:
    stranger = UserSession(harness, 999_111)
    await stranger.say_expecting(2, "/export")  # the notice, then the greeting
    assert not harness.bot.calls_of(SendDocument)
    assert any("заполним анкету" in t for t in harness.bot.sent_texts())


def test_weekly_streak_counts_full_weeks_back_from_now() -> None:
    from datetime import date

    days = [date(2026, 3, 2), date(2026, 3, 4), date(2026, 2, 24), date(2026, 2, 26)]
    assert weekly_streak(days, 2, date(2026, 3, 5)) == 2
    # Tuesday, one workout so far: the week in progress breaks nothing.
    assert weekly_streak(days[1:], 2, date(2026, 3, 3)) == 1


async def test_chart_is_a_png_photo_with_the_numbers_in_the_caption(
    user: UserSession, harness: DialogHarness
) -> None:
    await log_one_workout(user, "60 8 8 7")
    await user.press("📈 Прогресс")
    await user.press("⚖️ Записать вес")
    await user.say("81")
    await user.press("📉 График")  # the progress window becomes the chart's photo
    shown = user.screen()
    assert shown.photo, "the chart window shows no photo"
    caption = message_text(shown)
    assert "Вес: 81 → 81 кг, цель 76 кг" in caption
    assert "формуле Эпли" in caption and "→ 76 кг" in caption  # 60 × (1 + 8/30)
    path = latest_chart(USER_ID)
    assert path is not None
    png = await asyncio.to_thread(path.read_bytes)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert user.buttons() == ["◀️ Назад"]
    assert "Твой прогресс" in await user.press("◀️ Назад")
