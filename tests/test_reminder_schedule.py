"""Time zones, when reminders are due, the send pace, and the sender on both databases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dialogs.reminders.prompt import compose_reminder
from tests.fakes.recording_bot import RecordingBot
from tests.support.databases import empty_database_url as empty_database_url  # the fixture
from trainer_bot.db.engine import create_engine, create_session_factory
from trainer_bot.db.enums import ReminderMode
from trainer_bot.db.migrations import upgrade_to_head
from trainer_bot.db.models import Reminder, User
from trainer_bot.services.reminder_schedule import Rule, days_mask, next_due, weekdays_of
from trainer_bot.services.reminder_sender import ReminderSender
from trainer_bot.services.send_pacer import LocalPacer
from trainer_bot.time_zones import OffsetError, parse_offset, resolve_zone

MONDAY = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("+3", "UTC+3"),
        ("3", "UTC+3"),
        ("-5", "UTC-5"),
        ("−5", "UTC-5"),
        ("+5:30", "UTC+5:30"),
        ("UTC+05:45", "UTC+5:45"),
        ("gmt-3.30", "UTC-3:30"),
        ("+0545", "UTC+5:45"),
        ("0", "UTC+0"),
        ("+14", "UTC+14"),
        ("-12", "UTC-12"),
    ],
)
def test_typed_offsets(typed: str, stored: str) -> None:
    assert parse_offset(typed) == stored


@pytest.mark.parametrize("typed", ["", "abc", "+15", "-13", "+5:20", "+5:60", "++3", None])
def test_offsets_that_do_not_exist_are_refused(typed: str | None) -> None:
    with pytest.raises(OffsetError):
        parse_offset(typed)


def test_zones_are_named() -> None:
    city = resolve_zone("Asia/Yekaterinburg", "Europe/Moscow")
    assert (city.name, city.by, city.chosen) == ("Екатеринбург", "по Екатеринбургу", True)
    offset = resolve_zone("UTC-3:30", "Europe/Moscow")
    assert (offset.name, offset.by) == ("UTC-3:30", "по UTC-3:30")
    assert offset.local(MONDAY).strftime("%H:%M") == "05:30"
    default = resolve_zone(None, "Europe/Moscow")
    assert (default.name, default.chosen) == ("Москва", False)
    assert resolve_zone("Mars/Olympus", "Europe/Moscow").name == "Москва"  # never trusted
    assert resolve_zone(None, "Europe/Berlin").name.startswith("UTC+")  # not one of ours


def test_weekdays_round_trip() -> None:
    assert weekdays_of(days_mask([0, 2, 4])) == (0, 2, 4)
    with pytest.raises(ValueError):
        days_mask([7])


def test_next_due_in_a_dst_free_city_and_an_offset() -> None:
    rule = Rule(ReminderMode.DAYS, days_mask([0, 2, 4]), 9)
    # Monday 14:00 in Yekaterinburg: Monday's 09:00 has passed, Wednesday's is next.
    yekaterinburg = ZoneInfo("Asia/Yekaterinburg")
    assert next_due(rule, yekaterinburg, after=MONDAY) == datetime(2026, 3, 4, 4, tzinfo=UTC)
    # UTC-10: it is Sunday 23:00 there; Monday 09:00 local is 19:00 UTC.
    minus_ten = resolve_zone("UTC-10", "Europe/Moscow").tz
    assert next_due(rule, minus_ten, after=MONDAY) == datetime(2026, 3, 2, 19, tzinfo=UTC)
    # Never twice a local day: the day already reminded is skipped.
    assert next_due(rule, minus_ten, after=MONDAY, skip_day=date(2026, 3, 2)) == datetime(
        2026, 3, 4, 19, tzinfo=UTC
    )


def test_next_due_across_a_dst_change_keeps_the_local_hour() -> None:
    rule = Rule(ReminderMode.DAYS, days_mask(range(7)), 9)
    berlin = ZoneInfo("Europe/Berlin")  # summer time from 02:00 on 29 March 2026
    winter = next_due(rule, berlin, after=datetime(2026, 3, 27, 12, tzinfo=UTC))
    summer = next_due(rule, berlin, after=datetime(2026, 3, 28, 12, tzinfo=UTC))
    assert winter == datetime(2026, 3, 28, 8, tzinfo=UTC)  # 09:00 CET
    assert summer == datetime(2026, 3, 29, 7, tzinfo=UTC)  # 09:00 CEST


def test_next_workout_waits_for_the_workout_to_open() -> None:
    rule = Rule(ReminderMode.NEXT_WORKOUT, 0, 10)
    moscow = ZoneInfo("Europe/Moscow")
    open_at = datetime(2026, 3, 2, 21, tzinfo=UTC)  # Tuesday 00:00 in Moscow
    assert next_due(rule, moscow, after=MONDAY, open_at=open_at) == datetime(
        2026, 3, 3, 7, tzinfo=UTC
    )


async def test_local_pacer_spaces_sends_and_pauses() -> None:
    now = [0.0]
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        now[0] += seconds

    pacer = LocalPacer(25.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(26):
        await pacer.acquire()
    assert now[0] == pytest.approx(1.0)  # 26 sends: 25 intervals of 40 ms
    await pacer.pause(2.0)  # a 429: everyone waits, then the pace is halved
    await pacer.acquire()
    assert now[0] == pytest.approx(3.0)
    await pacer.acquire()
    assert now[0] == pytest.approx(3.08)
    for _ in range(200):  # and creeps back to 25 a second
        await pacer.acquire()
    before = now[0]
    await pacer.acquire()
    assert now[0] - before == pytest.approx(0.04)


async def test_the_sender_works_on_both_databases(empty_database_url: str) -> None:
    """SQLite (one process, no row locks) as Postgres: a due reminder is sent once."""
    await upgrade_to_head(empty_database_url)
    engine = create_engine(empty_database_url)
    try:
        factory = create_session_factory(engine)
        async with factory() as session:
            user = User(
                telegram_id=4242,
                gender="female",
                age=30,
                height_cm=165,
                current_weight_kg=60,
                fitness_level="beginner",
                goal="maintenance",
                target_weight_kg=60,
                workout_frequency=3,
                equipment_type="gym",
                timezone="Europe/Moscow",
            )
            session.add(user)
            await session.flush()
            session.add(Reminder(user_id=user.id, mode="days", days=127, hour=12, next_at=MONDAY))
            await session.commit()
        sender = ReminderSender(
            factory,
            default_timezone="Europe/Moscow",
            cooldown=timedelta(hours=12),
            clock=lambda: MONDAY,
            pacer=LocalPacer(1000.0),
        )
        sender.attach_composer(compose_reminder)
        bot = RecordingBot()
        assert (await sender.deliver_due(bot)).sent == 1
        assert (await sender.deliver_due(bot)).sent == 0
        assert bot.sent_texts() == [compose_reminder(ReminderMode.DAYS).text]
    finally:
        await engine.dispose()
