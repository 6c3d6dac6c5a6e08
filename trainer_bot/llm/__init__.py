"""Workout generation through an OpenAI-compatible LLM (ProxyAPI, GPT-4o-mini)."""

from trainer_bot.llm.circuit_breaker import BreakerState, CircuitBreaker
from trainer_bot.llm.client import CallTrace, ChatCompletion, ChatCompletionsClient
from trainer_bot.llm.errors import CircuitOpenError, LLMCallError, describe_error_body
from trainer_bot.llm.generator import LLMOutcome, LLMWorkoutGenerator
from trainer_bot.llm.shortlist import session_shortlist
from trainer_bot.llm.validation import PlanValidation, validate_plan

__all__ = [
    "BreakerState",
    "CallTrace",
    "ChatCompletion",
    "ChatCompletionsClient",
    "CircuitBreaker",
    "CircuitOpenError",
    "LLMCallError",
    "LLMOutcome",
    "LLMWorkoutGenerator",
    "PlanValidation",
    "describe_error_body",
    "session_shortlist",
    "validate_plan",
]
