"""LLMWorkoutGenerator end to end over real HTTP: the whole outcome matrix and its log line."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest

from tests.fakes.openai_server import (
    FakeOpenAIServer,
    ScriptedResponse,
    completion_response,
    empty_choices_response,
    error_response,
    openai_server_fixture,  # noqa: F401 - registers the `openai_server` fixture
    plan_payload,
    plan_responder,
    refusal_response,
    sample_catalogue,
)
from trainer_bot.config import Settings
from trainer_bot.db.enums import EquipmentType, FitnessLevel, Gender, Goal
from trainer_bot.llm.circuit_breaker import BreakerState, CircuitBreaker
from trainer_bot.llm.client import ChatCompletionsClient
from trainer_bot.llm.generator import LLMOutcome, LLMWorkoutGenerator
from trainer_bot.llm.prompt import parse_allowed_lines
from trainer_bot.training.schemas import TrainingProfile

API_KEY = "sk-test-secret-key"
CATALOGUE = sample_catalogue()
BY_SLUG = {e.slug: e for e in CATALOGUE}
GYM = [BY_SLUG[s] for s in ("back_squat", "bench_press", "lat_pulldown", "dumbbell_row")]
HOME = [BY_SLUG[s] for s in ("push_up", "pull_up", "bodyweight_squat", "lunge", "plank")]
ALLOWED = [*GYM, *HOME]
HINT = "focus=full_body_a; Всё тело A; первая тренировка недели"
PROFILE = TrainingProfile(
    gender=Gender.MALE,
    age=28,
    height_cm=180,
    weight_kg=80,
    level=FitnessLevel.BEGINNER,
    goal=Goal.MASS_GAIN,
    target_weight_kg=85,
    workouts_per_week=3,
    equipment=EquipmentType.GYM,
)


def good_plan() -> dict[str, Any]:
    return plan_payload(
        [
            {"slug": "back_squat", "weight_kg": 50.0, "rest_seconds": 120},
            {"slug": "bench_press", "weight_kg": 40.0, "rest_seconds": 120},
            {"slug": "lat_pulldown", "weight_kg": 35.0},
            "push_up",
            {"slug": "plank", "reps_min": 30, "reps_max": 45, "rest_seconds": 60},
        ]
    )


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make_settings(server: FakeOpenAIServer, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "llm_timeout_seconds": 2.0,
        "llm_total_budget_seconds": 5.0,
        **overrides,
    }
    return Settings(
        bot_token="123456:ABCDEFGHIJKLMNOP",
        proxy_api_key=API_KEY,
        proxy_api_url=server.base_url,
        _env_file=None,
        **values,
    )


def make_generator(
    server: FakeOpenAIServer, *, breaker: CircuitBreaker | None = None, **overrides: Any
) -> LLMWorkoutGenerator:
    settings = make_settings(server, **overrides)
    client = ChatCompletionsClient(
        settings,
        http_client=server.http_client,
        breaker=breaker,
        backoff_base_seconds=0.01,
        backoff_cap_seconds=0.05,
    )
    return LLMWorkoutGenerator(settings, client, CATALOGUE)


async def generate(generator: LLMWorkoutGenerator, **overrides: Any) -> LLMOutcome:
    kwargs: dict[str, Any] = {
        "user_id": 42,
        "profile": PROFILE,
        "allowed": ALLOWED,
        "history": [],
        "session_hint": HINT,
        **overrides,
    }
    try:
        return await generator.generate(**kwargs)
    finally:
        await generator._client.aclose()


def check_log(
    caplog: pytest.LogCaptureFixture, outcome: LLMOutcome, *, reason: str, attempts: int
) -> str:
    """Exactly one INFO+ line from trainer_bot.llm; reason and attempts in it; no secrets."""
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        assert API_KEY not in text, f"API key leaked in {record.name}"
        assert HINT not in text, "the prompt must not be logged by default"
    lines = [
        r
        for r in caplog.records
        if r.name.startswith("trainer_bot.llm") and r.levelno >= logging.INFO
    ]
    assert len(lines) == 1, [r.getMessage() for r in lines]
    [record] = lines
    message = record.getMessage()
    expected_level = logging.WARNING if outcome.outcome == "fallback" else logging.INFO
    assert record.levelno == expected_level
    assert record.name == "trainer_bot.llm.generator"
    assert outcome.reason == reason and outcome.attempts == attempts
    for part in (
        "user_id=42",
        "model=gpt-4o-mini",
        f"outcome={outcome.outcome}",
        f"reason={reason}",
        f"attempts={attempts}",
        "latency_ms=",
        "prompt_tokens=",
        "completion_tokens=",
        "cost_usd=",
        "status=",
        "finish_reason=",
    ):
        assert part in message, (part, message)
    assert API_KEY not in outcome.detail
    return message


@pytest.fixture(autouse=True)
def _capture(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)


async def test_success(openai_server: FakeOpenAIServer, caplog: pytest.LogCaptureFixture) -> None:
    openai_server.enqueue(completion_response(good_plan(), prompt_tokens=1500))
    outcome = await generate(make_generator(openai_server))
    assert outcome.outcome == "ok" and outcome.plan is not None
    assert [e.slug for e in outcome.plan.exercises][:2] == ["back_squat", "bench_press"]
    assert outcome.calls == 1 and outcome.status == 200 and outcome.finish_reason == "stop"
    assert (outcome.prompt_tokens, outcome.completion_tokens) == (1500, 400)
    assert outcome.cost_usd == pytest.approx((1500 * 0.15 + 400 * 0.60) / 1e6)
    message = check_log(caplog, outcome, reason="ok", attempts=1)
    assert "status=200" in message and "finish_reason=stop" in message

    [request] = openai_server.requests
    body = request.json
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert body["model"] == "gpt-4o-mini" and body["max_completion_tokens"] == 1200
    schema_format = body["response_format"]
    assert schema_format["type"] == "json_schema"
    assert schema_format["json_schema"]["strict"] is True
    # The schema is the same for everyone and names no slugs: the list in the user message
    # and the validation against it decide (see test_unknown_slug_is_dropped).
    assert "enum" not in json.dumps(schema_format)
    system, user = body["messages"]
    assert system["role"] == "system" and user["role"] == "user"
    assert "back_squat|" in user["content"] and "deadlift|" not in user["content"]
    listed = [line.slug for line in parse_allowed_lines(user["content"])]
    assert sorted(listed) == sorted(e.slug for e in ALLOWED)  # exactly what was passed
    assert HINT in user["content"]


async def test_same_schema_for_every_user(openai_server: FakeOpenAIServer) -> None:
    openai_server.responder = plan_responder
    await generate(make_generator(openai_server))
    await generate(make_generator(openai_server), allowed=HOME)
    first, second = (r.json for r in openai_server.requests)
    assert first["response_format"] == second["response_format"]
    assert first["messages"][0] == second["messages"][0]  # the cacheable prefix


async def test_repaired_plan(openai_server: FakeOpenAIServer, caplog) -> None:
    plan = good_plan()
    plan["exercises"][3]["weight_kg"] = 10  # push_up is bodyweight
    plan["exercises"][0]["sets"] = 12
    plan["exercises"].append(dict(plan["exercises"][1]))  # a duplicate
    openai_server.enqueue(completion_response(plan))
    outcome = await generate(make_generator(openai_server))
    assert outcome.outcome == "repaired" and outcome.plan is not None
    assert len(outcome.plan.exercises) == 5
    # 12 -> 6 by validation (the answer's range), then -> 3 by the rules gate: a
    # beginner's mass gain row is 2-3 sets.
    assert "back_squat: sets 12 -> 6" in outcome.repairs
    assert outcome.plan.exercises[0].sets == 3
    assert outcome.rules_action == "repaired" and "sets_range" in outcome.violations
    assert outcome.plan.exercises[3].weight_kg is None
    assert any("twice" in r for r in outcome.repairs)
    message = check_log(caplog, outcome, reason="repaired", attempts=1)
    assert f"repairs={len(outcome.repairs)}" in message


async def test_unknown_slug_is_dropped(openai_server: FakeOpenAIServer, caplog) -> None:
    plan = good_plan()
    # In the catalogue (and the schema has no enum to stop it) but not in the list shown.
    plan["exercises"].insert(1, {**plan["exercises"][0], "slug": "deadlift"})
    plan["exercises"].insert(2, {**plan["exercises"][0], "slug": "made_up"})
    openai_server.enqueue(completion_response(plan))
    outcome = await generate(make_generator(openai_server))
    assert outcome.outcome == "repaired" and outcome.plan is not None
    assert [e.slug for e in outcome.plan.exercises] == [
        "back_squat",
        "bench_press",
        "lat_pulldown",
        "push_up",
        "plank",
    ]
    check_log(caplog, outcome, reason="repaired", attempts=1)


async def test_timeout(openai_server: FakeOpenAIServer, caplog) -> None:
    openai_server.enqueue(*(ScriptedResponse(delay=1.0) for _ in range(3)))
    outcome = await generate(make_generator(openai_server, llm_timeout_seconds=0.2))
    assert outcome.outcome == "fallback" and outcome.plan is None
    check_log(caplog, outcome, reason="timeout", attempts=3)


async def test_total_budget_bounds_everything(openai_server: FakeOpenAIServer, caplog) -> None:
    openai_server.enqueue(ScriptedResponse(delay=3.0))
    started = time.monotonic()
    outcome = await generate(
        make_generator(openai_server, llm_timeout_seconds=10, llm_total_budget_seconds=0.4)
    )
    assert time.monotonic() - started < 1.0
    assert outcome.outcome == "fallback" and outcome.latency_ms < 1000
    check_log(caplog, outcome, reason="timeout", attempts=1)


async def test_total_budget_covers_the_reask(openai_server: FakeOpenAIServer, caplog) -> None:
    openai_server.enqueue(completion_response("not json"), ScriptedResponse(delay=3.0))
    started = time.monotonic()
    outcome = await generate(
        make_generator(openai_server, llm_timeout_seconds=10, llm_total_budget_seconds=0.5)
    )
    assert time.monotonic() - started < 1.0
    assert outcome.calls == 2
    check_log(caplog, outcome, reason="timeout", attempts=2)


async def test_429_then_success(openai_server: FakeOpenAIServer, caplog) -> None:
    openai_server.enqueue(
        error_response(429, "Rate limit reached", headers={"retry-after": "0.2"}),
        completion_response(good_plan()),
    )
    outcome = await generate(make_generator(openai_server))
    assert outcome.outcome == "ok"
    first, second = openai_server.requests
    assert second.received_at - first.received_at >= 0.19
    check_log(caplog, outcome, reason="ok", attempts=2)


async def test_429_with_long_retry_after_falls_back_fast(
    openai_server: FakeOpenAIServer, caplog
) -> None:
    openai_server.enqueue(error_response(429, "Key paused", headers={"retry-after": "600"}))
    started = time.monotonic()
    outcome = await generate(make_generator(openai_server))
    assert time.monotonic() - started < 1
    assert outcome.status == 429 and "Key paused" in outcome.detail
    check_log(caplog, outcome, reason="http_429", attempts=1)


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_5xx_retried_then_success(
    openai_server: FakeOpenAIServer, caplog, status: int
) -> None:
    openai_server.enqueue(
        error_response(status), error_response(status), completion_response(good_plan())
    )
    outcome = await generate(make_generator(openai_server))
    assert outcome.outcome == "ok"
    check_log(caplog, outcome, reason="ok", attempts=3)


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_5xx_exhausted(openai_server: FakeOpenAIServer, caplog, status: int) -> None:
    openai_server.enqueue(*(error_response(status, "upstream down") for _ in range(3)))
    outcome = await generate(make_generator(openai_server))
    assert outcome.outcome == "fallback" and outcome.status == status
    message = check_log(caplog, outcome, reason=f"http_{status}", attempts=3)
    assert f"status={status}" in message and "upstream down" in message


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404])
@pytest.mark.parametrize("shape", ["openai", "detail"])
async def test_client_errors_fall_back_without_retry(
    openai_server: FakeOpenAIServer, caplog, status: int, shape: str
) -> None:
    openai_server.enqueue(
        error_response(status, f"problem {status} key {API_KEY}", shape=shape),  # type: ignore[arg-type]
        completion_response(good_plan()),
    )
    generator = make_generator(openai_server)
    outcome = await generate(generator)
    assert outcome.outcome == "fallback" and openai_server.calls == 1
    assert f"problem {status}" in outcome.detail and API_KEY not in outcome.detail
    message = check_log(caplog, outcome, reason=f"http_{status}", attempts=1)
    expected = BreakerState.OPEN if status in {401, 402, 403} else BreakerState.CLOSED
    assert generator._client.breaker.state is expected
    assert f"breaker={expected.value}" in message


async def test_non_json_body(openai_server: FakeOpenAIServer, caplog) -> None:
    openai_server.enqueue(ScriptedResponse(body="<html>oops</html>"))
    outcome = await generate(make_generator(openai_server))
    assert outcome.outcome == "fallback" and openai_server.calls == 1
    check_log(caplog, outcome, reason="invalid_response", attempts=1)


async def test_refusal(openai_server: FakeOpenAIServer, caplog) -> None:
    openai_server.enqueue(refusal_response())
    outcome = await generate(make_generator(openai_server))
    assert outcome.outcome == "fallback" and outcome.calls == 1
    check_log(caplog, outcome, reason="refusal", attempts=1)


async def test_length(openai_server: FakeOpenAIServer, caplog) -> None:
    openai_server.enqueue(completion_response('{"focus": "full_bo', finish_reason="length"))
    outcome = await generate(make_generator(openai_server))
    assert outcome.outcome == "fallback" and outcome.finish_reason == "length"
    message = check_log(caplog, outcome, reason="length", attempts=1)
    assert "finish_reason=length" in message


async def test_empty_choices(openai_server: FakeOpenAIServer, caplog) -> None:
    openai_server.enqueue(empty_choices_response())
    outcome = await generate(make_generator(openai_server))
    assert outcome.outcome == "fallback"
    check_log(caplog, outcome, reason="empty_choices", attempts=1)


async def test_reask_after_invalid_json(openai_server: FakeOpenAIServer, caplog) -> None:
    openai_server.enqueue(
        completion_response("this is not json", prompt_tokens=1000, completion_tokens=5),
        completion_response(good_plan(), prompt_tokens=1100, completion_tokens=400),
    )
    outcome = await generate(make_generator(openai_server))
    assert outcome.outcome == "repaired" and outcome.plan is not None and outcome.calls == 2
    assert (outcome.prompt_tokens, outcome.completion_tokens) == (2100, 405)
    check_log(caplog, outcome, reason="reask", attempts=2)
    messages = openai_server.requests[1].json["messages"]
    assert [m["role"] for m in messages] == ["system", "user", "assistant", "user"]
    assert messages[2]["content"] == "this is not json"
    assert "not valid JSON" in messages[3]["content"]


async def test_reask_after_schema_break(openai_server: FakeOpenAIServer, caplog) -> None:
    broken = good_plan()
    del broken["exercises"]
    openai_server.enqueue(completion_response(broken), completion_response(good_plan()))
    outcome = await generate(make_generator(openai_server))
    assert outcome.plan is not None and outcome.calls == 2
    check_log(caplog, outcome, reason="reask", attempts=2)
    assert "exercises" in openai_server.requests[1].json["messages"][3]["content"]


async def test_reask_lists_unusable_exercises(openai_server: FakeOpenAIServer, caplog) -> None:
    bad = plan_payload(["made_up", "deadlift", "push_up", "push_up", "pull_up"])
    openai_server.enqueue(completion_response(bad), completion_response(good_plan()))
    outcome = await generate(make_generator(openai_server))
    assert outcome.outcome == "repaired" and outcome.calls == 2
    check_log(caplog, outcome, reason="reask", attempts=2)
    reask = openai_server.requests[1].json["messages"][3]["content"]
    assert "'made_up' is not in the allowed list" in reask
    assert "'deadlift' is not in the allowed list" in reask
    assert "'push_up' appears twice" in reask
    assert "need 4-7" in reask


async def test_second_invalid_answer_falls_back(openai_server: FakeOpenAIServer, caplog) -> None:
    bad = plan_payload(["push_up", "push_up"])
    openai_server.enqueue(completion_response(bad), completion_response(bad))
    outcome = await generate(make_generator(openai_server))
    assert outcome.outcome == "fallback" and outcome.calls == 2 and openai_server.calls == 2
    message = check_log(caplog, outcome, reason="validation", attempts=2)
    assert "calls=2" in message


async def test_json_that_is_not_an_object(openai_server: FakeOpenAIServer, caplog) -> None:
    openai_server.enqueue(completion_response("[1, 2, 3]"), completion_response("null"))
    outcome = await generate(make_generator(openai_server))
    assert outcome.outcome == "fallback"
    check_log(caplog, outcome, reason="schema", attempts=2)


async def test_retries_and_reask_add_up(openai_server: FakeOpenAIServer, caplog) -> None:
    openai_server.enqueue(
        error_response(503),
        completion_response("{}"),
        error_response(502),
        completion_response(good_plan()),
    )
    outcome = await generate(make_generator(openai_server))
    assert outcome.plan is not None and outcome.calls == 2
    check_log(caplog, outcome, reason="reask", attempts=4)


async def test_breaker_opens_short_circuits_and_recovers(
    openai_server: FakeOpenAIServer, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=5, cooldown_seconds=60, clock=clock)
    openai_server.enqueue(error_response(401, "Invalid key", shape="detail"))
    outcome = await generate(make_generator(openai_server, breaker=breaker))
    check_log(caplog, outcome, reason="http_401", attempts=1)
    assert breaker.state is BreakerState.OPEN

    for _ in range(3):
        caplog.clear()
        outcome = await generate(make_generator(openai_server, breaker=breaker))
        assert outcome.outcome == "fallback" and outcome.calls == 0
        check_log(caplog, outcome, reason="circuit_open", attempts=0)
    assert openai_server.calls == 1  # nothing went out while open

    clock.now += 60  # cooldown over: one probe goes through and succeeds
    caplog.clear()
    openai_server.enqueue(completion_response(good_plan()))
    outcome = await generate(make_generator(openai_server, breaker=breaker))
    check_log(caplog, outcome, reason="ok", attempts=1)
    assert breaker.state is BreakerState.CLOSED and openai_server.calls == 2


async def test_breaker_opens_after_consecutive_failures(
    openai_server: FakeOpenAIServer, caplog: pytest.LogCaptureFixture
) -> None:
    breaker = CircuitBreaker(failure_threshold=2, cooldown_seconds=60, clock=FakeClock())
    openai_server.enqueue(*(error_response(500) for _ in range(6)))
    for _ in range(2):
        await generate(make_generator(openai_server, breaker=breaker))
    assert breaker.state is BreakerState.OPEN and openai_server.calls == 6
    caplog.clear()
    outcome = await generate(make_generator(openai_server, breaker=breaker))
    check_log(caplog, outcome, reason="circuit_open", attempts=0)
    assert openai_server.calls == 6


async def test_half_open_probe_failure_reopens(openai_server: FakeOpenAIServer, caplog) -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(cooldown_seconds=60, clock=clock)
    openai_server.enqueue(error_response(402, "Insufficient balance"), error_response(402))
    await generate(make_generator(openai_server, breaker=breaker))
    clock.now += 60
    caplog.clear()
    outcome = await generate(make_generator(openai_server, breaker=breaker))
    check_log(caplog, outcome, reason="http_402", attempts=1)
    assert breaker.state is BreakerState.OPEN and breaker.retry_in() == pytest.approx(120)


async def test_no_key_makes_no_http_call(openai_server: FakeOpenAIServer, caplog) -> None:
    settings = make_settings(openai_server)
    settings.proxy_api_key = None
    client = ChatCompletionsClient(settings, http_client=openai_server.http_client)
    generator = LLMWorkoutGenerator(settings, client, CATALOGUE)
    outcome = await generate(generator)
    assert outcome.outcome == "fallback" and outcome.plan is None
    assert openai_server.calls == 0
    check_log(caplog, outcome, reason="no_key", attempts=0)


async def test_too_few_allowed(openai_server: FakeOpenAIServer, caplog) -> None:
    outcome = await generate(make_generator(openai_server), allowed=GYM[:3])
    assert openai_server.calls == 0
    check_log(caplog, outcome, reason="too_few_allowed", attempts=0)


async def test_unexpected_error_never_raises(
    openai_server: FakeOpenAIServer, caplog, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("bug")

    monkeypatch.setattr("trainer_bot.llm.generator.build_messages", boom)
    outcome = await generate(make_generator(openai_server))
    assert outcome.outcome == "fallback" and "RuntimeError" in outcome.detail
    check_log(caplog, outcome, reason="internal_error", attempts=0)


async def test_prompt_logging_is_opt_in(openai_server: FakeOpenAIServer, caplog) -> None:
    openai_server.enqueue(completion_response(good_plan()))
    settings = make_settings(openai_server)
    client = ChatCompletionsClient(settings, http_client=openai_server.http_client)
    generator = LLMWorkoutGenerator(settings, client, CATALOGUE, log_prompts=True)
    outcome = await generate(generator)
    assert outcome.outcome == "ok"
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert any(HINT in m for m in debug)
    assert all(API_KEY not in m for m in debug)


async def test_log_record_carries_structured_fields(
    openai_server: FakeOpenAIServer, caplog
) -> None:
    openai_server.enqueue(completion_response(good_plan()))
    await generate(make_generator(openai_server))
    [record] = [r for r in caplog.records if r.name == "trainer_bot.llm.generator"]
    assert record.llm_outcome == "ok" and record.llm_attempts == 1  # type: ignore[attr-defined]
    json.dumps(record.args)  # plain values only
