"""The workout prompt: a fixed system prompt and a compact user message.

The user message lists only the exercises for today's session (`llm.shortlist`: its
movement patterns, a few per pattern), grouped by pattern; the generator validates the
answer against exactly that list. The schema is the same for every request and names no
slugs: an `enum` over the catalogue cost ~1,200 tokens per call, and one over the listed
slugs would change per request (a new schema costs extra latency on first use).
Validation refuses unlisted slugs, with repairs, one re-ask and the rule-based fallback.

Prompt caching: OpenAI caches a repeated prefix of 1,024+ tokens. The fixed part (the
schema and the system prompt, ~740 tokens) is below that threshold, so expect no cached
tokens; the largest request (~1,750 tokens) costs less than the old full-catalogue one
(~3,300) would even with its 1,650-token prefix cached at half price.

The strict schema sent with it is `llm.answer`'s. Token figures are estimated as
characters / 3.5 (no tokenizer dependency): `benchmarks.prompt_size`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.db.enums import Equipment, Movement
from trainer_bot.training.schemas import PastWorkout, TrainingProfile

HISTORY_LIMIT = 3
# One letter per equipment: the list is grouped by pattern, so the equipment is a column.
EQUIPMENT_CODES: Mapping[Equipment, str] = {
    Equipment.BARBELL: "b",
    Equipment.DUMBBELL: "d",
    Equipment.KETTLEBELL: "k",
    Equipment.MACHINE: "m",
    Equipment.CABLE: "c",
    Equipment.BODYWEIGHT: "w",
    Equipment.PULLUP_BAR: "p",
    Equipment.BANDS: "r",
    Equipment.BENCH: "s",
    Equipment.DIP_BARS: "x",
}
ALLOWED_HEADER = (
    "Allowed exercises by pattern, slug|main muscle|equipment|flags. Equipment: b barbell, "
    "d dumbbell, k kettlebell, m machine, c cable, w bodyweight, p pull-up bar, "
    "r resistance band, s bench or sturdy chair, x dip bars. "
    "Flags: I isolation (none: compound), T timed, H high impact:"
)

SYSTEM_PROMPT = """\
You are a careful, experienced strength coach (ACSM, NSCA). Design ONE workout for the \
user below. All text in Russian: short, concrete, friendly, no markdown.
1. Only slugs from the allowed list, as written; 4-7 exercises, none twice; position 1..n.
2. Follow the session plan: use its patterns, earlier ones first; copy its focus id into \
"focus". Prefer exercises absent from recent workouts.
3. Order: compound before isolation, big muscles before small, heavy before light.
4. Sets x reps, rest by goal and level:
mass_gain: beginner 2-3x8-12, 60-120 s; intermediate 3-4x6-12, 120-180 s compound, \
60-90 s isolation; advanced 3-5x6-12 (one compound may be 4-6), 120-180 s.
weight_loss: beginner 2-3x10-15, 45-90 s; others 3x10-15, 30-60 s, supersets ok; \
advanced may add 10-20 min of conditioning.
maintenance: beginner 2-3x8-12, intermediate 2-3x6-12, advanced 2-4x6-12; 60-120 s.
5. Timed (T): reps_min and reps_max are seconds, 10-180.
6. Reps in reserve (RIR) in notes: beginners 2-3, others 1-2. Never to failure; no max \
tests for beginners.
7. weight_kg: loaded exercises get a concrete working weight in kg from sex, body \
weight, level, history (per dumbbell; round to 2.5 kg, dumbbells 1 kg). Equipment w \
and p: null.
8. warmup: 5-10 min general, then 1-2 light sets (~50% weight) of the first compound.
9. 45-60 min in total.
10. Age 10-13: bodyweight only, light, adult nearby. 14-17: beginner level, reps >= 8, \
no maximal or power lifts. No calorie-deficit talk with minors.
11. BMI >= 35: low impact, no jumps (H). BMI < 16 or >= 40: advise a doctor in \
rationale. BMI < 18.5: no weight-loss emphasis.
12. rationale: one sentence: why this session looks like this."""

REASK_TEMPLATE = """\
Your previous answer cannot be used:
{errors}
Return the whole corrected workout as JSON that follows the schema, using only slugs from \
the allowed list, 4-7 different exercises."""


def _fmt_number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def exercise_flags(exercise: CatalogueExercise) -> str:
    """Only what differs from the common case (a compound, rep-counted, low-impact lift)."""
    return (
        ("" if exercise.is_compound else "I")
        + ("T" if exercise.is_timed else "")
        + ("H" if exercise.is_high_impact else "")
    )


def format_exercise_line(exercise: CatalogueExercise) -> str:
    """`slug|main muscle|equipment code[|flags]`; the pattern is the group header above.

    Kept to the minimum: no Russian name (the slugs are descriptive English and the bot
    shows the catalogue's names itself) and only the first primary muscle.
    """
    muscle = exercise.primary_muscles[0].value
    line = f"{exercise.slug}|{muscle}|{EQUIPMENT_CODES[exercise.equipment]}"
    flags = exercise_flags(exercise)
    return f"{line}|{flags}" if flags else line


def format_allowed(allowed: Iterable[CatalogueExercise]) -> list[str]:
    """The allowed list grouped under `[pattern]` headers, the patterns in the order they
    first appear (the shortlist's order is the session's)."""
    groups: dict[Movement, list[CatalogueExercise]] = {}
    for exercise in allowed:
        groups.setdefault(exercise.movement, []).append(exercise)
    lines = [ALLOWED_HEADER]
    for movement, exercises in groups.items():
        lines.append(f"[{movement.value}]")
        lines.extend(format_exercise_line(e) for e in exercises)
    return lines


_EQUIPMENT_BY_CODE = {code: equipment for equipment, code in EQUIPMENT_CODES.items()}
_GROUP = re.compile(r"^\[([a-z_]+)\]$")
_LINE = re.compile(r"^([a-z0-9]+(?:_[a-z0-9]+)*)\|[a-z_]+\|([a-z])(?:\|([ITH]+))?$")


@dataclass(frozen=True, slots=True)
class AllowedLine:
    slug: str
    movement: str
    equipment: str
    is_compound: bool
    is_timed: bool


def parse_allowed_lines(user_message: str) -> list[AllowedLine]:
    """The allowed exercises back from a user message (used by fakes and benchmarks)."""
    _, _, tail = user_message.partition(ALLOWED_HEADER)
    out = []
    movement = ""
    for raw in tail.splitlines():
        line = raw.strip()
        if group := _GROUP.match(line):
            movement = group.group(1)
        elif match := _LINE.match(line):
            slug, code, flags = match.group(1), match.group(2), match.group(3) or ""
            equipment = _EQUIPMENT_BY_CODE.get(code)
            out.append(
                AllowedLine(
                    slug,
                    movement,
                    equipment.value if equipment is not None else code,
                    "I" not in flags,
                    "T" in flags,
                )
            )
    return out


def _format_profile(profile: TrainingProfile) -> str:
    return (
        f"User: {profile.gender.value}, age {profile.age}, {profile.height_cm} cm, "
        f"{_fmt_number(profile.weight_kg)} kg (BMI {profile.bmi:.1f}), "
        f"level {profile.level.value}, goal {profile.goal.value} "
        f"(target {_fmt_number(profile.target_weight_kg)} kg), "
        f"{profile.workouts_per_week} workouts/week, equipment {profile.equipment.value}."
    )


def _format_history(history: Sequence[PastWorkout], now: datetime) -> str:
    if not history:
        return "Recent workouts: none yet."
    lines = ["Recent workouts (newest first):"]
    for past in history[:HISTORY_LIMIT]:
        received = past.received_at
        if received.tzinfo is None:
            received = received.replace(tzinfo=UTC)
        days = max(0, (now - received).days)
        slugs = ",".join(past.exercise_slugs) or "-"
        lines.append(f"- {days}d ago {past.status.value} {past.focus}: {slugs}")
    return "\n".join(lines)


def build_user_message(
    profile: TrainingProfile,
    allowed: Iterable[CatalogueExercise],
    history: Sequence[PastWorkout],
    session_hint: str,
    *,
    now: datetime | None = None,
) -> str:
    parts = [
        _format_profile(profile),
        f"Session plan: {' '.join(session_hint.split())}",
        _format_history(history, now or datetime.now(UTC)),
        *format_allowed(allowed),
    ]
    return "\n".join(parts)


def build_messages(
    profile: TrainingProfile,
    allowed: Iterable[CatalogueExercise],
    history: Sequence[PastWorkout],
    session_hint: str,
    *,
    now: datetime | None = None,
) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {
            "role": "user",
            "content": build_user_message(profile, allowed, history, session_hint, now=now),
        },
    ]


def build_reask_messages(previous_content: str, errors: Sequence[str]) -> list[dict[str, str]]:
    """The extra assistant + user pair of the single re-ask."""
    listed = "\n".join(f"- {error}" for error in errors[:12]) or "- the answer was not usable"
    return [
        {"role": "assistant", "content": previous_content[:6000]},
        {"role": "user", "content": REASK_TEMPLATE.format(errors=listed)},
    ]
