"""The user's own time zone: the cities offered, UTC offsets typed in, and their names.

A user's zone is stored as text in `users.timezone`: an IANA name of one of the offered
cities («Москва» is `Europe/Moscow`) or a fixed offset written `UTC+05:30`. NULL means
the user has not chosen: the `TIMEZONE` setting (the bot's default) applies, and the zone
is named by its city when it is one of ours, else by its offset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# (IANA name, the city as the buttons and the texts name it). Russia has no daylight
# saving time since 2014, so each of these is a fixed offset in practice.
CITIES: tuple[tuple[str, str], ...] = (
    ("Europe/Kaliningrad", "Калининград"),
    ("Europe/Moscow", "Москва"),
    ("Europe/Samara", "Самара"),
    ("Asia/Yekaterinburg", "Екатеринбург"),
    ("Asia/Omsk", "Омск"),
    ("Asia/Novosibirsk", "Новосибирск"),
    ("Asia/Krasnoyarsk", "Красноярск"),
    ("Asia/Irkutsk", "Иркутск"),
    ("Asia/Yakutsk", "Якутск"),
    ("Asia/Vladivostok", "Владивосток"),
    ("Asia/Magadan", "Магадан"),
    ("Asia/Kamchatka", "Камчатка"),
)
CITY_NAMES = dict(CITIES)
# «в 21:40 по Москве»: the city in the dative case.
CITY_DATIVES = {
    "Europe/Kaliningrad": "Калининграду",
    "Europe/Moscow": "Москве",
    "Europe/Samara": "Самаре",
    "Asia/Yekaterinburg": "Екатеринбургу",
    "Asia/Omsk": "Омску",
    "Asia/Novosibirsk": "Новосибирску",
    "Asia/Krasnoyarsk": "Красноярску",
    "Asia/Irkutsk": "Иркутску",
    "Asia/Yakutsk": "Якутску",
    "Asia/Vladivostok": "Владивостоку",
    "Asia/Magadan": "Магадану",
    "Asia/Kamchatka": "Камчатке",
}
OFFSET_PREFIX = "UTC"
# Offsets that exist on Earth: UTC-12 (Baker Island) to UTC+14 (Kiribati).
MIN_OFFSET = timedelta(hours=-12)
MAX_OFFSET = timedelta(hours=14)
# «+3», «-5», «+5:30», «UTC+3», «GMT-03:30», «+0545», «3»
_OFFSET_RE = re.compile(
    r"^(?:utc|gmt|мск)?\s*([+\-−])?\s*(\d{1,2})(?:[:.]?(\d{2}))?$", re.IGNORECASE
)
OFFSET_HINT = (
    "Напиши смещение от UTC, например <code>+3</code>, <code>-5</code> или <code>+5:30</code>."
)


class OffsetError(ValueError):
    """A typed offset we cannot use; the message is for the user (Russian)."""


@dataclass(frozen=True, slots=True)
class UserZone:
    """A zone and how texts name it: «Москва», «UTC+5:30»; «по Москве», «по UTC+5:30»."""

    tz: tzinfo
    name: str
    chosen: bool  # False: the bot's default (the user has not chosen yet)
    dative: str = ""

    @property
    def by(self) -> str:
        """«по Москве»: how a time is said to be in this zone («в 21:40 по Москве»)."""
        return f"по {self.dative or self.name}"

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)


def format_offset(offset: timedelta) -> str:
    """'UTC+5', 'UTC-3:30', 'UTC+0'."""
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{OFFSET_PREFIX}{sign}{hours}" + (f":{rest:02d}" if rest else "")


def parse_offset(text: str | None) -> str:
    """A typed UTC offset as it is stored ('UTC+5:30'); OffsetError when not one."""
    cleaned = (text or "").strip().replace(" ", "")
    match = _OFFSET_RE.match(cleaned)
    if not match:
        raise OffsetError("Не понял смещение: нужно число часов со знаком.")
    sign, hours_text, minutes_text = match.groups()
    hours, minutes = int(hours_text), int(minutes_text or 0)
    if minutes not in (0, 15, 30, 45):
        raise OffsetError("Минуты смещения бывают только 00, 15, 30 или 45.")
    offset = timedelta(hours=hours, minutes=minutes)
    if sign in ("-", "−"):
        offset = -offset
    if not MIN_OFFSET <= offset <= MAX_OFFSET:
        raise OffsetError("Такого смещения нет: бывает от −12 до +14 часов.")
    return format_offset(offset)


def _offset_of(value: str) -> timedelta | None:
    if not value.startswith(OFFSET_PREFIX):
        return None
    try:
        stored = parse_offset(value)
    except OffsetError:
        return None
    sign = -1 if stored[len(OFFSET_PREFIX)] == "-" else 1
    hours, _, minutes = stored[len(OFFSET_PREFIX) + 1 :].partition(":")
    return sign * timedelta(hours=int(hours), minutes=int(minutes or 0))


def is_valid_zone(value: str) -> bool:
    return value in CITY_NAMES or _offset_of(value) is not None


def resolve_zone(value: str | None, default: str) -> UserZone:
    """The user's zone (`value` from users.timezone), else the bot's default."""
    if value:
        if value in CITY_NAMES:
            return UserZone(ZoneInfo(value), CITY_NAMES[value], True, CITY_DATIVES[value])
        offset = _offset_of(value)
        if offset is not None:
            return UserZone(timezone(offset), format_offset(offset), chosen=True)
    return default_zone(default)


def default_zone(name: str) -> UserZone:
    """The `TIMEZONE` setting as a zone: named by its city, else by its current offset."""
    try:
        tz: tzinfo = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        tz = UTC
    if name in CITY_NAMES:
        return UserZone(tz, CITY_NAMES[name], False, CITY_DATIVES[name])
    offset = datetime.now(tz).utcoffset() or timedelta(0)
    return UserZone(tz, format_offset(offset), chosen=False)
