"""The workout draft's text: what the chat shows while the coach writes the workout.

Only what passed the per-exercise rules check is here (`llm.drafting.DraftPlan`); the
finished workout, checked as a whole, replaces it with its buttons.
"""

from __future__ import annotations

from html import escape

from dialogs.workout.texts import TELEGRAM_TEXT_LIMIT, rest_text
from trainer_bot.formatting import format_kg, shorten
from trainer_bot.llm.drafting import DraftExercise, DraftPlan

WRITING = "✍️ <i>Тренер пишет тренировку…</i>"
REBUILDING = "🔄 <i>Пересобираю…</i>"


def draft_exercise_line(number: int, item: DraftExercise) -> str:
    low, high = item.reps_min, item.reps_max
    reps = f"{low}" if low == high else f"{low}–{high}"
    unit = " с" if item.is_timed else ""
    load = f"{format_kg(item.weight_kg)} кг" if item.weight_kg else "свой вес"
    return (
        f"{number}. <b>{escape(item.name)}</b> — {item.sets} × {reps}{unit}, {load}, "
        f"отдых {rest_text(item.rest_seconds)}"
    )


def draft_text(draft: DraftPlan) -> str:
    parts = [REBUILDING if draft.rebuilding else WRITING]
    if draft.title:
        parts.append(f"🏋️ <b>{escape(shorten(draft.title, 128))}</b>")
    if draft.rationale:
        parts.append(f"<i>{escape(shorten(draft.rationale, 500))}</i>")
    if draft.exercises:
        parts.append(
            "\n".join(draft_exercise_line(n, item) for n, item in enumerate(draft.exercises, 1))
        )
    text = "\n\n".join(parts)
    # Far under the limit in practice (at most seven exercises): a bound, not a cut.
    return text if len(text) <= TELEGRAM_TEXT_LIMIT else parts[0]
