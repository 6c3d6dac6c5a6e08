"""How big a workout request is: characters and estimated tokens of its parts.

Used by `benchmarks.llm_cost` and by the tests that keep the prompt under 2,000 tokens.
Tokens are estimated as characters / 3.5 (no tokenizer dependency).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.llm.answer import build_response_format
from trainer_bot.llm.prompt import build_messages
from trainer_bot.training.schemas import PastWorkout, TrainingProfile

CHARS_PER_TOKEN = 3.5


def estimate_tokens(chars: int) -> int:
    return round(chars / CHARS_PER_TOKEN)


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
) -> PromptSize:
    """Size figures of the request for these inputs (`allowed`: the list as sent)."""
    messages = build_messages(profile, allowed, history, session_hint)
    return PromptSize(
        system_chars=len(messages[0]["content"]),
        user_chars=len(messages[1]["content"]),
        schema_chars=len(
            json.dumps(build_response_format(), ensure_ascii=False, separators=(",", ":"))
        ),
        allowed_count=len(allowed),
    )
