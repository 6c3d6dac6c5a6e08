"""The week split: which session comes next, by the last completed workouts.

The rotation follows the completed hard sessions, not the calendar: a missed day shifts
the plan instead of skipping a muscle group. Two guards can turn the next session into a
light (mobility) day: the weekly cap of hard sessions (a beginner on 5/week gets 3) and
the ~48 h recovery of a muscle loaded hard the day before.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.db.enums import FitnessLevel, Movement, Muscle, WorkoutStatus
from trainer_bot.training import rules
from trainer_bot.training.rules import (
    FOCUS_FULL_BODY_A,
    FOCUS_FULL_BODY_B,
    FOCUS_LEGS,
    FOCUS_LIGHT,
    FOCUS_LOWER,
    FOCUS_PULL,
    FOCUS_PUSH,
    FOCUS_UPPER,
)
from trainer_bot.training.schemas import PastWorkout, TrainingProfile


@dataclass(frozen=True, slots=True)
class PatternSlot:
    """One exercise slot of a session: the movement patterns that fill it (preferred
    first), optionally a muscle the exercise must work as a primary one, and whether a
    multi-joint exercise is wanted (the main lifts) when the pattern has both kinds."""

    movements: tuple[Movement, ...]
    muscle: Muscle | None = None
    compound: bool = False


_M = Movement
# Slots per focus in session order: multi-joint before single-joint, large muscles before
# small, trunk last. The generator fills them from the top and stops when the session's
# volume or time budget is spent, so later slots are the optional ones.
BLUEPRINTS: Mapping[str, tuple[PatternSlot, ...]] = {
    FOCUS_FULL_BODY_A: (
        PatternSlot((_M.SQUAT,), compound=True),
        PatternSlot((_M.HORIZONTAL_PUSH,), compound=True),
        PatternSlot((_M.HORIZONTAL_PULL, _M.VERTICAL_PULL), compound=True),
        PatternSlot((_M.HINGE,), compound=True),
        PatternSlot((_M.VERTICAL_PUSH,), compound=True),
        PatternSlot((_M.CORE,)),
        PatternSlot((_M.ARMS,), Muscle.BICEPS),
    ),
    FOCUS_FULL_BODY_B: (
        PatternSlot((_M.HINGE,), compound=True),
        PatternSlot((_M.VERTICAL_PULL, _M.HORIZONTAL_PULL), compound=True),
        PatternSlot((_M.HORIZONTAL_PUSH, _M.VERTICAL_PUSH), compound=True),
        PatternSlot((_M.LUNGE, _M.SQUAT), compound=True),
        PatternSlot((_M.SHOULDER_ISOLATION, _M.VERTICAL_PUSH), Muscle.SHOULDERS),
        PatternSlot((_M.CORE,)),
        PatternSlot((_M.ARMS,), Muscle.TRICEPS),
    ),
    FOCUS_UPPER: (
        PatternSlot((_M.HORIZONTAL_PUSH,), compound=True),
        PatternSlot((_M.HORIZONTAL_PULL, _M.VERTICAL_PULL), compound=True),
        PatternSlot((_M.VERTICAL_PUSH, _M.HORIZONTAL_PUSH), compound=True),
        PatternSlot((_M.VERTICAL_PULL, _M.HORIZONTAL_PULL), compound=True),
        PatternSlot((_M.SHOULDER_ISOLATION,), Muscle.SHOULDERS),
        PatternSlot((_M.ARMS,), Muscle.BICEPS),
        PatternSlot((_M.ARMS,), Muscle.TRICEPS),
    ),
    FOCUS_LOWER: (
        PatternSlot((_M.SQUAT,), compound=True),
        PatternSlot((_M.HINGE,), compound=True),
        PatternSlot((_M.LUNGE, _M.SQUAT), compound=True),
        PatternSlot((_M.LEG_ISOLATION, _M.HINGE), Muscle.HAMSTRINGS),
        PatternSlot((_M.LEG_ISOLATION,), Muscle.CALVES),
        PatternSlot((_M.CORE,)),
    ),
    FOCUS_PUSH: (
        PatternSlot((_M.HORIZONTAL_PUSH,), compound=True),
        PatternSlot((_M.VERTICAL_PUSH,), compound=True),
        PatternSlot((_M.HORIZONTAL_PUSH, _M.VERTICAL_PUSH), compound=True),
        PatternSlot((_M.SHOULDER_ISOLATION,), Muscle.SHOULDERS),
        PatternSlot((_M.ARMS,), Muscle.TRICEPS),
        PatternSlot((_M.CORE,)),
    ),
    FOCUS_PULL: (
        PatternSlot((_M.VERTICAL_PULL, _M.HORIZONTAL_PULL), compound=True),
        PatternSlot((_M.HORIZONTAL_PULL, _M.VERTICAL_PULL), compound=True),
        PatternSlot((_M.HORIZONTAL_PULL, _M.VERTICAL_PULL), compound=True),
        PatternSlot((_M.ARMS,), Muscle.BICEPS),
        PatternSlot((_M.CORE,)),
        PatternSlot((_M.ARMS,), Muscle.BICEPS),
    ),
    FOCUS_LEGS: (
        PatternSlot((_M.SQUAT,), compound=True),
        PatternSlot((_M.HINGE,), compound=True),
        PatternSlot((_M.LUNGE, _M.SQUAT), compound=True),
        PatternSlot((_M.LEG_ISOLATION,), Muscle.QUADS),
        PatternSlot((_M.LEG_ISOLATION, _M.HINGE), Muscle.HAMSTRINGS),
        PatternSlot((_M.LEG_ISOLATION,), Muscle.CALVES),
        PatternSlot((_M.CORE,)),
    ),
    FOCUS_LIGHT: (
        PatternSlot((_M.CORE,)),
        PatternSlot((_M.HINGE, _M.LUNGE)),
        PatternSlot((_M.SQUAT, _M.LUNGE)),
        PatternSlot((_M.CORE,)),
        PatternSlot((_M.HORIZONTAL_PUSH, _M.CONDITIONING)),
        PatternSlot((_M.CONDITIONING, _M.CORE)),
    ),
}

TITLES: Mapping[str, str] = {
    FOCUS_FULL_BODY_A: "Всё тело (А): ноги, грудь, спина",
    FOCUS_FULL_BODY_B: "Всё тело (Б): задняя поверхность, спина, плечи",
    FOCUS_UPPER: "Верх тела: грудь, спина, плечи",
    FOCUS_LOWER: "Низ тела: ноги и ягодицы",
    FOCUS_PUSH: "Жимовой день: грудь, плечи, трицепс",
    FOCUS_PULL: "Тяговый день: спина и бицепс",
    FOCUS_LEGS: "Ноги: квадрицепсы, задняя поверхность бедра, ягодицы",
    FOCUS_LIGHT: "Лёгкий день: мобильность и кор",
}
# "сегодня …"
_TODAY: Mapping[str, str] = {
    FOCUS_FULL_BODY_A: "всё тело, вариант А",
    FOCUS_FULL_BODY_B: "всё тело, вариант Б",
    FOCUS_UPPER: "верх тела",
    FOCUS_LOWER: "низ тела",
    FOCUS_PUSH: "жимовой день (грудь, плечи, трицепс)",
    FOCUS_PULL: "тяговый день (спина и бицепс)",
    FOCUS_LEGS: "ноги",
    FOCUS_LIGHT: "лёгкий день",
}
# "вчера нагружали …"
_WORKED: Mapping[str, str] = {
    FOCUS_FULL_BODY_A: "всё тело",
    FOCUS_FULL_BODY_B: "всё тело",
    FOCUS_UPPER: "верх тела",
    FOCUS_LOWER: "ноги",
    FOCUS_PUSH: "грудь, плечи и трицепс",
    FOCUS_PULL: "спину и бицепс",
    FOCUS_LEGS: "ноги",
    FOCUS_LIGHT: "мышцы",
}
# "после …" / "вместо …"
_AFTER: Mapping[str, str] = {
    FOCUS_FULL_BODY_A: "тренировки на всё тело (А)",
    FOCUS_FULL_BODY_B: "тренировки на всё тело (Б)",
    FOCUS_UPPER: "верха тела",
    FOCUS_LOWER: "ног",
    FOCUS_PUSH: "жимового дня",
    FOCUS_PULL: "тягового дня",
    FOCUS_LEGS: "ног",
    FOCUS_LIGHT: "лёгкого дня",
}
_ORDINALS = ("первая", "вторая", "третья", "четвёртая", "пятая", "шестая", "седьмая")
_OF_COUNT = {1: "одной", 2: "двух", 3: "трёх", 4: "четырёх", 5: "пяти"}

_SPLIT_WHY_FULL_BODY_2 = (
    "При двух тренировках в неделю каждая — на всё тело, варианты А и Б чередуются."
)
_SPLIT_WHY_FULL_BODY_3 = (
    "На старте лучше всего работает всё тело три раза в неделю: А, Б, А, затем Б, А, Б."
)
_SPLIT_WHY_FULL_BODY_5 = (
    "Из пяти дней на старте три силовых на всё тело, остальные — лёгкие, "
    "чтобы успевать восстанавливаться."
)
_SPLIT_WHY_UPPER_LOWER_FULL = "Неделя: верх, низ, всё тело — каждая мышца получает нагрузку дважды."
_SPLIT_WHY_FIVE = (
    "Неделя: верх, низ, жим, тяга, ноги — каждая мышца работает дважды, "
    "с отдыхом не меньше 48 часов."
)


class LightReason(StrEnum):
    WEEK_CAP = "week_cap"
    SAME_DAY = "same_day"
    RECOVERY = "recovery"
    NOT_CONSECUTIVE = "not_consecutive"  # minors: never two hard days in a row


@dataclass(frozen=True, slots=True)
class SessionSlot:
    """Today's session: what to train and why, for the generator and the LLM prompt."""

    focus: str  # full_body_a, full_body_b, upper, lower, push, pull, legs, light
    title: str  # Russian, e.g. "Верх тела: грудь, спина, плечи"
    rationale: str  # one Russian line: the focus of the day and its place in the week
    patterns: tuple[PatternSlot, ...]
    # Muscles the session may load hard (empty for a light day).
    muscles: frozenset[Muscle]
    # Loaded hard within the last ~48 h: today's exercises keep them out of primary work.
    avoid_muscles: frozenset[Muscle]
    # Which hard session of the calendar week this is (1-based); 0 for a light day.
    week_position: int
    hard_sessions_per_week: int

    @property
    def is_hard(self) -> bool:
        return self.focus != FOCUS_LIGHT

    @property
    def movements(self) -> tuple[Movement, ...]:
        """The target movement patterns, in session order, without repeats."""
        seen: dict[Movement, None] = {}
        for slot in self.patterns:
            seen.update(dict.fromkeys(slot.movements))
        return tuple(seen)

    def prompt_hint(self) -> str:
        """A compact, self-contained description of the session for the LLM prompt."""
        parts = [
            f"focus {self.focus}",
            f"theme «{self.title}»",
            f"reason «{self.rationale}»",
            "patterns " + ", ".join(m.value for m in self.movements),
        ]
        if not self.is_hard:
            parts.append("light day: easy bodyweight work, 4-5 exercises, 4+ reps in reserve")
        if self.avoid_muscles:
            parts.append(
                "do not load hard (trained < 48 h ago): "
                + ", ".join(sorted(m.value for m in self.avoid_muscles))
            )
        return "; ".join(parts) + "."


def week_sessions(profile: TrainingProfile, slot: SessionSlot) -> Iterator[SessionSlot]:
    """Each focus of the profile's week and the light day, shaped like `slot` (its texts
    and muscles to spare): what sizes a prompt depends on the patterns, not on the date."""
    for focus in dict.fromkeys((*week_cycle(profile), rules.FOCUS_LIGHT)):
        yield replace(
            slot,
            focus=focus,
            title=TITLES[focus],
            patterns=BLUEPRINTS[focus],
            muscles=rules.FOCUS_MUSCLES[focus],
        )


def is_hard_focus(focus: str) -> bool:
    return focus != FOCUS_LIGHT


def received_utc(workout: PastWorkout) -> datetime:
    """When the workout was received, in UTC (a naive time is taken as UTC)."""
    received = workout.received_at
    if received.tzinfo is None:
        return received.replace(tzinfo=UTC)
    return received.astimezone(UTC)


def workout_day(workout: PastWorkout) -> date:
    return received_utc(workout).date()


def loaded_muscles(
    workout: PastWorkout, by_slug: Mapping[str, CatalogueExercise]
) -> frozenset[Muscle]:
    """Primary muscles a past hard session loaded (stabilisers left out): from its
    exercises when the catalogue knows them, else from its focus."""
    known = [by_slug[s] for s in workout.exercise_slugs if s in by_slug]
    if known:
        muscles = frozenset(m for e in known for m in e.primary_muscles)
    else:
        # An unknown focus counts as full body: the safe assumption for recovery.
        muscles = rules.FOCUS_MUSCLES.get(workout.focus, frozenset(Muscle))
    return muscles - rules.STABILISER_MUSCLES


def week_cycle(profile: TrainingProfile) -> tuple[str, ...]:
    """The rotation of hard sessions. A week capped below its frequency (minors and
    adults 65+ on 5/week get 3 hard sessions) rotates the 3/week split, so each muscle
    still comes round within the week."""
    level = rules.effective_level(profile.level, profile.age)
    frequency = rules.normalized_frequency(profile.workouts_per_week)
    hard = rules.max_hard_sessions_per_week(profile.workouts_per_week, profile.level, profile.age)
    if level is not FitnessLevel.BEGINNER and hard < frequency:
        frequency = rules.normalized_frequency(hard)
    return rules.SPLITS[(frequency, level)]


def weekly_focus_counts(profile: TrainingProfile) -> tuple[dict[Muscle, int], dict[Muscle, int]]:
    """For a regular week of the profile's split: how many hard sessions train each
    muscle directly, and how many load it only as a secondary one (rear delts in rows)."""
    cycle = week_cycle(profile)
    per_week = rules.max_hard_sessions_per_week(
        profile.workouts_per_week, profile.level, profile.age
    )
    week = [cycle[i % len(cycle)] for i in range(per_week)]
    direct = {m: 0 for m in Muscle}
    indirect = {m: 0 for m in Muscle}
    for focus in week:
        for muscle in rules.FOCUS_MUSCLES[focus]:
            direct[muscle] += 1
        for muscle in rules.FOCUS_INDIRECT_MUSCLES.get(focus, frozenset()):
            indirect[muscle] += 1
    return direct, indirect


def completed_newest_first(history: Sequence[PastWorkout], today: date) -> list[PastWorkout]:
    done = [w for w in history if w.status is WorkoutStatus.COMPLETED and workout_day(w) <= today]
    return sorted(done, key=received_utc, reverse=True)


def next_in_cycle(cycle: Sequence[str], hard_foci_newest_first: Sequence[str]) -> int:
    """Index of the next focus: the position after the last completed one. When a focus
    occurs twice in the cycle (upper / lower / full A / upper / lower / full B), the
    position whose predecessors match the history longest wins."""
    known = [f for f in hard_foci_newest_first if f in cycle]
    if not known:
        return 0
    best_index, best_match = 0, -1
    for index, focus in enumerate(cycle):
        if focus != known[0]:
            continue
        match = 1
        while (
            match < len(known)
            and match < len(cycle)
            and cycle[(index - match) % len(cycle)] == known[match]
        ):
            match += 1
        if match > best_match:
            best_index, best_match = index, match
    return (best_index + 1) % len(cycle)


def next_session(
    profile: TrainingProfile,
    history: Sequence[PastWorkout],
    *,
    today: date | None = None,
    catalogue: Sequence[CatalogueExercise] | None = None,
) -> SessionSlot:
    """Today's session slot. `today` defaults to the current UTC date; `catalogue` maps
    the history's exercise slugs to muscles for the ~48 h rule (without it, a past
    session's focus stands for its muscles)."""
    today = today or datetime.now(UTC).date()
    by_slug = {e.slug: e for e in catalogue or ()}
    cycle = week_cycle(profile)
    per_week = rules.max_hard_sessions_per_week(
        profile.workouts_per_week, profile.level, profile.age
    )
    done = completed_newest_first(history, today)
    hard = [w for w in done if is_hard_focus(w.focus)]
    in_last_week = [w for w in hard if (today - workout_day(w)).days < 7]
    monday = today - timedelta(days=today.weekday())
    this_week = sum(1 for w in hard if workout_day(w) >= monday)
    recent = [w for w in hard if (today - workout_day(w)).days < rules.RECOVERY_DAYS]
    avoid: frozenset[Muscle] = frozenset().union(*(loaded_muscles(w, by_slug) for w in recent))
    natural_index = next_in_cycle(cycle, [w.focus for w in hard])
    natural = cycle[natural_index]
    last = hard[0].focus if hard else None

    def light(reason: LightReason) -> SessionSlot:
        text = _light_rationale(reason, profile, len(in_last_week), per_week, last, natural)
        return _slot(FOCUS_LIGHT, text, avoid, 0, per_week)

    if len(in_last_week) >= per_week:
        return light(LightReason.WEEK_CAP)
    if any(workout_day(w) == today for w in hard):
        return light(LightReason.SAME_DAY)
    if profile.is_minor and any((today - workout_day(w)).days == 1 for w in hard):
        return light(LightReason.NOT_CONSECUTIVE)
    for step in range(len(cycle)):
        focus = cycle[(natural_index + step) % len(cycle)]
        if (rules.FOCUS_MUSCLES[focus] - rules.STABILISER_MUSCLES).isdisjoint(avoid):
            text = _hard_rationale(profile, cycle, focus, natural, last, this_week + 1, per_week)
            return _slot(focus, text, avoid, this_week + 1, per_week)
    return light(LightReason.RECOVERY)


def _slot(
    focus: str, rationale: str, avoid: frozenset[Muscle], position: int, per_week: int
) -> SessionSlot:
    return SessionSlot(
        focus=focus,
        title=TITLES[focus],
        rationale=rationale,
        patterns=BLUEPRINTS[focus],
        muscles=rules.FOCUS_MUSCLES[focus],
        avoid_muscles=avoid,
        week_position=position,
        hard_sessions_per_week=per_week,
    )


def _split_why(profile: TrainingProfile, cycle: Sequence[str]) -> str:
    if FOCUS_PUSH in cycle:
        return _SPLIT_WHY_FIVE
    if FOCUS_UPPER in cycle:
        return _SPLIT_WHY_UPPER_LOWER_FULL
    frequency = rules.normalized_frequency(profile.workouts_per_week)
    if frequency == 2:
        return _SPLIT_WHY_FULL_BODY_2
    if frequency == 5:
        return _SPLIT_WHY_FULL_BODY_5
    return _SPLIT_WHY_FULL_BODY_3


def _hard_rationale(
    profile: TrainingProfile,
    cycle: Sequence[str],
    focus: str,
    natural: str,
    last: str | None,
    position: int,
    per_week: int,
) -> str:
    if last is None:
        head = f"Первая тренировка: сегодня {_TODAY[focus]}."
        if focus in (FOCUS_FULL_BODY_A, FOCUS_FULL_BODY_B):
            head = "Первая тренировка: начинаем со всего тела — базовые движения на все мышцы."
        return f"{head} {_split_why(profile, cycle)}"
    if position <= per_week and position <= len(_ORDINALS):
        where = f"{_ORDINALS[position - 1].capitalize()} тренировка недели из {_OF_COUNT[per_week]}"
    else:
        where = "Дополнительная тренировка на этой неделе"
    if focus != natural:
        what = (
            f"вчера нагружали те же мышцы, поэтому вместо {_AFTER[natural]} сегодня {_TODAY[focus]}"
        )
    else:
        what = f"сегодня {_TODAY[focus]}"
        if last in _AFTER:
            what = f"после {_AFTER[last]} в прошлый раз {what}"
    return f"{where}: {what}. {_split_why(profile, cycle)}"


def _light_rationale(
    reason: LightReason,
    profile: TrainingProfile,
    hard_last_week: int,
    per_week: int,
    last: str | None,
    natural: str,
) -> str:
    tail = f"Следующая силовая — {_TODAY[natural]}."
    if reason is LightReason.SAME_DAY:
        return (
            "Сегодня уже была силовая тренировка — вторая в тот же день замедлит "
            f"восстановление. Поэтому лёгкий день: мобильность, кор и спокойный темп. {tail}"
        )
    if reason is LightReason.NOT_CONSECUTIVE:
        return (
            "Вчера была силовая: в твоём возрасте силовые лучше через день, "
            f"поэтому сегодня лёгкий день — мобильность и кор. {tail}"
        )
    if reason is LightReason.RECOVERY:
        worked = _WORKED.get(last or "", "те же мышцы")
        return (
            f"Вчера нагружали {worked} — мышцам нужно около 48 часов на "
            f"восстановление, поэтому сегодня лёгкий день: мобильность и кор. {tail}"
        )
    if rules.is_child(profile.age):
        cap = (
            f"В твоём возрасте хватает {_OF_COUNT[per_week]} силовых тренировок в неделю, "
            f"и за последние 7 дней их уже {hard_last_week}."
        )
    elif (
        profile.level is FitnessLevel.BEGINNER
        and rules.normalized_frequency(profile.workouts_per_week) > per_week
    ):
        cap = (
            "В плане пять тренировок в неделю: на старте из них три силовых, остальные "
            f"лёгкие. Силовых за последние 7 дней уже {hard_last_week}."
        )
    else:
        cap = f"За последние 7 дней уже {hard_last_week} силовых — это твоя недельная норма."
    return (
        f"{cap} Сегодня лёгкий день: мобильность и кор ускорят восстановление "
        f"и не отнимут сил. {tail}"
    )
