"""A minimal OpenAI-compatible chat completions client for ProxyAPI.

One shared `httpx.AsyncClient` (the caller's, or our own closed by `aclose()`), bounded
timeouts, a few retries on transient failures only, and a circuit breaker so repeated
failures stop the calls for a while (ProxyAPI pauses keys that keep getting 4xx).

Streaming (`create(..., stream=sink)`, while `streaming` is on): the same request with
`"stream": true`, through the same retries and breaker; the answer's pieces go to the
sink as they arrive and the result is the completion a plain call would have returned.
A connection cut mid-stream is a timeout (retried: the sink is told to start over). A
proxy that does not stream (refuses `stream`, answers plain JSON, or sends nothing for
`STREAM_FIRST_CHUNK_SECONDS`) turns streaming off for the rest of the process, with one
log line; the refused request is sent again without it at once.

Secrets: the key only ever goes into the `Authorization` header of a request; it is never
logged, and every error description is passed through `redact` before it is raised.
"""

from __future__ import annotations

import asyncio
import email.utils
import logging
import random
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Protocol, Self

import httpx

from trainer_bot.config import Settings
from trainer_bot.llm.circuit_breaker import CircuitBreaker
from trainer_bot.llm.errors import CircuitOpenError, LLMCallError, describe_error_body
from trainer_bot.llm.stream import SSEDecoder, StreamedAnswer, StreamProtocolError
from trainer_bot.redaction import redact

logger = logging.getLogger(__name__)

CONNECT_TIMEOUT_SECONDS = 5.0
MAX_RETRIES = 2
# Retried: request timeout, conflict, rate limit and upstream errors. Never 400/401/402/403/404.
RETRYABLE_STATUSES = frozenset({408, 409, 429})
# A bad key, no balance, a model not allowed for the key: no point calling again soon.
FATAL_STATUSES = frozenset({401, 402, 403})
# Do not start an attempt with less time than this left (capped by the attempt timeout).
MIN_ATTEMPT_SECONDS = 1.0
# A streaming request the proxy refuses with one of these is sent again without `stream`
# (404 is left out: ProxyAPI says "unknown model" with it).
STREAM_REFUSED_STATUSES = frozenset({400, 415, 422, 501})
# gpt-4o-mini's first token comes within a second or two; none after this long means a
# proxy that buffers the whole answer: streaming brings nothing, so it is turned off.
STREAM_FIRST_CHUNK_SECONDS = 6.0

Message = Mapping[str, Any]
Sleep = Callable[[float], Awaitable[None]]


def is_retryable_status(status: int) -> bool:
    return status in RETRYABLE_STATUSES or 500 <= status <= 599


def parse_retry_after(headers: Mapping[str, str], *, now: datetime | None = None) -> float | None:
    """Seconds to wait from `retry-after-ms`, else `retry-after` (seconds or an HTTP date)."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms is not None:
        try:
            value = float(raw_ms) / 1000
        except ValueError:
            value = -1.0
        if value >= 0:
            return value
    raw = headers.get("retry-after")
    if raw is None:
        return None
    raw = raw.strip()
    try:
        seconds = float(raw)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - (now or datetime.now(UTC))).total_seconds()
        return max(0.0, seconds)
    return seconds if seconds >= 0 else None


@dataclass
class CallTrace:
    """What the client did, filled in as it goes (survives a cancellation of the call)."""

    attempts: int = 0
    status: int | None = None
    waited_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class ChatCompletion:
    data: dict[str, Any]
    status: int
    attempts: int
    streamed: bool = False  # the answer came as server-sent events


class StreamSink(Protocol):
    """Who reads a streamed answer as it arrives (llm.drafting.PlanDrafter)."""

    def feed(self, text: str) -> None:
        """The next piece of the answer's content."""

    def restart(self) -> None:
        """The pieces fed so far are void: the stream was cut and the call is retried."""


class ChatCompletionsClient:
    """`POST {proxy_api_url}/chat/completions` with retries and a circuit breaker."""

    def __init__(
        self,
        settings: Settings,
        *,
        http_client: httpx.AsyncClient | None = None,
        breaker: CircuitBreaker | None = None,
        max_retries: int = MAX_RETRIES,
        backoff_base_seconds: float = 0.5,
        backoff_cap_seconds: float = 8.0,
        sleep: Sleep = asyncio.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self._settings = settings
        self._timeout_seconds = settings.llm_timeout_seconds
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(timeout=self._timeout(self._timeout_seconds))
        self.breaker = breaker or CircuitBreaker()
        self._max_retries = max_retries
        self._backoff_base = backoff_base_seconds
        self._backoff_cap = backoff_cap_seconds
        self._sleep = sleep
        self._jitter = jitter
        self._url = str(settings.proxy_api_url).rstrip("/") + "/chat/completions"
        # Process-wide: a proxy found not to stream is not asked to again.
        self.streaming = settings.llm_stream

    @staticmethod
    def _timeout(seconds: float) -> httpx.Timeout:
        return httpx.Timeout(seconds, connect=min(CONNECT_TIMEOUT_SECONDS, seconds))

    @property
    def url(self) -> str:
        return self._url

    async def aclose(self) -> None:
        """Close the HTTP client if this object created it (a shared one is the caller's)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    def _secret(self) -> str | None:
        key = self._settings.proxy_api_key
        return key.get_secret_value() if key is not None else None

    def backoff_seconds(self, retry_number: int) -> float:
        """min(base * 2^n, cap) with jitter: between half and the full value."""
        base = min(self._backoff_base * 2**retry_number, self._backoff_cap)
        return base * (0.5 + 0.5 * self._jitter())

    async def create(
        self,
        messages: Sequence[Message],
        *,
        response_format: Mapping[str, Any] | None = None,
        temperature: float | None = None,
        max_completion_tokens: int | None = None,
        deadline: float | None = None,
        trace: CallTrace | None = None,
        stream: StreamSink | None = None,
    ) -> ChatCompletion:
        """One chat completion; raises `LLMCallError` (never an httpx error).

        `deadline` is a `time.monotonic()` instant: no attempt or wait goes past it.
        `stream`: stream the answer into it (while `streaming` is on).
        """
        key = self._secret()
        if key is None:
            raise LLMCallError("no_key", "PROXY_API_KEY is not set")
        if not self.breaker.allow():
            raise CircuitOpenError(self.breaker.retry_in())
        trace = trace if trace is not None else CallTrace()
        if deadline is None:
            deadline = time.monotonic() + self._settings.llm_total_budget_seconds
        payload: dict[str, Any] = {
            "model": self._settings.llm_model,
            "messages": list(messages),
            "max_completion_tokens": max_completion_tokens
            or self._settings.llm_max_completion_tokens,
        }
        if response_format is not None:
            payload["response_format"] = dict(response_format)
        if temperature is not None:
            payload["temperature"] = temperature
        try:
            result = await self._call_with_retries(payload, key, deadline, trace, stream)
        except LLMCallError as error:
            self.breaker.record_failure(fatal=error.status in FATAL_STATUSES)
            raise
        except BaseException:
            # Cancelled from outside (the caller's time budget ran out): a failed call.
            self.breaker.record_failure()
            raise
        self.breaker.record_success()
        return result

    async def _call_with_retries(
        self,
        payload: dict[str, Any],
        key: str,
        deadline: float,
        trace: CallTrace,
        stream: StreamSink | None,
    ) -> ChatCompletion:
        headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
        min_attempt = min(MIN_ATTEMPT_SECONDS, self._timeout_seconds)
        retry = 0
        fed = False  # the sink has pieces of an earlier attempt
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LLMCallError("timeout", "time budget spent", attempts=trace.attempts)
            trace.attempts += 1
            retry_after: float | None = None
            attempt_seconds = min(self._timeout_seconds, remaining)
            if fed and stream is not None:
                stream.restart()
                fed = False
            try:
                if stream is not None and self.streaming:
                    fed = True
                    streamed = await self._stream_attempt(
                        payload, headers, attempt_seconds, key, trace, stream
                    )
                    if streamed is not None:
                        return streamed
                    continue  # refused: at once, without `stream` (not a retry)
                response = await self._http.post(
                    self._url,
                    json=payload,
                    headers=headers,
                    timeout=self._timeout(attempt_seconds),
                )
            except (httpx.TimeoutException, TimeoutError):
                error = LLMCallError("timeout", "no answer in time", attempts=trace.attempts)
                retryable = True
            except (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError) as exc:
                error = LLMCallError(
                    "connection_error",
                    redact(f"{type(exc).__name__}: {exc}", [key]),
                    attempts=trace.attempts,
                )
                retryable = True
            except httpx.HTTPError as exc:
                raise LLMCallError(
                    "connection_error",
                    redact(f"{type(exc).__name__}: {exc}", [key]),
                    attempts=trace.attempts,
                ) from None
            except _StreamCutError as exc:
                # Not an HTTP error: what arrived is void, the call is retried (or falls back).
                error = LLMCallError("timeout", str(exc), attempts=trace.attempts)
                retryable = True
            except _HTTPStatusError as exc:
                error, retry_after = exc.error, exc.retry_after
                retryable = is_retryable_status(exc.error.status or 0)
            else:
                trace.status = response.status_code
                if 200 <= response.status_code < 300:
                    return self._parse_success(response, key, trace)
                error = LLMCallError(
                    f"http_{response.status_code}",
                    redact(describe_error_body(response.content), [key]),
                    status=response.status_code,
                    attempts=trace.attempts,
                )
                retryable = is_retryable_status(response.status_code)
                retry_after = parse_retry_after(response.headers)
            if not retryable or retry >= self._max_retries:
                raise error
            wait = retry_after if retry_after is not None else self.backoff_seconds(retry)
            if time.monotonic() + wait + min_attempt > deadline:
                logger.debug("LLM retry skipped: wait %.2f s exceeds the time budget", wait)
                raise error
            logger.debug("LLM %s, retry %d in %.2f s", error.reason, retry + 1, wait)
            trace.waited_seconds += wait
            await self._sleep(wait)
            retry += 1

    async def _stream_attempt(
        self,
        payload: dict[str, Any],
        headers: dict[str, str],
        seconds: float,
        key: str,
        trace: CallTrace,
        sink: StreamSink,
    ) -> ChatCompletion | None:
        """One streaming attempt; None when the proxy refused `stream` (streaming is then
        off). The whole attempt is bounded by `seconds`, like a plain one."""
        body = {**payload, "stream": True, "stream_options": {"include_usage": True}}
        started = time.monotonic()
        answer = StreamedAnswer()
        try:
            async with (
                asyncio.timeout(seconds),
                self._http.stream(
                    "POST", self._url, json=body, headers=headers, timeout=self._timeout(seconds)
                ) as response,
            ):
                trace.status = response.status_code
                if not 200 <= response.status_code < 300:
                    content = await response.aread()
                    error = LLMCallError(
                        f"http_{response.status_code}",
                        redact(describe_error_body(content), [key]),
                        status=response.status_code,
                        attempts=trace.attempts,
                    )
                    if response.status_code in STREAM_REFUSED_STATUSES:
                        self.stop_streaming(f"the proxy refused it ({error})")
                        return None
                    raise _HTTPStatusError(error, parse_retry_after(response.headers))
                content_type = response.headers.get("content-type", "")
                if "text/event-stream" not in content_type:
                    await response.aread()
                    self.stop_streaming(f"the proxy answered {content_type or 'no content type'}")
                    return self._parse_success(response, key, trace)
                await self._read_events(response, answer, sink, started)
        except (httpx.TimeoutException, TimeoutError):
            waited = time.monotonic() - started
            if not answer.content and waited > STREAM_FIRST_CHUNK_SECONDS:
                self.stop_streaming(f"nothing streamed in {waited:.1f} s")
            raise
        if not answer.complete:
            raise _StreamCutError(f"stream cut after {answer.chunks} chunks")
        return ChatCompletion(
            data=answer.as_completion(),
            status=trace.status or 200,
            attempts=trace.attempts,
            streamed=True,
        )

    async def _read_events(
        self, response: httpx.Response, answer: StreamedAnswer, sink: StreamSink, started: float
    ) -> None:
        decoder = SSEDecoder()
        try:
            async for raw in response.aiter_bytes():  # (content-encoding undone, bytes)
                for event in decoder.feed(raw):
                    self._take(answer, event, sink, started)
                if answer.done:
                    return
            for event in decoder.close():
                self._take(answer, event, sink, started)
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise _StreamCutError(
                f"stream cut after {answer.chunks} chunks ({type(exc).__name__})"
            ) from None
        except StreamProtocolError as exc:
            raise _StreamCutError(str(exc)) from None

    def _take(self, answer: StreamedAnswer, event: str, sink: StreamSink, started: float) -> None:
        first = not answer.content
        piece = answer.add(event)
        if not piece:
            return
        if first:
            waited = time.monotonic() - started
            if waited > STREAM_FIRST_CHUNK_SECONDS:
                self.stop_streaming(f"the first piece came after {waited:.1f} s")
        sink.feed(piece)

    def stop_streaming(self, why: str) -> None:
        """The plain call from now on, for the rest of the process (one log line)."""
        if self.streaming:
            self.streaming = False
            logger.warning("LLM streaming off for this process: %s", why)

    @staticmethod
    def _parse_success(response: httpx.Response, key: str, trace: CallTrace) -> ChatCompletion:
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise LLMCallError(
                "invalid_response",
                redact(describe_error_body(response.content), [key]),
                status=response.status_code,
                attempts=trace.attempts,
            )
        return ChatCompletion(data=data, status=response.status_code, attempts=trace.attempts)


class _StreamCutError(Exception):
    """Internal: a stream that ended before the model finished (or sent garbage)."""


class _HTTPStatusError(Exception):
    """Internal: a streaming request answered with an error status."""

    def __init__(self, error: LLMCallError, retry_after: float | None) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after
