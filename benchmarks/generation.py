"""Table 3: workout generation.

Fallback: `generate_fallback_workout` timed directly over every profile of the grid, several
workouts in a row per profile (the history grows as it would), with the module's index
cache as in production, and "cold" (cache cleared before each call: the first workout of a
kind of profile after a start).

LLM: the real LLM path (ChatCompletionsClient over HTTP to tests/fakes/openai_server.py,
which answers a valid plan after a fixed delay) through the real Dispatcher, one user at a
time. Timestamps: the click is fed; the composing screen is shown; the fake LLM receives
the request; it answers; the workout is on screen. Our overhead = click -> workout on
screen minus the LLM's delay. The same measurement with the fallback is shown for contrast.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiohttp import web

from benchmarks.bot_under_test import BotUnderTest, build_bot_under_test
from benchmarks.config import BenchConfig
from benchmarks.profiles import profile_grid
from benchmarks.report import mean, ms, percentile, print_table, verdict
from benchmarks.services import BenchEnv, make_settings
from benchmarks.sim_users import (
    REGISTRATION_DONE,
    FlowError,
    SimUser,
    registration_script,
    workout_script,
)
from tests.fakes.openai_server import FakeOpenAIServer, completion_response, plan_from_request
from trainer_bot.catalogue import default_catalogue
from trainer_bot.db.enums import WorkoutStatus
from trainer_bot.llm import ChatCompletionsClient, LLMWorkoutGenerator
from trainer_bot.training.fallback import generate_fallback_workout
from trainer_bot.training.fallback.choice import clear_index_cache
from trainer_bot.training.schemas import PastWorkout

TARGET_OVERHEAD = 0.100  # seconds of our own work around one LLM call
COMPOSING_TEXT = "Составляю тренировку"
LLM_SOURCE_TEXT = "AI-тренером"
FALLBACK_SOURCE_TEXT = "по моей методике"


class TimedOpenAIServer(FakeOpenAIServer):
    """The fake server, also noting (perf_counter) when each request came and was answered."""

    def __init__(self) -> None:
        super().__init__()
        self.received: list[float] = []
        self.answered: list[float] = []

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.received.append(time.perf_counter())
        response = await super()._handle(request)
        self.answered.append(time.perf_counter())
        return response


def fallback_timings(rounds: int) -> tuple[list[float], list[float], int]:
    """(warm, cold) seconds per generate_fallback_workout call, and the profile count."""
    catalogue = default_catalogue()
    profiles = profile_grid()
    start = date(2026, 3, 2)
    warm: list[float] = []
    cold: list[float] = []
    for profile in profiles:
        clear_index_cache()
        started = time.perf_counter()
        generate_fallback_workout(profile, [], catalogue, today=start)
        cold.append(time.perf_counter() - started)
    for profile in profiles:
        history: list[PastWorkout] = []
        for day in range(rounds):
            today = start + timedelta(days=day)
            started = time.perf_counter()
            plan = generate_fallback_workout(profile, history, catalogue, today=today)
            warm.append(time.perf_counter() - started)
            received = datetime.combine(today, datetime.min.time(), UTC) + timedelta(hours=9)
            history.insert(
                0,
                PastWorkout(
                    received_at=received,
                    status=WorkoutStatus.COMPLETED,
                    focus=plan.focus,
                    exercise_slugs=tuple(item.slug for item in plan.exercises),
                    exercise_sets=tuple(item.sets for item in plan.exercises),
                ),
            )
    return warm, cold, len(profiles)


@dataclass
class ClickTimes:
    to_composing: list[float] = field(default_factory=list)
    to_request: list[float] = field(default_factory=list)
    answer_to_screen: list[float] = field(default_factory=list)
    to_screen: list[float] = field(default_factory=list)
    overhead: list[float] = field(default_factory=list)


async def time_clicks(
    ours: BotUnderTest,
    id_base: int,
    count: int,
    expect_source: str,
    server: TimedOpenAIServer | None = None,
    delay: float = 0.0,
) -> ClickTimes:
    """Register `count` users, then one at a time press «Получить тренировку» and wait for
    the workout on screen."""
    times = ClickTimes()
    get_workout = workout_script()[0]
    for index in range(count):
        user = SimUser(
            dp=ours.dp,
            bot=ours.bot,
            screens=ours.screens,
            user_id=id_base + index,
            service=ours.service,
        )
        await user.run(registration_script(index), REGISTRATION_DONE)
        update = user.callback_update(get_workout.arg)  # type: ignore[arg-type]
        waiter = ours.service.expect(user.user_id)
        requests_before = len(server.received) if server is not None else 0
        clicked = time.perf_counter()
        await ours.dp.feed_update(ours.bot, update)
        composing = ours.screens.screens[user.user_id]
        if COMPOSING_TEXT not in composing.text:
            raise FlowError(f"no composing screen: {composing.text[:200]!r}")
        times.to_composing.append(composing.shown_at - clicked)
        await waiter
        shown = ours.screens.screens[user.user_id]
        if expect_source not in shown.text:
            raise FlowError(f"expected {expect_source!r} on screen, got {shown.text[:300]!r}")
        times.to_screen.append(shown.shown_at - clicked)
        times.overhead.append(shown.shown_at - clicked - delay)
        if server is not None:
            if len(server.received) != requests_before + 1:
                raise FlowError("expected exactly one LLM call per workout")
            times.to_request.append(server.received[-1] - clicked)
            times.answer_to_screen.append(shown.shown_at - server.answered[-1])
        ours.screens.forget(user.user_id)
    return times


def _row(name: str, values: list[float], target: str = "", ok: bool | None = None) -> list[Any]:
    return [
        name,
        len(values),
        ms(mean(values)),
        ms(percentile(values, 50)),
        ms(percentile(values, 99)),
        ms(max(values, default=float("nan"))),
        target,
        "" if ok is None else verdict(ok),
    ]


async def run(cfg: BenchConfig, env: BenchEnv) -> dict[str, object]:
    warm, cold, profile_count = fallback_timings(cfg.fallback_rounds)
    delay = cfg.llm_delay_ms / 1000

    fallback_bot = build_bot_under_test(env, "generation_fallback")
    await time_clicks(fallback_bot, 500_000_000, 1, FALLBACK_SOURCE_TEXT)  # warm-up
    fallback_clicks = await time_clicks(
        fallback_bot, 500_100_000, cfg.llm_users, FALLBACK_SOURCE_TEXT
    )

    server = TimedOpenAIServer()
    await server.start()
    try:
        server.responder = lambda request: completion_response(
            plan_from_request(request), delay=delay
        )
        settings = make_settings(
            proxy_api_key="sk-bench-not-a-real-key-0000000000",
            proxy_api_url=server.base_url,
        )
        client = ChatCompletionsClient(settings, http_client=server.http_client)
        llm = LLMWorkoutGenerator(settings, client, default_catalogue())
        llm_bot = build_bot_under_test(env, "generation_llm", settings=settings, llm=llm)
        await time_clicks(llm_bot, 510_000_000, 1, LLM_SOURCE_TEXT, server, delay)  # warm-up
        llm_clicks = await time_clicks(
            llm_bot, 510_100_000, cfg.llm_users, LLM_SOURCE_TEXT, server, delay
        )
        await llm_bot.service.aclose()
        await client.aclose()
    finally:
        await server.stop()

    overhead_mean = mean(llm_clicks.overhead)
    overhead_p99 = percentile(llm_clicks.overhead, 99)
    rows = [
        _row(f"fallback plan, warm index ({profile_count} profiles x {cfg.fallback_rounds})", warm),
        _row("fallback plan, cold index (cache cleared)", cold),
        _row("fallback: click -> composing screen", fallback_clicks.to_composing),
        _row("fallback: click -> workout on screen", fallback_clicks.to_screen),
        _row("LLM: click -> composing screen", llm_clicks.to_composing),
        _row("LLM: click -> request at the LLM", llm_clicks.to_request),
        _row("LLM: LLM answer -> workout on screen", llm_clicks.answer_to_screen),
        _row("LLM: click -> workout on screen", llm_clicks.to_screen),
        _row(
            f"LLM: our overhead (total - {cfg.llm_delay_ms} ms)",
            llm_clicks.overhead,
            f"< {TARGET_OVERHEAD * 1000:.0f} ms",
            overhead_p99 < TARGET_OVERHEAD,
        ),
    ]
    notes = [
        f"fake LLM: tests/fakes/openai_server.py over HTTP on 127.0.0.1, answers a valid "
        f"plan after {cfg.llm_delay_ms} ms; {cfg.llm_users} workouts, one user at a time",
        "fallback plan rows time generate_fallback_workout alone; click rows go through the "
        "Dispatcher, Redis and Postgres (history read, plan, save, screen)",
    ]
    print_table(
        "Table 3. Generation",
        ["what", "n", "mean ms", "p50 ms", "p99 ms", "max ms", "target", ""],
        rows,
        notes,
    )
    return {
        "fallback_mean": mean(warm),
        "fallback_p99": percentile(warm, 99),
        "overhead_mean": overhead_mean,
        "overhead_p99": overhead_p99,
    }
