"""The user's own time and reminders within one update: the zone, the settings, switching.

The sender that delivers due reminders is trainer_bot/services/reminder_sender.py; both
use `arm` to set when a reminder is next due.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from sqlalchemy.ext.asyncio import AsyncSession

from trainer_bot.db.enums import ReminderMode
from trainer_bot.db.models import Reminder
from trainer_bot.queries import reminders as reminder_queries
from trainer_bot.services.reminder_schedule import Rule, is_daytime_hour, next_due, weekdays_of
from trainer_bot.services.users import Users
from trainer_bot.time_zones import UserZone, is_valid_zone, resolve_zone

logger = logging.getLogger(__name__)


class NightHourError(ValueError):
    """22:00-08:00 was asked for: reminders never come at night."""


@dataclass(frozen=True, slots=True)
class ReminderSettings:
    mode: ReminderMode
    weekdays: tuple[int, ...]  # 0 Monday ... 6 Sunday (DAYS mode)
    hour: int
    enabled: bool
    paused: bool  # the user blocked the bot; resumed when they come back
    next_at: datetime | None


def settings_view(reminder: Reminder) -> ReminderSettings:
    return ReminderSettings(
        mode=ReminderMode(reminder.mode),
        weekdays=weekdays_of(reminder.days),
        hour=reminder.hour,
        enabled=reminder.enabled,
        paused=reminder.paused_at is not None,
        next_at=reminder.next_at,
    )


def arm(
    reminder: Reminder,
    tz: tzinfo,
    *,
    now: datetime,
    last_workout_at: datetime | None,
    cooldown: timedelta,
    skip_day: date | None = None,
) -> None:
    """Set when the reminder is next due (NULL when nothing is to come)."""
    rule = Rule(ReminderMode(reminder.mode), reminder.days, reminder.hour)
    if not reminder.enabled:
        reminder.next_at = None
        return
    if rule.mode is ReminderMode.NEXT_WORKOUT:
        reminder.anchor_at = last_workout_at
        open_at = last_workout_at + cooldown if last_workout_at is not None else now
        reminder.next_at = next_due(rule, tz, after=now, open_at=open_at, skip_day=skip_day)
    else:
        reminder.next_at = next_due(rule, tz, after=now, skip_day=skip_day)


class Reminders:
    """The user's zone and reminder settings, bound to the update's session."""

    __slots__ = ("_clock", "_cooldown", "_default_timezone", "_session", "_users")

    def __init__(
        self,
        session: AsyncSession,
        clock: Callable[[], datetime],
        default_timezone: str,
        cooldown: timedelta,
        users: Users,
    ) -> None:
        self._session = session
        self._clock = clock
        self._default_timezone = default_timezone
        self._cooldown = cooldown
        self._users = users

    async def zone(self, telegram_id: int) -> UserZone:
        """The user's zone, or the bot's default (TIMEZONE) until they choose (read once
        per update, or not at all when completing a workout already read it)."""
        value = await self._users.timezone(telegram_id)
        return resolve_zone(value, self._default_timezone)

    def default_zone(self) -> UserZone:
        return resolve_zone(None, self._default_timezone)

    async def settings(self, telegram_id: int) -> ReminderSettings | None:
        """None when the user never set reminders up (one query)."""
        reminder = await reminder_queries.of_telegram_id(self._session, telegram_id)
        return settings_view(reminder) if reminder is not None else None

    async def set_timezone(self, telegram_id: int, value: str) -> UserZone | None:
        """Save the zone (a city's IANA name or 'UTC+5:30'); a reminder keeps its local
        hour. None when the user has no profile."""
        if not is_valid_zone(value):
            raise ValueError(f"not a zone we offer: {value!r}")
        user = await reminder_queries.user_of(self._session, telegram_id)
        if user is None:
            return None
        await reminder_queries.set_timezone(self._session, user.id, value)
        zone = resolve_zone(value, self._default_timezone)
        reminder = await reminder_queries.get(self._session, user.id)
        if reminder is not None and reminder.paused_at is None:
            self._arm(reminder, zone.tz, user.last_workout_at)
        await self._session.commit()
        self._users.forget(telegram_id)
        logger.info("User %s set the time zone %s", telegram_id, value)
        return zone

    async def save(
        self, telegram_id: int, mode: ReminderMode, hour: int, weekdays: int = 0
    ) -> ReminderSettings | None:
        """Switch reminders on with this rule; NightHourError for 22:00-07:00."""
        if not is_daytime_hour(hour):
            raise NightHourError(hour)
        if mode is ReminderMode.DAYS and not weekdays:
            raise ValueError("no weekday chosen")
        user = await reminder_queries.user_of(self._session, telegram_id)
        if user is None:
            return None
        reminder = await reminder_queries.get(self._session, user.id)
        if reminder is None:
            reminder = Reminder(user_id=user.id)
            reminder_queries.put(self._session, reminder)
        reminder.mode = mode.value
        reminder.days = weekdays if mode is ReminderMode.DAYS else 0
        reminder.hour = hour
        reminder.enabled = True
        reminder.paused_at = None  # they are here: not blocked
        zone = resolve_zone(user.timezone, self._default_timezone)
        self._arm(reminder, zone.tz, user.last_workout_at)
        await self._session.commit()
        logger.info("User %s set reminders: %s at %02d:00", telegram_id, mode.value, hour)
        return settings_view(reminder)

    async def switch_off(self, telegram_id: int) -> bool:
        """True when reminders were on."""
        user = await reminder_queries.user_of(self._session, telegram_id)
        reminder = await reminder_queries.get(self._session, user.id) if user else None
        if reminder is None or not reminder.enabled:
            return False
        reminder.enabled = False
        reminder.next_at = None
        await self._session.commit()
        logger.info("User %s switched reminders off", telegram_id)
        return True

    async def set_blocked(self, telegram_id: int, blocked: bool) -> None:
        """The user blocked the bot (pause) or came back (resume, from now on)."""
        user = await reminder_queries.user_of(self._session, telegram_id)
        reminder = await reminder_queries.get(self._session, user.id) if user else None
        if user is None or reminder is None or (reminder.paused_at is not None) == blocked:
            return
        now = self._clock()
        if blocked:
            reminder.paused_at = now
        else:
            reminder.paused_at = None
            zone = resolve_zone(user.timezone, self._default_timezone)
            self._arm(reminder, zone.tz, user.last_workout_at)
        await self._session.commit()
        logger.info(
            "Reminders of user %s %s", telegram_id, "paused (blocked)" if blocked else "resumed"
        )

    def _arm(self, reminder: Reminder, tz: tzinfo, last_workout_at: datetime | None) -> None:
        arm(
            reminder,
            tz,
            now=self._clock(),
            last_workout_at=last_workout_at,
            cooldown=self._cooldown,
            skip_day=reminder.last_sent_on,
        )
