"""Table 4: LLM cost per workout, from the prompt the bot would send.

Sizes come from `benchmarks.prompt_size` (tokens estimated as characters / 3.5,
the project's rule; no tokenizer). The prompt lists the session's shortlist
(`trainer_bot.llm.shortlist.session_shortlist`), so the worst case is searched over the
whole profile grid (every button answer, three ages), every session of the profile's week
(and the light day), with the longest history the prompt carries (its last three
workouts, seven exercises each, the longest slugs allowed, trained 1-3 days ago so the
session plan also lists muscles to spare). The response schema is sent with each request,
so it is counted as prompt too.

Cost = prompt tokens x input price + completion tokens x output price (settings).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from benchmarks.config import BenchConfig
from benchmarks.profiles import profile_grid
from benchmarks.prompt_size import PromptSize, estimate_tokens, prompt_size
from benchmarks.report import print_table, verdict
from benchmarks.services import make_settings
from trainer_bot.catalogue import CatalogueExercise, default_catalogue
from trainer_bot.db.enums import WorkoutStatus
from trainer_bot.llm.prompt import HISTORY_LIMIT, REASK_TEMPLATE
from trainer_bot.llm.shortlist import session_shortlist
from trainer_bot.training.fallback import generate_fallback_workout
from trainer_bot.training.schemas import PastWorkout, TrainingProfile
from trainer_bot.training.selection import allowed_exercises
from trainer_bot.training.split import next_session, week_sessions

TARGET_PROMPT_TOKENS = 2000
TODAY = date(2026, 3, 5)


def longest_history(
    allowed: list[CatalogueExercise], days_ago: tuple[int, ...]
) -> list[PastWorkout]:
    longest = sorted(allowed, key=lambda e: len(e.slug), reverse=True)
    history = []
    for number, days in enumerate(days_ago[:HISTORY_LIMIT]):
        slugs = tuple(e.slug for e in longest[number * 7 : number * 7 + 7]) or tuple(
            e.slug for e in longest[:7]
        )
        received = datetime.combine(TODAY - timedelta(days=days), datetime.min.time(), UTC)
        history.append(
            PastWorkout(
                received_at=received + timedelta(hours=9),
                status=WorkoutStatus.COMPLETED,
                focus="full_body_a" if number % 2 else "full_body_b",
                exercise_slugs=slugs,
            )
        )
    return history


def completion_json(profile: TrainingProfile, catalogue: Any) -> str:
    """What a typical answer looks like: a fallback plan in the schema's JSON shape."""
    plan = generate_fallback_workout(profile, [], catalogue, today=TODAY)
    payload = {
        "focus": plan.focus,
        "title": plan.title,
        "rationale": plan.rationale,
        "warmup": plan.warmup,
        "exercises": [
            {"position": n, **item.model_dump()} for n, item in enumerate(plan.exercises, 1)
        ],
    }
    return json.dumps(payload, ensure_ascii=False)


def run(cfg: BenchConfig) -> dict[str, object]:
    settings = make_settings()
    catalogue = default_catalogue()
    worst: tuple[PromptSize, TrainingProfile, str, int] | None = None
    sizes: list[int] = []
    largest_listed = 0
    for profile in profile_grid():
        allowed = allowed_exercises(profile, catalogue)
        for days_ago in ((1, 2, 3), (10, 12, 14)):
            history = longest_history(allowed, days_ago)
            slot = next_session(profile, history, today=TODAY, catalogue=catalogue)
            for session in week_sessions(profile, slot):
                listed = session_shortlist(profile, allowed, session, history)
                largest_listed = max(largest_listed, len(listed))
                size = prompt_size(profile, listed, history, session.prompt_hint())
                sizes.append(size.total_tokens)
                if worst is None or size.total_chars > worst[0].total_chars:
                    worst = (size, profile, session.focus, len(allowed))
    assert worst is not None
    size, profile, focus, allowed_count = worst
    sizes.sort()
    typical_prompt = sizes[len(sizes) // 2]
    answers = [completion_json(p, catalogue) for p in profile_grid()[::6]]
    typical_completion = estimate_tokens(sorted(len(a) for a in answers)[len(answers) // 2])
    longest_completion = estimate_tokens(max(len(a) for a in answers))
    budget = settings.llm_max_completion_tokens
    price_in = settings.llm_input_price_per_mtok
    price_out = settings.llm_output_price_per_mtok

    def cost(prompt_tokens: int, completion_tokens: int) -> float:
        return (prompt_tokens * price_in + completion_tokens * price_out) / 1_000_000

    typical_cost = cost(typical_prompt, typical_completion)
    worst_cost = cost(size.total_tokens, budget)
    # One re-ask: the second request repeats the prompt plus the bad answer and the errors.
    reask_prompt = size.total_tokens + budget + estimate_tokens(len(REASK_TEMPLATE) + 400)
    reask_cost = worst_cost + cost(reask_prompt, budget)
    describe = (
        f"{profile.gender.value}, {profile.age} y, {profile.level.value}, {profile.goal.value}, "
        f"{profile.workouts_per_week}/week, {profile.equipment.value}"
    )
    rows: list[list[object]] = [
        ["allowed for the profile (largest prompt)", allowed_count, "", "", ""],
        [
            "listed for the session (largest prompt / largest list)",
            f"{size.allowed_count} / {largest_listed}",
            "",
            "",
            "",
        ],
        ["system prompt", f"{size.system_chars:,}", size.system_tokens, "", ""],
        [
            "user message (profile, plan, 3 workouts, list)",
            f"{size.user_chars:,}",
            size.user_tokens,
            "",
            "",
        ],
        [
            "response schema (fixed, no slug enum)",
            f"{size.schema_chars:,}",
            size.schema_tokens,
            "",
            "",
        ],
        [
            "prompt: messages only",
            f"{size.messages_chars:,}",
            size.messages_tokens,
            f"< {TARGET_PROMPT_TOKENS:,}",
            verdict(size.messages_tokens < TARGET_PROMPT_TOKENS),
        ],
        [
            "prompt: messages + schema (billed)",
            f"{size.total_chars:,}",
            size.total_tokens,
            f"< {TARGET_PROMPT_TOKENS:,}",
            verdict(size.total_tokens < TARGET_PROMPT_TOKENS),
        ],
        ["prompt: median profile, messages + schema", "", typical_prompt, "", ""],
        ["completion budgeted (LLM_MAX_COMPLETION_TOKENS)", "", budget, "", ""],
        [
            "completion: typical / longest answer (est.)",
            "",
            f"{typical_completion} / {longest_completion}",
            "",
            "",
        ],
        ["cost per workout: typical (median prompt + answer)", "", f"${typical_cost:.6f}", "", ""],
        ["cost per workout: worst (largest prompt + budget)", "", f"${worst_cost:.6f}", "", ""],
        ["cost per workout: worst with one re-ask (2 calls)", "", f"${reask_cost:.6f}", "", ""],
        [
            "cost per 1,000 workouts: typical / worst",
            "",
            f"${typical_cost * 1000:.3f} / ${worst_cost * 1000:.3f}",
            "",
            "",
        ],
    ]
    notes = [
        f"model {settings.llm_model}; prices ${price_in}/M input, ${price_out}/M output "
        "(LLM_INPUT_PRICE_PER_MTOK, LLM_OUTPUT_PRICE_PER_MTOK); tokens = chars / 3.5",
        f"largest prompt: {describe}, session {focus}; {len(sizes)} prompts searched "
        f"({len(profile_grid())} profiles x 2 histories x every session of the week)",
        "the fixed prefix (schema + system prompt) is under the 1,024 tokens OpenAI caches",
    ]
    print_table(
        "Table 4. LLM cost per workout",
        ["what", "chars", "tokens / value", "target", ""],
        rows,
        notes,
    )
    return {
        "prompt_tokens": size.total_tokens,
        "messages_tokens": size.messages_tokens,
        "typical_cost": typical_cost,
        "worst_cost": worst_cost,
    }
