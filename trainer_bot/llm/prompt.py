"""The workout prompt: a fixed system prompt, a compact user message and a strict schema.

Prompt caching: OpenAI caches a repeated prefix of 1,024+ tokens. The system prompt and the
response schema are the same for every user (the schema enumerates ALL catalogue slugs, the
per-user allowed list lives in the user message and is enforced by validation), so that
prefix repeats across users and calls.

Token figures are estimated as characters / 3.5 (no tokenizer dependency).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.training.schemas import PastWorkout, TrainingProfile

CHARS_PER_TOKEN = 3.5
HISTORY_LIMIT = 4
SCHEMA_NAME = "workout"
ALLOWED_HEADER = "Allowed exercises (slug|name|primary muscles|equipment|flags):"

SYSTEM_PROMPT = """\
You are an experienced, careful strength coach (ACSM and NSCA guidelines). Design ONE \
workout for the user in the next message. Write every text field in Russian: short, \
concrete, friendly, no markdown.

Rules:
1. Use only slugs from the user's allowed list. 4-7 exercises, none twice; position 1..n.
2. Follow the session plan given (focus, theme, reason). Copy its focus id into "focus". \
Prefer exercises absent from the recent workouts when a fair alternative exists.
3. Order: compound (C) before isolation (I), large muscles before small, heavy before light.
4. Sets x reps and rest by goal and level:
- mass_gain: beginner 2-3 x 8-12, rest 60-120 s; intermediate 3-4 x 6-12, rest 120-180 s \
compound, 60-90 s isolation; advanced 3-5 x 6-12 (one compound may be 4-6), rest 120-180 s.
- weight_loss: beginner 2-3 x 10-15, rest 45-90 s; intermediate and advanced 3 x 10-15, \
rest 30-60 s on light work (supersets ok); advanced may add 10-20 min of conditioning.
- maintenance: beginner 2-3 x 8-12, intermediate 2-3 x 6-12, advanced 2-4 x 6-12; \
rest 60-120 s.
5. Timed exercises (flag T): reps_min and reps_max are seconds (10-180).
6. Effort: beginners leave 2-3 reps in reserve, others 1-2; never to failure, no max tests \
for beginners. State the RIR in notes.
7. weight_kg: for loaded exercises (barbell, dumbbell, kettlebell, machine, cable) a \
concrete working weight in kg, estimated from sex, body weight, level and the history; \
dumbbells and kettlebells: one implement; round to 2.5 kg (dumbbells 1 kg). \
Bodyweight and pullup_bar exercises: null. Notes may say how to adjust the load.
8. warmup: 5-10 min of general warm-up, then 1-2 light sets (about 50% of the working \
weight) of the first compound exercise.
9. About 45-60 minutes in total.
10. Minors: age 10-13 bodyweight only, light, with an adult nearby; age 14-17 beginner \
level, reps >= 8, no maximal or power lifts; never mention calorie deficits to minors.
11. BMI >= 35: low impact, no jumps. BMI < 16 or >= 40: in rationale, advise seeing a \
doctor. BMI < 18.5: no weight-loss emphasis.
12. rationale: one sentence on why the session looks like this.
Answer only with JSON that follows the schema."""

REASK_TEMPLATE = """\
Your previous answer cannot be used:
{errors}
Return the whole corrected workout as JSON that follows the schema, using only slugs from \
the allowed list, 4-7 different exercises."""


def estimate_tokens(chars: int) -> int:
    return round(chars / CHARS_PER_TOKEN)


def _fmt_number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def format_exercise_line(exercise: CatalogueExercise) -> str:
    flags = "C" if exercise.is_compound else "I"
    if exercise.is_timed:
        flags += "T"
    muscles = ",".join(m.value for m in exercise.primary_muscles)
    return f"{exercise.slug}|{exercise.name}|{muscles}|{exercise.equipment.value}|{flags}"


_LINE = re.compile(r"^([a-z0-9]+(?:_[a-z0-9]+)*)\|[^|\n]*\|[^|\n]*\|([a-z_]+)\|([CIT]+)$")


@dataclass(frozen=True, slots=True)
class AllowedLine:
    slug: str
    equipment: str
    is_compound: bool
    is_timed: bool


def parse_allowed_lines(user_message: str) -> list[AllowedLine]:
    """The allowed exercises back from a user message (used by fakes and benchmarks)."""
    _, _, tail = user_message.partition(ALLOWED_HEADER)
    out = []
    for line in tail.splitlines():
        match = _LINE.match(line.strip())
        if match:
            slug, equipment, flags = match.groups()
            out.append(AllowedLine(slug, equipment, "C" in flags, "T" in flags))
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
        lines.append(f"- {days} d ago, {past.status.value}, {past.focus}: {slugs}")
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
        ALLOWED_HEADER,
        *(format_exercise_line(e) for e in allowed),
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


def _nullable(kind: str, description: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": [kind, "null"]}
    if description:
        schema["description"] = description
    return schema


def build_workout_schema(catalogue_slugs: Iterable[str]) -> dict[str, Any]:
    """The strict JSON schema: every property required, no extra keys, slugs enumerated."""
    slugs = sorted(set(catalogue_slugs))
    if not slugs:
        raise ValueError("the workout schema needs at least one catalogue slug")
    exercise = {
        "type": "object",
        "properties": {
            "position": {"type": "integer"},
            "slug": {"type": "string", "enum": slugs},
            "sets": {"type": "integer"},
            "reps_min": {"type": "integer", "description": "seconds for timed exercises"},
            "reps_max": {"type": "integer"},
            "weight_kg": _nullable("number", "null for bodyweight"),
            "rest_seconds": {"type": "integer"},
            "notes": _nullable("string", "RIR, load or technique cue"),
        },
        "required": [
            "position",
            "slug",
            "sets",
            "reps_min",
            "reps_max",
            "weight_kg",
            "rest_seconds",
            "notes",
        ],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "properties": {
            "focus": {"type": "string"},
            "title": {"type": "string"},
            "rationale": {"type": "string"},
            "warmup": {"type": "string"},
            "exercises": {"type": "array", "items": exercise},
        },
        "required": ["focus", "title", "rationale", "warmup", "exercises"],
        "additionalProperties": False,
    }


def build_response_format(catalogue_slugs: Iterable[str]) -> dict[str, Any]:
    return {
        "type": "json_schema",
        "json_schema": {
            "name": SCHEMA_NAME,
            "strict": True,
            "schema": build_workout_schema(catalogue_slugs),
        },
    }


@dataclass(frozen=True, slots=True)
class PromptSize:
    system_chars: int
    user_chars: int
    schema_chars: int
    allowed_count: int

    @property
    def messages_chars(self) -> int:
        return self.system_chars + self.user_chars

    @property
    def total_chars(self) -> int:
        return self.messages_chars + self.schema_chars

    @property
    def system_tokens(self) -> int:
        return estimate_tokens(self.system_chars)

    @property
    def user_tokens(self) -> int:
        return estimate_tokens(self.user_chars)

    @property
    def schema_tokens(self) -> int:
        return estimate_tokens(self.schema_chars)

    @property
    def messages_tokens(self) -> int:
        return estimate_tokens(self.messages_chars)

    @property
    def total_tokens(self) -> int:
        return estimate_tokens(self.total_chars)

    def as_dict(self) -> dict[str, int]:
        return {
            "allowed_count": self.allowed_count,
            "system_chars": self.system_chars,
            "user_chars": self.user_chars,
            "schema_chars": self.schema_chars,
            "total_chars": self.total_chars,
            "system_tokens_est": self.system_tokens,
            "user_tokens_est": self.user_tokens,
            "schema_tokens_est": self.schema_tokens,
            "messages_tokens_est": self.messages_tokens,
            "total_tokens_est": self.total_tokens,
        }


def prompt_size(
    profile: TrainingProfile,
    allowed: Sequence[CatalogueExercise],
    history: Sequence[PastWorkout],
    session_hint: str,
    *,
    catalogue: Sequence[CatalogueExercise] | None = None,
) -> PromptSize:
    """Size figures of the request for these inputs (the schema over `catalogue`,
    or over `allowed` when no catalogue is given)."""
    messages = build_messages(profile, allowed, history, session_hint)
    schema = build_response_format(e.slug for e in (catalogue or allowed))
    return PromptSize(
        system_chars=len(messages[0]["content"]),
        user_chars=len(messages[1]["content"]),
        schema_chars=len(json.dumps(schema, ensure_ascii=False, separators=(",", ":"))),
        allowed_count=len(allowed),
    )
