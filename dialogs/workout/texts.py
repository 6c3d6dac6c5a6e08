"""How workouts read in Russian: times, sets and reps, rest, muscles."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from html import escape

from dialogs.sets_text import sets_text as format_sets
from trainer_bot.db.enums import Muscle
from trainer_bot.formatting import format_duration, format_kg, plural
from trainer_bot.services.rebuilds import REBUILDS_PER_PERIOD, RebuildOutcome, RebuildStatus
from trainer_bot.services.views import ExerciseView, LoggedSet
from trainer_bot.time_zones import UserZone

TELEGRAM_TEXT_LIMIT = 4096

MUSCLE_NAMES: dict[str, str] = {
    Muscle.CHEST: "грудь",
    Muscle.BACK: "спина",
    Muscle.LOWER_BACK: "поясница",
    Muscle.SHOULDERS: "плечи",
    Muscle.BICEPS: "бицепс",
    Muscle.TRICEPS: "трицепс",
    Muscle.FOREARMS: "предплечья",
    Muscle.QUADS: "квадрицепсы",
    Muscle.HAMSTRINGS: "задняя поверхность бедра",
    Muscle.GLUTES: "ягодицы",
    Muscle.CALVES: "икры",
    Muscle.CORE: "мышцы кора",
}


def muscles_text(muscles: Iterable[str]) -> str:
    return ", ".join(MUSCLE_NAMES.get(muscle, muscle) for muscle in muscles)


def wait_text(now: datetime, moment: datetime, zone: UserZone) -> str:
    """'через 3 ч 20 мин, в 21:40 по Москве' (or 'завтра в 09:10 …' on another day), in
    the user's own time zone, named."""
    local_now = zone.local(now)
    local = zone.local(moment)
    days = (local.date() - local_now.date()).days
    if days == 0:
        when = f"в {local:%H:%M}"
    elif days == 1:
        when = f"завтра в {local:%H:%M}"
    else:
        when = f"{local:%d.%m} в {local:%H:%M}"
    return f"через {format_duration(moment - now)}, {when} {zone.by}"


def rest_text(seconds: int) -> str:
    if seconds < 60 or seconds % 30:
        return f"{seconds} с"
    return f"{format_kg(seconds / 60)} мин"


def reps_text(item: ExerciseView) -> str:
    reps = (
        f"{item.reps_min}" if item.reps_min == item.reps_max else f"{item.reps_min}–{item.reps_max}"
    )
    unit = " с" if item.is_timed else ""
    return f"{item.sets} × {reps}{unit}"


def load_text(item: ExerciseView) -> str:
    return f"{format_kg(item.weight_kg)} кг" if item.weight_kg else "свой вес"


def exercise_line(item: ExerciseView) -> str:
    return (
        f"{item.position}. <b>{escape(item.name)}</b> — {reps_text(item)}, "
        f"{load_text(item)}, отдых {rest_text(item.rest_seconds)}"
    )


def sets_text(sets: Sequence[LoggedSet], *, timed: bool = False) -> str:
    """'60 кг × 10, 10, 9': see `dialogs.sets_text`."""
    return format_sets([(item.reps, item.weight_kg) for item in sets], timed=timed)


# Why «🔁 Собрать заново» cannot go ahead (the limit has a text of its own).
REBUILD_REFUSALS = {
    RebuildOutcome.IN_PROGRESS: "Уже собираю тренировку — она появится отдельным сообщением.",
    RebuildOutcome.NOT_PLANNED: "Эта тренировка уже завершена или заменена — пересобирать нечего.",
    RebuildOutcome.LOGGED: "В этой тренировке уже записаны подходы — её не пересобрать. "
    "Замени отдельное упражнение кнопкой «🔄 Заменить».",
    RebuildOutcome.NOT_REGISTERED: "Сначала заполни анкету — /start.",
}


def rebuild_limit_text(now: datetime, status: RebuildStatus, zone: UserZone) -> str:
    """The third rebuild of a cooldown period: refused, with when the next workout opens."""
    moment = status.available_at
    when = f" — она будет {wait_text(now, moment, zone)}" if moment else ""
    return (
        f"Пересобрать можно не больше {REBUILDS_PER_PERIOD} раз до следующей тренировки, "
        f"лимит исчерпан. Дождись новой тренировки{when}."
    )


def rebuild_status_text(now: datetime, status: RebuildStatus, zone: UserZone) -> str:
    """How many rebuilds are left, and until when."""
    if status.available_at is None:
        return "Новая тренировка заменит эту — перерыв после прошлой уже прошёл."
    if status.left <= 0:
        return rebuild_limit_text(now, status, zone)
    times = plural(status.left, "раз", "раза", "раз")
    return (
        f"Можно пересобрать ещё {status.left} {times} до следующей тренировки "
        f"({wait_text(now, status.available_at, zone)})."
    )
