"""ChatCompletionsClient over real HTTP against the fake server: retries, errors, breaker."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest

from tests.fakes.openai_server import (
    FakeOpenAIServer,
    ScriptedResponse,
    completion_response,
    error_response,
    openai_server_fixture,  # noqa: F401 - registers the `openai_server` fixture
)
from trainer_bot.config import Settings
from trainer_bot.llm.circuit_breaker import BreakerState, CircuitBreaker
from trainer_bot.llm.client import CallTrace, ChatCompletionsClient, parse_retry_after
from trainer_bot.llm.errors import CircuitOpenError, LLMCallError, describe_error_body

API_KEY = "sk-test-secret-key"
MESSAGES = [{"role": "system", "content": "sys"}, {"role": "user", "content": "hi"}]


def make_settings(base_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "llm_timeout_seconds": 2.0,
        "llm_total_budget_seconds": 5.0,
        **overrides,
    }
    return Settings(
        bot_token="123456:ABCDEFGHIJKLMNOP",
        proxy_api_key=API_KEY,
        proxy_api_url=base_url,
        _env_file=None,
        **values,
    )


def make_client(
    server: FakeOpenAIServer, *, breaker: CircuitBreaker | None = None, **overrides: Any
) -> ChatCompletionsClient:
    return ChatCompletionsClient(
        make_settings(server.base_url, **overrides),
        http_client=server.http_client,
        breaker=breaker,
        backoff_base_seconds=0.01,
        backoff_cap_seconds=0.05,
    )


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def assert_no_secret(error: BaseException) -> None:
    assert API_KEY not in str(error)
    assert API_KEY not in repr(error)
    assert API_KEY not in getattr(error, "description", "")


async def test_success_sends_standard_fields_and_bearer(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue(completion_response({"a": 1}))
    response_format = {"type": "json_schema", "json_schema": {"name": "x", "strict": True}}
    async with make_client(openai_server) as client:
        trace = CallTrace()
        result = await client.create(
            MESSAGES, response_format=response_format, temperature=0.3, trace=trace
        )
    assert result.status == 200 and result.attempts == 1 and trace.attempts == 1
    assert result.data["choices"][0]["message"]["content"] == '{"a": 1}'
    [request] = openai_server.requests
    assert request.path == "/v1/chat/completions"
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert set(request.json) == {
        "model",
        "messages",
        "response_format",
        "max_completion_tokens",
        "temperature",
    }
    assert request.json["model"] == "gpt-4o-mini"
    assert request.json["max_completion_tokens"] == 1200
    assert request.json["response_format"] == response_format
    assert client.breaker.state is BreakerState.CLOSED


async def test_429_retry_after_is_honoured(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue(
        error_response(429, "Rate limit", headers={"retry-after": "0.3"}),
        completion_response("{}"),
    )
    async with make_client(openai_server) as client:
        result = await client.create(MESSAGES)
    assert result.attempts == 2
    first, second = openai_server.requests
    assert second.received_at - first.received_at >= 0.29


async def test_retry_after_ms_wins_over_retry_after(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue(
        error_response(429, headers={"retry-after-ms": "100", "retry-after": "30"}),
        completion_response("{}"),
    )
    started = time.monotonic()
    async with make_client(openai_server) as client:
        result = await client.create(MESSAGES)
    assert result.attempts == 2
    assert 0.09 <= time.monotonic() - started < 2


async def test_retry_after_beyond_budget_is_not_waited(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue(error_response(429, headers={"retry-after": "3600"}))
    started = time.monotonic()
    async with make_client(openai_server) as client:
        with pytest.raises(LLMCallError) as caught:
            await client.create(MESSAGES)
    assert caught.value.reason == "http_429" and caught.value.attempts == 1
    assert time.monotonic() - started < 1
    assert openai_server.calls == 1


async def test_429_exhausts_two_retries(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue(*(error_response(429, headers={"retry-after": "0"}) for _ in range(3)))
    async with make_client(openai_server) as client:
        with pytest.raises(LLMCallError) as caught:
            await client.create(MESSAGES)
    assert caught.value.reason == "http_429" and caught.value.status == 429
    assert caught.value.attempts == 3 and openai_server.calls == 3


@pytest.mark.parametrize("status", [408, 409, 500, 502, 503, 504])
async def test_transient_statuses_are_retried(openai_server: FakeOpenAIServer, status: int) -> None:
    openai_server.enqueue(error_response(status), error_response(status), completion_response("{}"))
    async with make_client(openai_server) as client:
        result = await client.create(MESSAGES)
    assert result.attempts == 3 and openai_server.calls == 3


@pytest.mark.parametrize("status", [400, 401, 402, 403, 404])
async def test_client_errors_are_never_retried(
    openai_server: FakeOpenAIServer, status: int
) -> None:
    openai_server.enqueue(error_response(status, "nope"), completion_response("{}"))
    async with make_client(openai_server) as client:
        with pytest.raises(LLMCallError) as caught:
            await client.create(MESSAGES)
        fatal = status in {401, 402, 403}
        assert client.breaker.state is (BreakerState.OPEN if fatal else BreakerState.CLOSED)
    assert caught.value.reason == f"http_{status}" and caught.value.attempts == 1
    assert openai_server.calls == 1
    assert "nope" in caught.value.description


async def test_timeouts_are_retried_then_reported(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue(*(ScriptedResponse(delay=1.0) for _ in range(3)))
    started = time.monotonic()
    async with make_client(openai_server, llm_timeout_seconds=0.2) as client:
        with pytest.raises(LLMCallError) as caught:
            await client.create(MESSAGES)
    assert caught.value.reason == "timeout" and caught.value.attempts == 3
    assert time.monotonic() - started < 1.5


async def test_deadline_caps_the_attempt(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue(ScriptedResponse(delay=2.0))
    started = time.monotonic()
    async with make_client(openai_server, llm_timeout_seconds=10) as client:
        with pytest.raises(LLMCallError) as caught:
            await client.create(MESSAGES, deadline=time.monotonic() + 0.3)
    assert caught.value.reason == "timeout" and caught.value.attempts == 1
    assert time.monotonic() - started < 1


async def test_dropped_connection_is_retried(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue(ScriptedResponse(drop_connection=True), completion_response("{}"))
    async with make_client(openai_server) as client:
        result = await client.create(MESSAGES)
    assert result.attempts == 2


async def test_connection_refused_is_a_connection_error() -> None:
    server = FakeOpenAIServer()
    await server.start()
    await server.stop()  # nothing listens on that port any more
    async with make_client(server) as client:
        with pytest.raises(LLMCallError) as caught:
            await client.create(MESSAGES)
    await server.stop()  # closes the HTTP client the helper made
    assert caught.value.reason == "connection_error" and caught.value.attempts == 3
    assert_no_secret(caught.value)


async def test_non_json_200_is_invalid_response(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue(ScriptedResponse(body="<html>Bad gateway</html>"))
    async with make_client(openai_server) as client:
        with pytest.raises(LLMCallError) as caught:
            await client.create(MESSAGES)
    assert caught.value.reason == "invalid_response" and caught.value.attempts == 1
    assert "non-JSON body" in caught.value.description


async def test_echoed_key_is_redacted(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue(error_response(401, f"Incorrect API key provided: {API_KEY}."))
    async with make_client(openai_server) as client:
        with pytest.raises(LLMCallError) as caught:
            await client.create(MESSAGES)
    assert caught.value.reason == "http_401"
    assert "Incorrect API key" in caught.value.description
    assert_no_secret(caught.value)


async def test_no_key_makes_no_call(openai_server: FakeOpenAIServer) -> None:
    settings = make_settings(openai_server.base_url)
    settings.proxy_api_key = None
    async with ChatCompletionsClient(settings) as client:
        with pytest.raises(LLMCallError) as caught:
            await client.create(MESSAGES)
    assert caught.value.reason == "no_key" and openai_server.calls == 0


async def test_breaker_short_circuits_then_recovers(openai_server: FakeOpenAIServer) -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=2, cooldown_seconds=60, clock=clock)
    openai_server.enqueue(error_response(400), error_response(404))
    async with make_client(openai_server, breaker=breaker) as client:
        for _ in range(2):
            with pytest.raises(LLMCallError):
                await client.create(MESSAGES)
        assert breaker.state is BreakerState.OPEN
        with pytest.raises(CircuitOpenError) as caught:
            await client.create(MESSAGES)
        assert caught.value.reason == "circuit_open" and caught.value.attempts == 0
        assert openai_server.calls == 2  # no HTTP while open
        clock.now += 61
        openai_server.enqueue(completion_response("{}"))
        result = await client.create(MESSAGES)  # the half-open probe
        assert result.attempts == 1 and breaker.state is BreakerState.CLOSED
    assert openai_server.calls == 3


async def test_shared_http_client_is_not_closed(openai_server: FakeOpenAIServer) -> None:
    openai_server.enqueue(completion_response("{}"))
    async with httpx.AsyncClient() as http:
        client = ChatCompletionsClient(make_settings(openai_server.base_url), http_client=http)
        await client.create(MESSAGES)
        await client.aclose()
        assert not http.is_closed
    owned = ChatCompletionsClient(make_settings(openai_server.base_url))
    await owned.aclose()
    assert owned._http.is_closed


# --- the circuit breaker on its own --------------------------------------------------------


def test_breaker_opens_after_consecutive_failures() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(failure_threshold=5, cooldown_seconds=60, clock=clock)
    for _ in range(4):
        assert breaker.allow()
        breaker.record_failure()
    breaker.record_success()  # resets the count
    for _ in range(4):
        breaker.record_failure()
    assert breaker.state is BreakerState.CLOSED
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN and not breaker.allow()
    assert breaker.retry_in() == pytest.approx(60)


def test_breaker_fatal_failure_opens_at_once() -> None:
    breaker = CircuitBreaker(clock=FakeClock())
    breaker.record_failure(fatal=True)
    assert breaker.state is BreakerState.OPEN


def test_breaker_half_open_lets_one_probe_and_doubles_cooldown() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(cooldown_seconds=60, max_cooldown_seconds=200, clock=clock)
    breaker.record_failure(fatal=True)
    clock.now += 59
    assert not breaker.allow()
    clock.now += 1
    assert breaker.allow()  # the probe
    assert breaker.state is BreakerState.HALF_OPEN
    assert not breaker.allow()  # only one probe at a time
    breaker.record_failure()
    assert breaker.state is BreakerState.OPEN
    assert breaker.retry_in() == pytest.approx(120)
    clock.now += 120
    assert breaker.allow()
    breaker.record_failure()
    assert breaker.retry_in() == pytest.approx(200)  # capped
    clock.now += 200
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state is BreakerState.CLOSED and breaker.allow()
    breaker.record_failure(fatal=True)
    assert breaker.retry_in() == pytest.approx(60)  # back to the base cooldown


def test_breaker_rejects_bad_settings() -> None:
    with pytest.raises(ValueError):
        CircuitBreaker(failure_threshold=0)
    with pytest.raises(ValueError):
        CircuitBreaker(cooldown_seconds=10, max_cooldown_seconds=5)


# --- Retry-After and error bodies -----------------------------------------------------------


def test_parse_retry_after_forms() -> None:
    now = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    assert parse_retry_after({}) is None
    assert parse_retry_after({"retry-after": "2"}) == 2
    assert parse_retry_after({"retry-after": "1.5"}) == 1.5
    assert parse_retry_after({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    assert parse_retry_after({"retry-after-ms": "junk", "retry-after": "9"}) == 9
    date = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after({"retry-after": date}, now=now) == pytest.approx(30)
    past = format_datetime(now - timedelta(seconds=30), usegmt=True)
    assert parse_retry_after({"retry-after": past}, now=now) == 0
    assert parse_retry_after({"retry-after": "soon"}) is None
    assert parse_retry_after({"retry-after": "-3"}) is None


def test_describe_error_body_shapes() -> None:
    openai = b'{"error": {"message": "Bad key", "type": "auth", "param": null, "code": "k"}}'
    assert describe_error_body(openai) == "Bad key (type=auth, code=k)"
    assert describe_error_body('{"detail": "Insufficient balance"}') == "Insufficient balance"
    fastapi = '{"detail": [{"loc": ["body", "model"], "msg": "field required"}]}'
    assert describe_error_body(fastapi) == "model: field required"
    assert describe_error_body(b"<html>\n  502 Bad Gateway\n</html>").startswith(
        "non-JSON body: <html> 502 Bad Gateway"
    )
    assert describe_error_body(b"") == "empty body"
    assert describe_error_body(None) == "empty body"
    assert describe_error_body("[1, 2]").startswith("unexpected body")
    assert len(describe_error_body("x" * 5000)) <= 200
