"""Workout generation through the LLM: bounded in time, never raising, one log line.

Pipeline per call: HTTP status -> empty choices -> `message.refusal` -> `finish_reason`
("length" means truncated JSON) -> `json.loads` -> repairs and validation -> at most one
re-ask listing the errors -> otherwise "fallback" (the caller runs the rule-based
generator). The whole `generate` runs under `asyncio.timeout(llm_total_budget_seconds)`.

With a draft `listener` (and streaming on in the client) the answer is streamed and a
`drafting.PlanDrafter` shows what passes the per-exercise check as it arrives; an answer
that is then refused (re-ask, fallback) turns the draft into «rebuilding».
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, Literal

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.config import Settings
from trainer_bot.llm.answer import build_response_format
from trainer_bot.llm.client import CallTrace, ChatCompletionsClient
from trainer_bot.llm.drafting import DraftListener, PlanDrafter
from trainer_bot.llm.errors import LLMCallError
from trainer_bot.llm.prompt import build_messages, build_reask_messages
from trainer_bot.llm.validation import MIN_EXERCISES, min_reps_for, validate_plan
from trainer_bot.redaction import redact
from trainer_bot.training.exercise_gate import ExerciseGate
from trainer_bot.training.gate import gate, log_plan_check
from trainer_bot.training.plan import WorkoutPlan
from trainer_bot.training.rules_check import Violation
from trainer_bot.training.schemas import PastWorkout, TrainingProfile

logger = logging.getLogger(__name__)

Outcome = Literal["ok", "repaired", "fallback"]
DEFAULT_TEMPERATURE = 0.5
LOG_FORMAT = (
    "llm_workout user_id=%s model=%s outcome=%s reason=%s status=%s finish_reason=%s "
    "attempts=%d calls=%d latency_ms=%d prompt_tokens=%d completion_tokens=%d "
    "cached_tokens=%d cost_usd=%.6f repairs=%d breaker=%s stream=%s detail=%s"
)
DETAIL_LIMIT = 200


@dataclass(frozen=True, slots=True)
class LLMOutcome:
    plan: WorkoutPlan | None
    outcome: Outcome
    # "ok", "repaired", "reask" on success; why it failed on fallback: "no_key",
    # "circuit_open", "timeout", "connection_error", "http_<status>", "invalid_response",
    # "empty_choices", "refusal", "length", "content_filter", "invalid_json", "schema",
    # "validation", "too_few_allowed", "internal_error".
    reason: str
    attempts: int  # HTTP attempts, retries and the re-ask included
    calls: int  # chat completion calls: 1, or 2 with the re-ask
    latency_ms: int
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    cost_usd: float = 0.0
    status: int | None = None  # the last HTTP status seen
    finish_reason: str | None = None
    repairs: tuple[str, ...] = ()
    # A short, secret-free description of the failure (an upstream error message, the
    # validation errors); empty on success.
    detail: str = ""
    # The rules gate (training.gate): the violation kinds found in the model's answers
    # and what was done: "none", "repaired", "reasked", "fallback"; "-" when no answer
    # reached the gate.
    violations: tuple[str, ...] = ()
    rules_action: str = "-"
    rules_repairs: tuple[str, ...] = ()
    streamed: bool = False  # an answer came as a stream


class _StepError(Exception):
    """Internal: the pipeline stopped with `reason`; `errors` make a re-ask possible."""

    def __init__(
        self, reason: str, errors: Sequence[str] = (), content: str = "", detail: str = ""
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.errors = tuple(errors)
        self.content = content
        self.detail = detail or "; ".join(self.errors)

    @property
    def can_reask(self) -> bool:
        return bool(self.errors)


@dataclass
class _Run:
    """Totals accumulated over the call(s) of one `generate`."""

    trace: CallTrace
    calls: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_tokens: int = 0
    finish_reason: str | None = None
    # What the rules gate saw and did, over the attempts.
    violations: list[Violation] = field(default_factory=list)
    gated: bool = False
    rules_reask: bool = False
    rules_repaired: bool = False
    rules_repairs: tuple[str, ...] = ()
    drafter: PlanDrafter | None = None
    streamed: bool = False

    def add_usage(self, data: Mapping[str, Any]) -> None:
        usage = data.get("usage")
        if not isinstance(usage, dict):
            return
        self.prompt_tokens += _int(usage.get("prompt_tokens"))
        self.completion_tokens += _int(usage.get("completion_tokens"))
        details = usage.get("prompt_tokens_details")
        if isinstance(details, dict):
            self.cached_tokens += _int(details.get("cached_tokens"))


def _int(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


class LLMWorkoutGenerator:
    def __init__(
        self,
        settings: Settings,
        client: ChatCompletionsClient,
        catalogue: Sequence[CatalogueExercise],
        *,
        temperature: float = DEFAULT_TEMPERATURE,
        log_prompts: bool = False,
    ) -> None:
        self._settings = settings
        self._client = client
        self._catalogue = tuple(catalogue)
        self._catalogue_slugs = frozenset(e.slug for e in catalogue)
        # Built once: the same schema for every request (no per-request schema latency).
        self._response_format = build_response_format()
        self._temperature = temperature
        # Opt-in only: prompts and completions hold users' health data.
        self._log_prompts = log_prompts

    async def generate(
        self,
        *,
        user_id: int,
        profile: TrainingProfile,
        allowed: Sequence[CatalogueExercise],
        history: Sequence[PastWorkout],
        session_hint: str,
        focus: str | None = None,
        today: date | None = None,
        listener: DraftListener | None = None,
    ) -> LLMOutcome:
        """`allowed` is the list the prompt shows (`llm.shortlist.session_shortlist` for the
        session); the answer is validated against exactly that list, then passes the
        rules gate for today's `focus` (the split's; default: the model's) and `today`
        (default: the UTC date). `listener` gets the workout drafts of a streamed answer."""
        started = time.monotonic()
        today = today or datetime.now(UTC).date()
        run = _Run(trace=CallTrace())
        if listener is not None:
            allowed_map = {e.slug: e for e in allowed if e.slug in self._catalogue_slugs}
            run.drafter = PlanDrafter(
                listener,
                allowed_map,
                lambda: ExerciseGate(profile, history, self._catalogue, focus=focus, today=today),
                min_reps=min_reps_for(profile),
            )
        plan: WorkoutPlan | None = None
        repairs: tuple[str, ...] = ()
        outcome: Outcome = "fallback"
        exc_info = False
        detail = ""
        try:
            if self._settings.proxy_api_key is None:
                raise _StepError("no_key")
            usable = [e for e in allowed if e.slug in self._catalogue_slugs]
            if len(usable) < MIN_EXERCISES:
                raise _StepError("too_few_allowed")
            deadline = started + self._settings.llm_total_budget_seconds
            async with asyncio.timeout(self._settings.llm_total_budget_seconds):
                plan, repairs, reason = await self._run(
                    run, profile, usable, history, session_hint, deadline, focus, today
                )
            outcome = "ok" if reason == "ok" else "repaired"
        except _StepError as step:
            reason, detail = step.reason, step.detail
        except TimeoutError:
            reason, detail = "timeout", "total time budget spent"
        except Exception as error:
            reason, detail = "internal_error", type(error).__name__
            exc_info = True
        result = LLMOutcome(
            plan=plan,
            outcome=outcome,
            reason=reason,
            attempts=run.trace.attempts,
            calls=run.calls,
            latency_ms=round((time.monotonic() - started) * 1000),
            prompt_tokens=run.prompt_tokens,
            completion_tokens=run.completion_tokens,
            cached_tokens=run.cached_tokens,
            cost_usd=self._cost(run.prompt_tokens, run.completion_tokens),
            status=run.trace.status,
            finish_reason=run.finish_reason,
            repairs=repairs,
            detail=self._safe(detail)[:DETAIL_LIMIT],
            violations=tuple(dict.fromkeys(v.kind.value for v in run.violations)),
            rules_action=_rules_action(run, plan),
            rules_repairs=run.rules_repairs,
            streamed=run.streamed,
        )
        if plan is None and run.drafter is not None:
            run.drafter.reject()  # the fallback answers: nothing of this answer stays
        self._log(user_id, result, exc_info=exc_info)
        if run.gated:
            log_plan_check(user_id, "llm", run.violations, result.rules_action)
        return result

    def _cost(self, prompt_tokens: int, completion_tokens: int) -> float:
        return (
            prompt_tokens * self._settings.llm_input_price_per_mtok
            + completion_tokens * self._settings.llm_output_price_per_mtok
        ) / 1_000_000

    async def _run(
        self,
        run: _Run,
        profile: TrainingProfile,
        allowed: Sequence[CatalogueExercise],
        history: Sequence[PastWorkout],
        session_hint: str,
        deadline: float,
        focus: str | None,
        today: date,
    ) -> tuple[WorkoutPlan, tuple[str, ...], str]:
        allowed_map = {e.slug: e for e in allowed}
        messages: list[dict[str, str]] = build_messages(profile, allowed, history, session_hint)
        if self._log_prompts:
            logger.debug("llm_workout prompt: %s", json.dumps(messages, ensure_ascii=False))
        first_failure: _StepError | None = None
        while True:
            content = await self._call(run, messages, deadline)
            try:
                validation = self._interpret(content, allowed_map, profile)
                validation = self._gate(run, validation, content, profile, history, focus, today)
            except _StepError as step:
                if first_failure is not None or not step.can_reask:
                    raise
                first_failure = step
                run.rules_reask = step.reason == "rules"
                messages = [*messages, *build_reask_messages(step.content, step.errors)]
                if run.drafter is not None:
                    run.drafter.reject()  # the refused answer leaves the screen
                continue
            if first_failure is not None:
                return validation[0], validation[1], "reask"
            return validation[0], validation[1], "repaired" if validation[1] else "ok"

    async def _call(self, run: _Run, messages: list[dict[str, str]], deadline: float) -> str:
        """One chat completion; returns the message content or raises `_StepError`."""
        run.calls += 1
        try:
            completion = await self._client.create(
                messages,
                response_format=self._response_format,
                temperature=self._temperature,
                max_completion_tokens=self._settings.llm_max_completion_tokens,
                deadline=deadline,
                trace=run.trace,
                stream=run.drafter,
            )
        except LLMCallError as error:
            if error.reason == "circuit_open":
                run.calls -= 1  # nothing went out
            raise _StepError(error.reason, detail=error.description) from None
        data = completion.data
        run.streamed = run.streamed or completion.streamed
        run.add_usage(data)
        choices = data.get("choices")
        if not isinstance(choices, list) or not choices or not isinstance(choices[0], dict):
            raise _StepError("empty_choices")
        choice = choices[0]
        message = choice.get("message")
        message = message if isinstance(message, dict) else {}
        finish_reason = choice.get("finish_reason")
        run.finish_reason = finish_reason if isinstance(finish_reason, str) else None
        if message.get("refusal"):
            raise _StepError("refusal")
        if run.finish_reason != "stop":
            raise _StepError(run.finish_reason or "no_finish_reason")
        content = message.get("content")
        if self._log_prompts:
            logger.debug("llm_workout completion: %s", content)
        if not isinstance(content, str) or not content.strip():
            raise _StepError("invalid_json", ["the answer was empty"], "")
        return content

    @staticmethod
    def _interpret(
        content: str, allowed: Mapping[str, CatalogueExercise], profile: TrainingProfile
    ) -> tuple[WorkoutPlan, tuple[str, ...]]:
        try:
            data = json.loads(content)
        except json.JSONDecodeError as error:
            raise _StepError(
                "invalid_json", [f"the answer is not valid JSON ({error.msg})"], content
            ) from None
        except ValueError:  # e.g. a number too long to convert
            raise _StepError("invalid_json", ["the answer is not valid JSON"], content) from None
        validation = validate_plan(data, allowed, profile=profile)
        if validation.plan is None:
            raise _StepError(validation.reason or "validation", validation.errors, content)
        return validation.plan, validation.repairs

    def _gate(
        self,
        run: _Run,
        validation: tuple[WorkoutPlan, tuple[str, ...]],
        content: str,
        profile: TrainingProfile,
        history: Sequence[PastWorkout],
        focus: str | None,
        today: date,
    ) -> tuple[WorkoutPlan, tuple[str, ...]]:
        """The rules gate: repairs kept, a plan still violating the rules re-asked."""
        plan, repairs = validation
        if focus is not None:
            plan = plan.model_copy(update={"focus": focus})
        result = gate(plan, profile, history, self._catalogue, today=today)
        run.gated = True
        run.violations += result.found
        if not result.passed:
            raise _StepError("rules", [str(v) for v in result.remaining], content)
        run.rules_repaired = run.rules_repaired or bool(result.found)
        run.rules_repairs = result.repairs
        return result.plan, repairs

    def _safe(self, text: str) -> str:
        """Belt and braces: descriptions are redacted at the source, but make sure."""
        key = self._settings.proxy_api_key
        return redact(text, [key.get_secret_value()]) if key is not None and text else text

    def _log(self, user_id: int, result: LLMOutcome, *, exc_info: bool) -> None:
        level = logging.WARNING if result.outcome == "fallback" else logging.INFO
        args = (
            user_id,
            self._settings.llm_model,
            result.outcome,
            result.reason,
            result.status if result.status is not None else "-",
            result.finish_reason or "-",
            result.attempts,
            result.calls,
            result.latency_ms,
            result.prompt_tokens,
            result.completion_tokens,
            result.cached_tokens,
            result.cost_usd,
            len(result.repairs),
            self._client.breaker.state.value,
            "on" if result.streamed else "off",
            json.dumps(result.detail, ensure_ascii=False) if result.detail else "-",
        )
        logger.log(
            level,
            LOG_FORMAT,
            *args,
            exc_info=exc_info,
            extra={
                "llm_outcome": result.outcome,
                "llm_reason": result.reason,
                "llm_attempts": result.attempts,
            },
        )


def _rules_action(run: _Run, plan: WorkoutPlan | None) -> str:
    if not run.gated:
        return "-"
    if plan is None:
        return "fallback"
    if run.rules_reask:
        return "reasked"
    return "repaired" if run.rules_repaired else "none"
