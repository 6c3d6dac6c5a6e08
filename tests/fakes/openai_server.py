"""A fake OpenAI-compatible server: a real aiohttp server on 127.0.0.1, free port.

It serves `POST /v1/chat/completions` (so `PROXY_API_URL=<server.base_url>`), records every
request (headers and JSON body) and answers from a queue of scripted responses. When the
queue is empty it uses `server.responder` (by default: a 500 saying nothing was scripted;
`plan_responder` builds a valid workout from the request's allowed list instead, which is
what an end-to-end run of the bot wants).

    async def test_x(openai_server: FakeOpenAIServer) -> None:
        openai_server.enqueue(error_response(429, headers={"retry-after": "0.1"}))
        openai_server.enqueue(completion_response(plan_payload(["squat", "push_up", ...])))
        settings = Settings(..., proxy_api_url=openai_server.base_url, _env_file=None)

Run on its own for manual tests: `python -m tests.fakes.openai_server --port 8089`.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import socket
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
import pytest
from aiohttp import web

from trainer_bot.catalogue import CatalogueExercise
from trainer_bot.db.enums import Equipment, FitnessLevel, Movement, Muscle
from trainer_bot.llm.prompt import AllowedLine, parse_allowed_lines

CHAT_PATH = "/v1/chat/completions"
BODYWEIGHT_EQUIPMENT = frozenset({"bodyweight", "pullup_bar"})


@dataclass
class ScriptedResponse:
    status: int = 200
    json: Any = None  # serialised as the body when `body` is None
    body: str | bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    drop_connection: bool = False  # close the socket without answering
    # Streaming (a 200 completion asked for with `"stream": true`): None streams when the
    # request asks, False answers plain JSON anyway (a proxy that does not stream).
    stream: bool | None = None
    pieces: int | None = None  # the content in this many chunks (else ~`piece_chars` each)
    piece_chars: int = 7  # odd: chunks end inside keys, numbers and words
    first_piece_delay: float = 0.0  # seconds after the headers before the first piece
    piece_interval: float = 0.0  # seconds between pieces
    cut_after: int | None = None  # close the connection after this many pieces
    split_utf8: bool = False  # write each event in two writes, split inside a letter


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    json: Any
    received_at: float

    @property
    def messages(self) -> list[dict[str, Any]]:
        return list(self.json.get("messages", [])) if isinstance(self.json, dict) else []


Responder = Callable[[RecordedRequest], ScriptedResponse]


def completion_response(
    content: str | Mapping[str, Any] | None,
    *,
    finish_reason: str | None = "stop",
    refusal: str | None = None,
    prompt_tokens: int = 1200,
    completion_tokens: int = 400,
    cached_tokens: int = 0,
    model: str = "gpt-4o-mini-2024-07-18",
    status: int = 200,
    headers: dict[str, str] | None = None,
    delay: float = 0.0,
) -> ScriptedResponse:
    """A chat completion whose message content is `content` (a dict is JSON-encoded)."""
    text = json.dumps(content, ensure_ascii=False) if isinstance(content, Mapping) else content
    body = {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": refusal},
                "logprobs": None,
                "finish_reason": finish_reason,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
            "prompt_tokens_details": {"cached_tokens": cached_tokens},
        },
    }
    return ScriptedResponse(status=status, json=body, headers=headers or {}, delay=delay)


def refusal_response(text: str = "I'm sorry, I can't help with that.") -> ScriptedResponse:
    return completion_response(None, refusal=text)


def empty_choices_response() -> ScriptedResponse:
    response = completion_response("{}")
    response.json["choices"] = []
    return response


def error_response(
    status: int,
    message: str = "fake error",
    *,
    shape: Literal["openai", "detail"] = "openai",
    code: str | None = None,
    headers: dict[str, str] | None = None,
    delay: float = 0.0,
) -> ScriptedResponse:
    """An error in either ProxyAPI shape: OpenAI's `{"error": {...}}` or `{"detail": ...}`."""
    if shape == "detail":
        body: dict[str, Any] = {"detail": message}
    else:
        body = {
            "error": {
                "message": message,
                "type": "invalid_request_error" if status < 500 else "server_error",
                "param": None,
                "code": code,
            }
        }
    return ScriptedResponse(status=status, json=body, headers=headers or {}, delay=delay)


def exercise_entry(
    slug: str,
    position: int,
    *,
    sets: int = 3,
    reps_min: int = 8,
    reps_max: int = 12,
    weight_kg: float | None = None,
    rest_seconds: int = 90,
    notes: str | None = "Оставляйте 2-3 повтора в запасе.",
) -> dict[str, Any]:
    return {
        "position": position,
        "slug": slug,
        "sets": sets,
        "reps_min": reps_min,
        "reps_max": reps_max,
        "weight_kg": weight_kg,
        "rest_seconds": rest_seconds,
        "notes": notes,
    }


def plan_payload(
    exercises: Sequence[str | Mapping[str, Any]],
    *,
    focus: str = "full_body_a",
    title: str = "Всё тело: базовые движения",
    rationale: str = "Первая неделя: осваиваем технику базовых движений.",
    warmup: str = "5-10 минут лёгкого кардио, затем 2 лёгких подхода первого упражнения.",
) -> dict[str, Any]:
    """A plan as the model would return it; a string becomes a default bodyweight entry,
    a mapping overrides the defaults (it must hold at least `slug`)."""
    entries = []
    for position, item in enumerate(exercises, 1):
        if isinstance(item, str):
            entries.append(exercise_entry(item, position))
        else:
            entry = exercise_entry(str(item["slug"]), position)
            entry.update(item)
            entries.append(entry)
    # The strict schema's order (llm.answer): a streamed plan shows its exercises early.
    return {
        "focus": focus,
        "title": title,
        "exercises": entries,
        "rationale": rationale,
        "warmup": warmup,
    }


def plan_from_request(request: RecordedRequest, count: int = 5) -> dict[str, Any]:
    """A valid plan built from the allowed list in the request's user message."""
    user_text = next(
        (
            str(m.get("content", ""))
            for m in request.messages
            if m.get("role") == "user" and "|" in str(m.get("content", ""))
        ),
        "",
    )
    lines = parse_allowed_lines(user_text)
    # A plan that keeps the rules gate's session shape: the first compound lift of each
    # pattern (the list is grouped by pattern in session order), then the rest.
    firsts: dict[str, AllowedLine] = {}
    for line in lines:
        if line.is_compound and not line.is_timed:
            firsts.setdefault(line.movement, line)
    rest = [line for line in lines if line not in firsts.values()]
    rest.sort(key=lambda line: not line.is_compound)  # compound first, stable otherwise
    entries: list[dict[str, Any]] = []
    for line in [*firsts.values(), *rest][:count]:
        loaded = line.equipment not in BODYWEIGHT_EQUIPMENT
        entry: dict[str, Any] = {"slug": line.slug, "weight_kg": 20.0 if loaded else None}
        if line.is_timed:
            entry.update(reps_min=30, reps_max=45)
        entries.append(entry)
    return plan_payload(entries)


def plan_responder(request: RecordedRequest) -> ScriptedResponse:
    """Answer any chat request with a valid workout from its allowed list."""
    return completion_response(plan_from_request(request))


def unscripted_responder(request: RecordedRequest) -> ScriptedResponse:
    return error_response(500, "fake server: no scripted response left", code="unscripted")


# --- a small synthetic catalogue for tests that must not depend on the real one ---------

_SAMPLE = (
    # slug, name, primary muscles, equipment, movement, compound, timed
    ("back_squat", "Приседания со штангой", ("quads", "glutes"), "barbell", "squat", True, False),
    ("bench_press", "Жим штанги лёжа", ("chest",), "barbell", "horizontal_push", True, False),
    ("deadlift", "Становая тяга", ("hamstrings", "back"), "barbell", "hinge", True, False),
    ("lat_pulldown", "Тяга верхнего блока", ("back",), "cable", "vertical_pull", True, False),
    (
        "dumbbell_row",
        "Тяга гантели в наклоне",
        ("back",),
        "dumbbell",
        "horizontal_pull",
        True,
        False,
    ),
    ("overhead_press", "Жим штанги стоя", ("shoulders",), "barbell", "vertical_push", True, False),
    ("leg_press", "Жим ногами", ("quads",), "machine", "squat", True, False),
    ("biceps_curl", "Сгибания рук с гантелями", ("biceps",), "dumbbell", "arms", False, False),
    (
        "push_up",
        "Отжимания от пола",
        ("chest", "triceps"),
        "bodyweight",
        "horizontal_push",
        True,
        False,
    ),
    ("pull_up", "Подтягивания", ("back", "biceps"), "pullup_bar", "vertical_pull", True, False),
    ("bodyweight_squat", "Приседания без веса", ("quads",), "bodyweight", "squat", True, False),
    ("lunge", "Выпады", ("quads", "glutes"), "bodyweight", "lunge", True, False),
    ("plank", "Планка", ("core",), "bodyweight", "core", False, True),
    ("glute_bridge", "Ягодичный мост", ("glutes",), "bodyweight", "hinge", False, False),
)


def make_exercise(
    slug: str,
    name: str = "Упражнение",
    muscles: Sequence[str] = ("chest",),
    equipment: str = "bodyweight",
    movement: str = "horizontal_push",
    is_compound: bool = True,
    is_timed: bool = False,
) -> CatalogueExercise:
    return CatalogueExercise(
        slug=slug,
        name=name,
        description="Синтетическое упражнение для тестов генератора.",
        instructions=["Исходное положение.", "Выполните движение.", "Вернитесь назад."],
        primary_muscles=[Muscle(m) for m in muscles],
        equipment=Equipment(equipment),
        level=FitnessLevel.BEGINNER,
        movement=Movement(movement),
        is_compound=is_compound,
        is_timed=is_timed,
        video_url="https://example.com/video",
    )


def sample_catalogue() -> tuple[CatalogueExercise, ...]:
    """14 exercises: gym (barbell, dumbbell, cable, machine) and home ones, one timed."""
    return tuple(make_exercise(*row) for row in _SAMPLE)


class FakeOpenAIServer:
    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self._requested_port = port
        self.port = 0
        self.requests: list[RecordedRequest] = []
        self.responder: Responder = unscripted_responder
        self._queue: deque[ScriptedResponse] = deque()
        self._runner: web.AppRunner | None = None
        self._http: httpx.AsyncClient | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    @property
    def http_client(self) -> httpx.AsyncClient:
        """A plain-HTTP client for this server, closed on `stop()`: building an
        `httpx.AsyncClient` with TLS verification costs ~50-100 ms, too slow per test."""
        if self._http is None:
            self._http = httpx.AsyncClient(verify=False)
        return self._http

    @property
    def calls(self) -> int:
        return len(self.requests)

    @property
    def pending(self) -> int:
        return len(self._queue)

    def enqueue(self, *responses: ScriptedResponse) -> None:
        self._queue.extend(responses)

    def reset(self) -> None:
        self._queue.clear()
        self.requests.clear()
        self.responder = unscripted_responder

    async def start(self) -> FakeOpenAIServer:
        app = web.Application()
        app.router.add_post(CHAT_PATH, self._handle)
        # Cancel a delayed handler when the client gives up, and do not wait for it on stop.
        self._runner = web.AppRunner(
            app, handler_cancellation=True, access_log=None, shutdown_timeout=0.5
        )
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self._requested_port))
        self.port = sock.getsockname()[1]
        site = web.SockSite(self._runner, sock)
        await site.start()
        return self

    async def stop(self) -> None:
        if self._http is not None:
            await self._http.aclose()
            self._http = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeOpenAIServer:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body = await request.read()
        try:
            parsed: Any = json.loads(body) if body else None
        except ValueError:
            parsed = None
        recorded = RecordedRequest(
            method=request.method,
            path=request.path,
            headers=dict(request.headers),
            body=body,
            json=parsed,
            received_at=time.monotonic(),
        )
        self.requests.append(recorded)
        scripted = self._queue.popleft() if self._queue else self.responder(recorded)
        if scripted.delay > 0:
            await asyncio.sleep(scripted.delay)
        if scripted.drop_connection:
            if request.transport is not None:
                request.transport.close()
            raise asyncio.CancelledError  # nothing more to send on a closed socket
        if _wants_stream(recorded, scripted):
            return await _stream(request, recorded, scripted)
        if scripted.body is not None:
            raw = scripted.body.encode() if isinstance(scripted.body, str) else scripted.body
            content_type = "text/plain"
        else:
            raw = json.dumps(scripted.json, ensure_ascii=False).encode()
            content_type = "application/json"
        headers = {"Content-Type": content_type, **scripted.headers}
        return web.Response(status=scripted.status, body=raw, headers=headers)


def _wants_stream(request: RecordedRequest, scripted: ScriptedResponse) -> bool:
    asked = isinstance(request.json, dict) and request.json.get("stream") is True
    completion = (
        scripted.status == 200
        and scripted.body is None
        and isinstance(scripted.json, dict)
        and bool(scripted.json.get("choices"))
    )
    return asked and completion and scripted.stream is not False


def stream_events(request: RecordedRequest, scripted: ScriptedResponse) -> list[dict[str, Any]]:
    """The chunks OpenAI streams for the scripted completion: the role, the content in
    pieces (a refusal in one), the finish reason, usage when asked, then [DONE]."""
    body = scripted.json
    choice = body["choices"][0]
    message = choice.get("message") or {}
    base = {k: body[k] for k in ("id", "created", "model") if k in body}
    base["object"] = "chat.completion.chunk"

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            **base,
            "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}],
        }

    events = [chunk({"role": "assistant", "content": "", "refusal": None})]
    content = message.get("content") or ""
    if scripted.pieces:  # exactly that many (while there are characters enough)
        count = min(scripted.pieces, len(content))
        cuts = [round(i * len(content) / count) for i in range(count + 1)] if count else [0]
    else:
        cuts = [*range(0, len(content), max(1, scripted.piece_chars)), len(content)]
    events += [chunk({"content": content[a:b]}) for a, b in itertools.pairwise(cuts) if b > a]
    if message.get("refusal"):
        events.append(chunk({"refusal": message["refusal"]}))
    events.append(chunk({}, choice.get("finish_reason")))
    options = request.json.get("stream_options") if isinstance(request.json, dict) else None
    if isinstance(options, dict) and options.get("include_usage") and "usage" in body:
        events.append({**base, "choices": [], "usage": body["usage"]})
    return events


def _utf8_split(raw: bytes) -> int:
    """An offset inside the first multi-byte character (else the middle)."""
    for index, byte in enumerate(raw):
        if byte >= 0xC0:
            return index + 1
    return len(raw) // 2


async def _stream(
    request: web.Request, recorded: RecordedRequest, scripted: ScriptedResponse
) -> web.StreamResponse:
    response = web.StreamResponse(
        status=200, headers={"Content-Type": "text/event-stream", **scripted.headers}
    )
    await response.prepare(request)
    events = stream_events(recorded, scripted)
    pieces = 0
    started = time.monotonic()
    for event in events:
        is_piece = bool(event["choices"]) and "content" in event["choices"][0]["delta"]
        is_piece = is_piece and bool(event["choices"][0]["delta"]["content"])
        if is_piece:
            if scripted.cut_after is not None and pieces >= scripted.cut_after:
                if request.transport is not None:
                    request.transport.close()
                raise asyncio.CancelledError  # the connection is gone mid-stream
            if pieces == 0:
                await asyncio.sleep(scripted.first_piece_delay)
                started = time.monotonic()
            else:  # on a schedule: the pace does not drift with the sleeps' overshoot
                await asyncio.sleep(started + pieces * scripted.piece_interval - time.monotonic())
            pieces += 1
        raw = f"data: {json.dumps(event, ensure_ascii=False)}\n\n".encode()
        if scripted.split_utf8:
            cut = _utf8_split(raw)
            await response.write(raw[:cut])
            await asyncio.sleep(0.002)  # its own TCP segment
            raw = raw[cut:]
        await response.write(raw)
    await response.write(b"data: [DONE]\n\n")
    await response.write_eof()
    return response


@pytest.fixture(name="openai_server")
async def openai_server_fixture() -> AsyncIterator[FakeOpenAIServer]:
    """`openai_server`: a started fake server with an empty script, stopped after the test.

    Import `openai_server_fixture` into a test module or conftest to make it available."""
    server = FakeOpenAIServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Fake OpenAI chat completions server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()

    async def serve() -> None:
        server = FakeOpenAIServer(args.host, args.port)
        server.responder = plan_responder
        await server.start()
        print(f"PROXY_API_URL={server.base_url}", flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await server.stop()

    asyncio.run(serve())


if __name__ == "__main__":
    main()
