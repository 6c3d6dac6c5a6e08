"""Table 6: the workout while the coach writes it (a streamed LLM answer in a draft).

A fake OpenAI-compatible server (tests/fakes/openai_server.py over HTTP) streams a
real-sized answer: seven exercises with notes and the texts of a real answer, about 750
tokens by the benchmarks' estimate (3.5 characters a token), each token a piece, at 60 a
second after a 400 ms first-token delay, as gpt-4o-mini does; without streaming the
whole answer comes after that long. Users click «Получить
тренировку» through the real Dispatcher (Postgres, Redis, the job runner, the draft
presenter); a few at once, each in their own chat. Measured from the click: the first
draft that shows an exercise (with streaming off: the finished workout), the finished
workout on screen, and the drafts sent per workout and the shortest gap between two
drafts of a chat. The same in the same run with `LLM_STREAM=0`.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

from aiogram.methods import SendMessageDraft, TelegramMethod

from benchmarks.bot_under_test import BotUnderTest, build_bot_under_test
from benchmarks.config import BenchConfig
from benchmarks.prompt_size import estimate_tokens
from benchmarks.report import mean, ms, percentile, print_table, verdict
from benchmarks.services import BENCH_BOT_TOKEN, BenchEnv, make_settings
from benchmarks.sim_users import (
    REGISTRATION_DONE,
    FlowError,
    SimUser,
    registration_script,
    workout_script,
)
from tests.fakes.openai_server import (
    FakeOpenAIServer,
    RecordedRequest,
    ScriptedResponse,
    completion_response,
    plan_from_request,
)
from tests.fakes.recording_bot import RecordingBot
from trainer_bot.catalogue import default_catalogue
from trainer_bot.llm import ChatCompletionsClient, LLMWorkoutGenerator

TOKENS_PER_SECOND = 60
FIRST_TOKEN_SECONDS = 0.4
TARGET_FIRST_EXERCISE = 2.5  # seconds from the click
DRAFT_GAP = 1.0  # seconds: at most one draft a second per chat
LLM_SOURCE_TEXT = "AI-тренером"
EXERCISE_MARK = "1. <b>"
# Texts of a real answer's length (gpt-4o-mini writes about this much per field).
NOTE = (
    "Оставляй 2–3 повтора в запасе: последний повтор трудный, но чистый. Держи корпус "
    "жёстким и опускай вес под контролем. Если техника поплыла — сними 5–10% веса."
)
RATIONALE = (
    "Вторая тренировка недели: после ног в прошлый раз сегодня акцент на жимах и тягах, "
    "объём умеренный, чтобы ты восстановился к следующему занятию."
)
WARMUP = (
    "5–7 минут лёгкого кардио на велотренажёре или дорожке, затем суставная разминка: "
    "плечи, локти, тазобедренные суставы. Перед первым упражнением сделай 2 подхода по "
    "10 повторений с половиной рабочего веса, отдыхая по минуте."
)


def real_sized_answer(request: RecordedRequest) -> ScriptedResponse:
    """A valid plan from the request's list, with texts of a real answer's length,
    streamed like gpt-4o-mini: 750 pieces, 60 a second, the first after 400 ms."""
    plan = real_sized_plan(request)
    tokens = answer_tokens(plan)
    response = completion_response(plan, completion_tokens=tokens)
    response.pieces = tokens
    response.first_piece_delay = FIRST_TOKEN_SECONDS
    response.piece_interval = 1 / TOKENS_PER_SECOND
    asked = isinstance(request.json, dict) and request.json.get("stream") is True
    if not asked:  # the whole answer once the model has written it
        response.delay = FIRST_TOKEN_SECONDS + (tokens - 1) / TOKENS_PER_SECOND
    return response


def real_sized_plan(request: RecordedRequest) -> dict[str, Any]:
    plan = plan_from_request(request, count=7)
    plan.update(rationale=RATIONALE, warmup=WARMUP)
    for entry in plan["exercises"]:
        entry["notes"] = NOTE
    return plan


def answer_tokens(plan: dict[str, Any]) -> int:
    """The answer's tokens as the benchmarks estimate them (the JSON the model writes)."""
    return estimate_tokens(len(json.dumps(plan, ensure_ascii=False)))


class DraftRecordingBot(RecordingBot):
    """The benchmarks' canned bot, also noting when each draft went out (perf_counter)."""

    def __init__(self) -> None:
        super().__init__(BENCH_BOT_TOKEN, keep_calls=False)
        self.drafts: dict[int, list[tuple[float, str]]] = {}

    async def __call__(
        self, method: TelegramMethod[Any], request_timeout: int | None = None
    ) -> Any:
        if isinstance(method, SendMessageDraft):
            self.drafts.setdefault(method.chat_id, []).append(
                (time.perf_counter(), method.text or "")
            )
            return True
        return await super().__call__(method, request_timeout)


@dataclass
class ModeTimes:
    first_exercise: list[float] = field(default_factory=list)
    whole: list[float] = field(default_factory=list)
    drafts: list[int] = field(default_factory=list)
    gaps: list[float] = field(default_factory=list)


async def _one_workout(
    ours: BotUnderTest, bot: DraftRecordingBot, user: SimUser, times: ModeTimes
) -> None:
    get_workout = workout_script()[0]
    update = user.callback_update(get_workout.arg)  # type: ignore[arg-type]
    waiter = ours.service.expect(user.user_id)
    clicked = time.perf_counter()
    await ours.dp.feed_update(bot, update)
    await waiter
    shown = ours.screens.screens[user.user_id]
    if LLM_SOURCE_TEXT not in shown.text:
        raise FlowError(f"expected the LLM's workout, got {shown.text[:300]!r}")
    drafts = bot.drafts.get(user.user_id, [])
    with_exercise = [at for at, text in drafts if EXERCISE_MARK in text]
    first = with_exercise[0] if with_exercise else shown.shown_at
    if first > shown.shown_at:
        raise FlowError("a draft came after the workout")
    times.first_exercise.append(first - clicked)
    times.whole.append(shown.shown_at - clicked)
    times.drafts.append(len(drafts))
    times.gaps += [b[0] - a[0] for a, b in itertools.pairwise(drafts)]


@dataclass
class Mode:
    """One bot under test: streaming on or off, with its users."""

    ours: BotUnderTest
    bot: DraftRecordingBot
    client: ChatCompletionsClient
    users: list[SimUser]
    times: ModeTimes = field(default_factory=ModeTimes)


async def _mode(
    env: BenchEnv, server: FakeOpenAIServer, stream: bool, users: int, id_base: int
) -> Mode:
    settings = make_settings(
        proxy_api_key="sk-bench-not-a-real-key-0000000000",
        proxy_api_url=server.base_url,
        llm_stream=stream,
    )
    client = ChatCompletionsClient(settings, http_client=server.http_client)
    llm = LLMWorkoutGenerator(settings, client, default_catalogue())
    built = build_bot_under_test(
        env, f"streaming_{'on' if stream else 'off'}", settings=settings, llm=llm
    )
    bot = DraftRecordingBot()
    ours = BotUnderTest(built.dp, bot, built.screens, built.service)
    sims = []
    for index in range(users + 1):
        user = SimUser(
            dp=ours.dp, bot=bot, screens=ours.screens, user_id=id_base + index, service=ours.service
        )
        await user.run(registration_script(index), REGISTRATION_DONE)
        sims.append(user)
    return Mode(ours, bot, client, sims)


async def _measure(env: BenchEnv, server: FakeOpenAIServer, users: int) -> tuple[Mode, Mode]:
    """Streaming on and off side by side: the same moments, the same load on the machine."""
    on = await _mode(env, server, True, users, 520_000_000)
    off = await _mode(env, server, False, users, 521_000_000)
    try:
        # A warm-up workout each at full speed (first-use costs: caches, statements).
        server.responder = instant_answer
        for mode in (on, off):
            await _one_workout(mode.ours, mode.bot, mode.users[0], ModeTimes())
        server.responder = real_sized_answer
        await asyncio.gather(
            *(
                _one_workout(mode.ours, mode.bot, user, mode.times)
                for user_index in range(1, users + 1)
                for mode in (on, off)
                for user in (mode.users[user_index],)
            )
        )
    finally:
        for mode in (on, off):
            await mode.ours.service.aclose()
            await mode.client.aclose()
    return on, off


def instant_answer(request: RecordedRequest) -> ScriptedResponse:
    return completion_response(real_sized_plan(request))


def _cell(values: list[float]) -> tuple[str, str]:
    return ms(mean(values)), ms(max(values, default=float("nan")))


async def run(cfg: BenchConfig, env: BenchEnv) -> dict[str, object]:
    server = FakeOpenAIServer()
    await server.start()
    try:
        on_mode, off_mode = await _measure(env, server, cfg.stream_users)
        on, off = on_mode.times, off_mode.times
        sample = real_sized_plan(server.requests[-1])
    finally:
        await server.stop()

    content = json.dumps(sample, ensure_ascii=False)
    tokens = answer_tokens(sample)
    first_ok = percentile(on.first_exercise, 100) < TARGET_FIRST_EXERCISE
    later = mean(on.whole) - mean(off.whole)
    whole_ok = later <= 0.05  # within measurement noise
    min_gap = min(on.gaps, default=float("nan"))
    gap_ok = not on.gaps or min_gap >= DRAFT_GAP - 0.005
    rows = [
        [
            "click -> first exercise visible",
            *_cell(on.first_exercise),
            *_cell(off.first_exercise),
            f"< {TARGET_FIRST_EXERCISE * 1000:.0f} ms",
            verdict(first_ok),
        ],
        [
            "click -> whole workout visible",
            *_cell(on.whole),
            *_cell(off.whole),
            f"on <= off ({later * 1000:+.0f} ms)",
            verdict(whole_ok),
        ],
        [
            "draft updates per workout",
            f"{mean(on.drafts):.1f}",
            str(max(on.drafts, default=0)),
            f"{mean(off.drafts):.1f}",
            str(max(off.drafts, default=0)),
            "",
            "",
        ],
        [
            "shortest gap between two drafts of a chat",
            ms(min_gap),
            "",
            "-",
            "",
            f">= {DRAFT_GAP * 1000:.0f} ms",
            verdict(gap_ok),
        ],
    ]
    notes = [
        f"fake LLM over HTTP: the plan's JSON ({len(sample['exercises'])} exercises, "
        f"{len(content)} characters, ~{tokens} tokens) in {tokens} pieces, "
        f"{TOKENS_PER_SECOND}/s after {FIRST_TOKEN_SECONDS * 1000:.0f} ms (off: all of it "
        f"then); {cfg.stream_users} users per mode, both modes at once (the same load), each "
        "user in their own chat, through the Dispatcher, Postgres, Redis, the job runner",
        "first exercise visible: the first draft that shows one (streaming off: the "
        "finished workout); whole workout: the workout screen replacing the draft",
    ]
    print_table(
        "Table 6. Streaming: the workout appears while the coach writes it",
        ["what", "on mean ms", "on max ms", "off mean ms", "off max ms", "target", ""],
        rows,
        notes,
    )
    return {
        "first_exercise_on": mean(on.first_exercise),
        "whole_on": mean(on.whole),
        "whole_off": mean(off.whole),
        "drafts_on": mean(on.drafts),
        "min_gap": min_gap,
    }
