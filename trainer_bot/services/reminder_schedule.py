"""When a reminder is due: pure date arithmetic in the user's own time zone.

A reminder comes at a whole local hour from 08:00 to 21:00 (night hours are refused when
the user chooses, and never used), at most once a local day: on the chosen weekdays, or
on the first day the next workout is open at that hour.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from trainer_bot.db.enums import ReminderMode
from trainer_bot.db.models import ALL_WEEKDAYS, REMINDER_HOURS

FIRST_HOUR, LAST_HOUR = REMINDER_HOURS
DAYTIME_HOURS = tuple(range(FIRST_HOUR, LAST_HOUR + 1))
# A reminder found later than this (the bot was down) is not sent: the next one is set.
MAX_LATENESS = timedelta(hours=2)


def is_daytime_hour(hour: int) -> bool:
    """08:00-21:00 may be chosen; 22:00-07:00 is the night."""
    return FIRST_HOUR <= hour <= LAST_HOUR


def is_daytime(local: datetime) -> bool:
    """Whether a local moment is outside the night (22:00-08:00)."""
    return FIRST_HOUR <= local.hour <= LAST_HOUR


def days_mask(weekdays: Iterable[int]) -> int:
    """Weekdays (0 Monday ... 6 Sunday) as the bit set stored in reminders.days."""
    mask = 0
    for day in weekdays:
        if not 0 <= day <= 6:
            raise ValueError(f"weekday {day} is not 0..6")
        mask |= 1 << day
    return mask


def weekdays_of(mask: int) -> tuple[int, ...]:
    return tuple(day for day in range(7) if mask & ALL_WEEKDAYS & (1 << day))


@dataclass(frozen=True, slots=True)
class Rule:
    """What the user chose."""

    mode: ReminderMode
    days: int  # weekday bits (DAYS mode)
    hour: int


def _at(day: date, hour: int, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=tz)


def next_due(
    rule: Rule,
    tz: tzinfo,
    *,
    after: datetime,
    open_at: datetime | None = None,
    skip_day: date | None = None,
) -> datetime | None:
    """The first moment at `rule.hour` local time later than `after` (and, for "when the
    next workout opens", not before `open_at`), never on `skip_day` (the local day a
    reminder was already sent). None when no weekday is chosen."""
    start = after
    if rule.mode is ReminderMode.NEXT_WORKOUT and open_at is not None and open_at > after:
        start = open_at
    day = start.astimezone(tz).date()
    for _ in range(15):  # two weeks cover every weekday set, DST days included
        moment = _at(day, rule.hour, tz)
        wanted = rule.mode is ReminderMode.NEXT_WORKOUT or rule.days & (1 << day.weekday())
        if wanted and day != skip_day and moment > after and moment >= start:
            return moment
        day += timedelta(days=1)
    return None
