"""How reminders read: the rule, the weekdays, the hours."""

from __future__ import annotations

from collections.abc import Sequence

from trainer_bot.db.enums import ReminderMode
from trainer_bot.services.reminder_schedule import DAYTIME_HOURS
from trainer_bot.services.reminders import ReminderSettings
from trainer_bot.time_zones import UserZone

WEEKDAYS = ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс")
NIGHT_TEXT = "🌙 Это ночь — в это время я не напоминаю. Выбери час с 08:00 до 21:00."
HOUR_FORMAT_TEXT = (
    "Напиши час числом от 8 до 21 (например, <code>9</code> или <code>18:00</code>) "
    "или выбери кнопкой."
)


def hour_text(hour: int) -> str:
    return f"{hour:02d}:00"


def days_text(weekdays: Sequence[int]) -> str:
    if len(weekdays) == 7:
        return "каждый день"
    return "по " + ", ".join(WEEKDAYS[day].lower() for day in weekdays)


def rule_text(settings: ReminderSettings, zone: UserZone) -> str:
    """«по пн, ср, пт в 09:00 по Москве»."""
    at = f"в {hour_text(settings.hour)} {zone.by}"
    if settings.mode is ReminderMode.NEXT_WORKOUT:
        return f"в день, когда откроется новая тренировка, {at}"
    return f"{days_text(settings.weekdays)} {at}"


def status_text(settings: ReminderSettings | None, zone: UserZone) -> str:
    if settings is None or not settings.enabled:
        return "🔕 Сейчас напоминания выключены."
    if settings.paused:
        return (
            f"⏸ На паузе ({rule_text(settings, zone)}): Telegram сообщил, что бот "
            "заблокирован. Выбери время заново — и я продолжу."
        )
    return f"🔔 Сейчас: {rule_text(settings, zone)}."


def parse_hour(text: str | None) -> int | None:
    """«9», «09», «9:00», «18.00» -> the hour; None when it is not an hour of the day."""
    cleaned = (text or "").strip().lower().removesuffix("ч").strip()
    hours, _, minutes = cleaned.replace(".", ":").partition(":")
    if not hours.isdigit() or (minutes and minutes != "00"):
        return None
    hour = int(hours)
    return hour if 0 <= hour <= 24 else None


HOUR_CHOICES = [(str(hour), hour_text(hour)) for hour in DAYTIME_HOURS]
