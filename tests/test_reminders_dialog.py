"""The user's own time zone and reminders, through the real Dispatcher on Postgres and
Redis, with the harness clock moved instead of waiting for days."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.support import screens
from tests.support.dialogs import UserSession
from tests.support.harness import DialogHarness
from tests.support.registration import fill_until
from tests.support.reminders import member_update, sent_message
from trainer_bot.db.models import Reminder, User

USER_ID = 616161
REMINDER_DAYS_TEXT = "🔔 Сегодня день тренировки! Жми — открою её или соберу новую."
REMINDER_NEXT_TEXT = "🔔 Новая тренировка уже доступна — жми, соберу её под тебя."
REMINDER_BUTTONS = ["🏋️ К тренировке", "🔕 Выключить напоминания"]
NIGHT_TEXT = "🌙 Это ночь — в это время я не напоминаю. Выбери час с 08:00 до 21:00."
CITY_BUTTONS = [
    "Калининград",
    "Москва",
    "Самара",
    "Екатеринбург",
    "Омск",
    "Новосибирск",
    "Красноярск",
    "Иркутск",
    "Якутск",
    "Владивосток",
    "Магадан",
    "Камчатка",
    "🌐 Другой",
]


def utc(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of March 2026 (the 2nd is a Monday), UTC."""
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


@pytest.fixture
async def user(harness: DialogHarness) -> UserSession:
    session = UserSession(harness, USER_ID, first_name="Олег")
    await fill_until(session)
    await session.press("✅ Всё верно")
    return session


async def open_profile(user: UserSession) -> str:
    return await user.press("👤 Мой профиль")


async def finish_a_workout(user: UserSession) -> str:
    """Get a workout and complete it: the done screen's text."""
    assert await user.press("🏋️ Получить тренировку") == screens.COMPOSING
    await user.background(1)
    return await user.press("✅ Завершить тренировку")


async def reminder_of(
    session_factory: async_sessionmaker[AsyncSession],
) -> Reminder | None:
    async with session_factory() as session:
        return await session.scalar(select(Reminder).join(User).where(User.telegram_id == USER_ID))


async def set_next_at(session_factory: async_sessionmaker[AsyncSession], moment: datetime) -> None:
    """Move the due moment by hand (as a change of zone or a bug could)."""
    async with session_factory() as session:
        user_id = await session.scalar(select(User.id).where(User.telegram_id == USER_ID))
        await session.execute(
            update(Reminder).where(Reminder.user_id == user_id).values(next_at=moment)
        )
        await session.commit()


# --- the time zone ---------------------------------------------------------------------------


async def test_a_dst_free_city_names_every_time_in_it(user: UserSession) -> None:
    await open_profile(user)
    assert user.buttons() == screens.PROFILE_BUTTONS  # «Москва»: the TIMEZONE default
    chooser = await user.press("🕐 Часовой пояс: Москва")
    assert "Сейчас: <b>Москва</b> (по умолчанию)." in chooser
    assert user.buttons() == [*CITY_BUTTONS, "◀️ Назад"]
    # Text instead of a button: explained, the same step.
    assert "Выбери город кнопкой" in await user.say("Екб")
    await user.press("Екатеринбург")
    assert "🕐 Часовой пояс: Екатеринбург" in user.buttons()
    await user.press("◀️ В меню")
    # 09:00 UTC + 12 h = 21:00 UTC = 02:00 in Yekaterinburg (UTC+5 all year).
    done = await finish_a_workout(user)
    assert done == screens.done("через 12 ч, завтра в 02:00", zone="по Екатеринбургу")
    await user.press("◀️ В меню")
    assert await user.say("/workout") == screens.cooldown(
        "через 12 ч, завтра в 02:00", zone="по Екатеринбургу"
    )


async def test_the_zone_is_asked_where_a_time_is_first_shown(user: UserSession) -> None:
    done = await finish_a_workout(user)
    assert done == screens.done("через 12 ч, завтра в 00:00")
    assert "🕐 Указать мой часовой пояс" in user.buttons()
    chooser = await user.press("🕐 Указать мой часовой пояс")
    assert "Сейчас: <b>Москва</b> (по умолчанию)." in chooser
    # Chosen: back on the same screen, the time in the new zone, not asked again.
    again = await user.press("Екатеринбург")
    assert again.startswith("🎉 <b>Отличная работа!</b>")
    assert "Следующая тренировка — через 12 ч, завтра в 02:00 по Екатеринбургу." in again
    assert "🕐 Указать мой часовой пояс" not in user.buttons()
    await user.press("◀️ В меню")
    await user.say("/workout")
    assert user.buttons() == ["📋 Моя тренировка", "◀️ В меню"]


async def test_another_zone_is_a_typed_utc_offset(user: UserSession) -> None:
    await open_profile(user)
    await user.press("🕐 Часовой пояс: Москва")
    asked = await user.press("🌐 Другой")
    assert "Напиши смещение от UTC" in asked
    for typed, error in (
        ("+25", "Такого смещения нет: бывает от −12 до +14 часов."),
        ("+5:20", "Минуты смещения бывают только 00, 15, 30 или 45."),
        ("полночь", "Не понял смещение"),
    ):
        refused = await user.say(typed)
        assert error in refused and "Напиши смещение от UTC" in refused
    await user.say("+5:30")  # back in the profile
    assert "🕐 Часовой пояс: UTC+5:30" in user.buttons()
    await user.press("◀️ В меню")
    done = await finish_a_workout(user)
    assert done == screens.done("через 12 ч, завтра в 02:30", zone="по UTC+5:30")


async def test_history_dates_are_the_users_days(user: UserSession, harness: DialogHarness) -> None:
    await open_profile(user)
    await user.press("🕐 Часовой пояс: Москва")
    await user.press("Камчатка")  # UTC+12
    await user.press("◀️ В меню")
    harness.clock.current = utc(2, 13)  # 01:00 on March 3rd in Kamchatka
    await finish_a_workout(user)
    await user.press("◀️ В меню")
    await user.press("📈 Прогресс")
    listing = await user.press("🗂 Тренировки")
    assert "Даты — по Камчатке." in listing
    assert any(label.startswith("✅ 03.03 · ") for label in user.buttons()), user.buttons()


# --- reminders ------------------------------------------------------------------------------


async def set_up_weekday_reminders(user: UserSession) -> str:
    """Profile → reminders: the zone is asked first (once), then Mon, Wed, Fri at 09:00;
    night hours are refused on the way."""
    await open_profile(user)
    asked = await user.press("🔔 Напоминания: выкл.")
    assert "Часовой пояс" in asked and "(по умолчанию)" in asked
    settings = await user.press("Екатеринбург")
    assert settings.startswith("✅ Часовой пояс: Екатеринбург.")
    assert "🔕 Сейчас напоминания выключены." in settings
    await user.press("📅 По дням недели")
    assert "Отметь хотя бы один день." in await user.press("Дальше ▶️")
    for day in ("Пн", "Ср", "Пт"):
        await user.press(day)
    assert user.buttons()[:7] == ["✅ Пн", "Вт", "✅ Ср", "Чт", "✅ Пт", "Сб", "Вс"]
    hours = await user.press("Дальше ▶️")
    assert "Время — по Екатеринбургу." in hours
    assert user.buttons()[0] == "08:00" and "21:00" in user.buttons()
    assert "22:00" not in user.buttons() and "07:00" not in user.buttons()
    for night in ("23", "7", "0:00"):
        assert NIGHT_TEXT in await user.say(night)
    assert "Напиши час числом" in await user.say("девять")
    return await user.press("09:00")


async def test_weekday_reminders_come_once_at_the_local_hour(
    user: UserSession, harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    saved = await set_up_weekday_reminders(user)
    assert saved.startswith("✅ Готово: напомню по пн, ср, пт в 09:00 по Екатеринбургу.")
    reminder = await reminder_of(session_factory)
    # Set on Monday 14:00 local: Wednesday 09:00 in Yekaterinburg is 04:00 UTC.
    assert reminder is not None and reminder.next_at == utc(4, 4)
    sender, bot = harness.reminders, harness.bot
    assert sender is not None

    # Not due yet: nothing is sent.
    harness.clock.current = utc(4, 3, 59)
    assert (await sender.deliver_due(bot)).sent == 0
    await user.background(0)

    # Due: one short message with its two buttons, then nothing more that day.
    harness.clock.current = utc(4, 4, 0)
    assert (await sender.deliver_due(bot)).sent == 1
    message = sent_message(await user.background(1))
    assert message.text == REMINDER_DAYS_TEXT
    assert [b.text for row in message.reply_markup.inline_keyboard for b in row] == (
        REMINDER_BUTTONS
    )
    assert (await sender.deliver_due(bot)).sent == 0
    # Due again the same local day (moved by hand): never a second one that day.
    await set_next_at(session_factory, utc(4, 8))
    harness.clock.current = utc(4, 8)
    report = await sender.deliver_due(bot)
    assert (report.sent, report.skipped) == (0, 1)
    await user.background(0)
    reminder = await reminder_of(session_factory)
    assert reminder is not None and reminder.next_at == utc(6, 4)  # Friday 09:00 local

    # Due at night (moved by hand): skipped to the next reminder day, never sent.
    await set_next_at(session_factory, utc(5, 18))  # Thursday 23:00 local
    harness.clock.current = utc(5, 18)
    assert (await sender.deliver_due(bot)).sent == 0
    await user.background(0)
    reminder = await reminder_of(session_factory)
    assert reminder is not None and reminder.next_at == utc(6, 4)


async def test_a_blocked_user_is_paused_and_resumed_on_return(
    user: UserSession, harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await set_up_weekday_reminders(user)
    sender, bot = harness.reminders, harness.bot
    assert sender is not None
    bot.blocked_chats.add(USER_ID)
    await member_update(harness, USER_ID, blocked=True)
    harness.clock.current = utc(4, 4)
    # Telegram's 403 alone also pauses (the member update may come late or never).
    await set_next_at(session_factory, utc(4, 4))
    async with session_factory() as session:
        await session.execute(update(Reminder).values(paused_at=None))
        await session.commit()
    report = await sender.deliver_due(bot)
    assert (report.sent, report.paused) == (0, 1)
    await user.background(0)
    tried = len(bot.failed_calls)
    harness.clock.current = utc(6, 4, 30)  # Friday's reminder time: still paused
    assert (await sender.deliver_due(bot)).sent == 0
    assert len(bot.failed_calls) == tried, "a paused reminder is not even tried"

    # Back on Monday at 08:00 local: Monday's 09:00 reminder comes.
    bot.blocked_chats.discard(USER_ID)
    harness.clock.current = utc(9, 3)
    await member_update(harness, USER_ID, blocked=False)
    await user.background(0)
    reminder = await reminder_of(session_factory)
    assert reminder is not None and reminder.paused_at is None
    assert reminder.next_at == utc(9, 4)
    harness.clock.current = utc(9, 4)
    assert (await sender.deliver_due(bot)).sent == 1
    assert sent_message(await user.background(1)).text == REMINDER_DAYS_TEXT


async def test_one_tap_on_the_reminder_switches_reminders_off(
    user: UserSession, harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await set_up_weekday_reminders(user)
    sender, bot = harness.reminders, harness.bot
    assert sender is not None
    harness.clock.current = utc(4, 4)
    await sender.deliver_due(bot)
    reminder_message = sent_message(await user.background(1))
    sent = await user.press_expecting(1, "🔕 Выключить напоминания", reminder_message)
    assert sent.texts() == [
        "🔕 Напоминания выключены. Включить снова: «👤 Мой профиль» → «🔔 Напоминания»."
    ]
    reminder = await reminder_of(session_factory)
    assert reminder is not None and not reminder.enabled and reminder.next_at is None
    harness.clock.current = utc(6, 4)
    assert (await sender.deliver_due(bot)).sent == 0
    await user.background(0)
    # The profile says so.
    await user.say("/profile")
    assert "🔔 Напоминания: выкл." in user.buttons()


async def test_when_the_next_workout_opens_the_reminder_brings_it(
    user: UserSession, harness: DialogHarness, session_factory: async_sessionmaker[AsyncSession]
) -> None:
    await finish_a_workout(user)  # received Monday 09:00 UTC: the next opens at 21:00 UTC
    await user.press("◀️ В меню")
    await open_profile(user)
    await user.press("🔔 Напоминания: выкл.")
    await user.press("Москва")
    await user.press("🏁 Когда откроется новая тренировка")
    saved = await user.press("10:00")
    assert saved.startswith(
        "✅ Готово: напомню в день, когда откроется новая тренировка, в 10:00 по Москве."
    )
    reminder = await reminder_of(session_factory)
    # Open from Tuesday 00:00 Moscow time: Tuesday 10:00 Moscow is 07:00 UTC.
    assert reminder is not None and reminder.next_at == utc(3, 7)
    sender, bot = harness.reminders, harness.bot
    assert sender is not None
    harness.clock.current = utc(3, 7)
    assert (await sender.deliver_due(bot)).sent == 1
    message = sent_message(await user.background(1))
    assert message.text == REMINDER_NEXT_TEXT
    # Once per workout: nothing the next days until the user gets a new one.
    harness.clock.current = utc(4, 7)
    assert (await sender.deliver_due(bot)).sent == 0
    await user.background(0)
    # «🏋️ К тренировке» asks for the workout.
    assert await user.press("🏋️ К тренировке", message) == screens.COMPOSING
    await user.background(1)
    assert "Разминка" in user.text()
    # The new workout arms the reminder for the one after it (Thursday 10:00 Moscow).
    await sender.deliver_due(bot)
    reminder = await reminder_of(session_factory)
    assert reminder is not None and reminder.next_at == utc(5, 7)


async def test_rest_between_sets_rings_once(user: UserSession, harness: DialogHarness) -> None:
    assert await user.press("🏋️ Получить тренировку") == screens.COMPOSING
    await user.background(1)
    first = screens.workout_exercises(user.text())[0]
    label = f"1. {first}".replace("(", r"\(").replace(")", r"\)")
    screen = await user.press(label)
    assert "⏱" not in screen and "⏱ Отдых" not in user.buttons()
    add = next(b for b in user.buttons() if b.startswith("➕ Подход 1"))
    logged = await user.press(add.replace("(", r"\(").replace(")", r"\)").replace("+", r"\+"))
    rest_line = next(line for line in logged.splitlines() if line.startswith("⏱ Отдых "))
    assert ", затем подход 2 из " in rest_line
    assert "⏱ Отдых" in user.buttons()
    resting = await user.press("⏱ Отдых")
    assert "⏱ Отдыхай до " in resting and "по Москве — напишу, когда пора" in resting
    assert harness.rest_timers is not None and harness.rest_waits is not None
    assert harness.rest_over is not None
    harness.rest_over.set()  # the rest is over
    await harness.rest_timers.wait_all()
    rung = await user.background(1)
    (text,) = rung.texts()
    assert text.startswith("⏱ Время следующего подхода: ") and ", подход 2 из " in text
    assert len(harness.rest_waits) == 1 and harness.rest_waits[0] > 0
