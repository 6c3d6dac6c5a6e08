"""Abuse: the per-user rate limit (token bucket), alone and with two users at once.

The limiter's clock is injected: a burst is "at once" because the clock does not move,
and a human pace is half a second of clock per action. Two replicas are two limiters on
one Redis prefix.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiogram import Dispatcher
from aiogram.methods import AnswerCallbackQuery, SendMessage
from aiogram_dialog.test_tools.keyboard import InlineButtonTextLocator
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

from tests.resilience.support import delete_prefixed_keys, new_user_id, percentile, register
from tests.support.dialogs import UserSession
from tests.support.harness import DialogHarness
from trainer_bot.middlewares.throttling import (
    CALLBACK,
    MESSAGE,
    THROTTLED_TEXT,
    Decision,
    MemoryRateLimiter,
    RateLimiter,
    RedisRateLimiter,
    ThrottlingMiddleware,
    install_throttling,
    setup_throttling,
)

BURST, RATE = 8, 2.0
HUMAN_PACE = 0.5  # seconds of limiter clock per action of a (brisk) human
FLOOD = 50


class ManualClock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


class CountingLimiter:
    """Wraps a limiter and counts what it let through, per user."""

    def __init__(self, inner: RateLimiter) -> None:
        self.inner = inner
        self.burst, self.rate = inner.burst, inner.rate
        self.allowed: Counter[int] = Counter()
        self.refused: Counter[int] = Counter()

    async def hit(self, user_id: int, kind: str) -> Decision:
        decision = await self.inner.hit(user_id, kind)
        (self.allowed if decision.allowed else self.refused)[user_id] += 1
        return decision


LimiterFactory = Callable[[ManualClock], RateLimiter]


@pytest.fixture(params=["memory", "redis"])
async def make_limiter(
    request: pytest.FixtureRequest, redis: Redis
) -> AsyncIterator[LimiterFactory]:
    prefix = f"trainer_bot_test:{uuid.uuid4().hex[:12]}:throttle"

    def factory(clock: ManualClock) -> RateLimiter:
        if request.param == "memory":
            return MemoryRateLimiter(BURST, RATE, clock=clock)
        return RedisRateLimiter(redis, BURST, RATE, key_prefix=prefix, clock=clock)

    yield factory
    await delete_prefixed_keys(redis, prefix)


# --- the limiter -----------------------------------------------------------------------------


async def test_burst_then_refill_then_a_new_window(make_limiter: LimiterFactory) -> None:
    clock = ManualClock()
    limiter = make_limiter(clock)
    user, other = new_user_id(), new_user_id()
    assert all([(await limiter.hit(user, MESSAGE)).allowed for _ in range(BURST)])
    first, second = await limiter.hit(user, MESSAGE), await limiter.hit(user, MESSAGE)
    assert first == Decision(allowed=False, notify=True, window_started=True)
    assert second == Decision(allowed=False, notify=False, window_started=False)
    # A button press in the same window is told once too, but logs no new window.
    assert await limiter.hit(user, CALLBACK) == Decision(False, notify=True, window_started=False)
    assert (await limiter.hit(other, MESSAGE)).allowed, "another user was slowed"

    clock.advance(1 / RATE)  # one token back
    assert (await limiter.hit(user, MESSAGE)).allowed
    assert await limiter.hit(user, MESSAGE) == Decision(False, notify=False, window_started=False)

    clock.advance(BURST / RATE)  # calmed down: the bucket is full, the window is over
    assert all([(await limiter.hit(user, MESSAGE)).allowed for _ in range(BURST)])
    assert await limiter.hit(user, MESSAGE) == Decision(False, notify=True, window_started=True)


async def test_a_long_flood_is_logged_again_every_window(make_limiter: LimiterFactory) -> None:
    clock = ManualClock()
    limiter = make_limiter(clock)
    user = new_user_id()
    started = 0
    for _ in range(130 * 4):  # 130 s at 4 updates per second, twice the refill rate
        started += (await limiter.hit(user, MESSAGE)).window_started
        clock.advance(0.25)
    assert started == 3  # at 0 s, 60 s and 120 s


async def test_two_replicas_share_one_limit(redis: Redis, redis_prefix: str) -> None:
    clock = ManualClock()
    replicas = [
        RedisRateLimiter(redis, BURST, RATE, key_prefix=f"{redis_prefix}:throttle", clock=clock)
        for _ in range(2)
    ]
    user = new_user_id()
    decisions = [await replicas[i % 2].hit(user, MESSAGE) for i in range(BURST + 4)]
    assert sum(d.allowed for d in decisions) == BURST
    assert sum(d.window_started for d in decisions) == 1


async def test_redis_down_lets_updates_through_with_one_warning(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    dead = Redis(host="127.0.0.1", port=1, retry=Retry(NoBackoff(), 0))
    limiter = RedisRateLimiter(dead, BURST, RATE)
    script_calls = 0
    real_script = limiter._script

    async def counted(*args: object, **kwargs: object) -> object:
        nonlocal script_calls
        script_calls += 1
        return await real_script(*args, **kwargs)

    monkeypatch.setattr(limiter, "_script", counted)
    try:
        with caplog.at_level(logging.WARNING, logger="trainer_bot.middlewares.throttling"):
            decisions = [await limiter.hit(1, MESSAGE) for _ in range(BURST + 3)]
    finally:
        await dead.aclose()
    assert all(d.allowed for d in decisions)
    assert script_calls == 1, "every update paid for the outage"
    assert len([r for r in caplog.records if "Redis is unavailable" in r.getMessage()]) == 1


async def test_memory_limiter_forgets_calm_users() -> None:
    clock = ManualClock()
    limiter = MemoryRateLimiter(BURST, RATE, clock=clock)
    for user_id in range(5000):
        limiter.hit_now(user_id, MESSAGE)
        clock.advance(0.01)
    assert len(limiter) < 1500, "idle buckets are never pruned"


def test_setup_registers_first_on_messages_and_callbacks(redis: Redis) -> None:
    dp = Dispatcher()
    dp.message.outer_middleware(_noop)
    setup_throttling(dp, None)
    setup_throttling(off := Dispatcher(), redis, burst=0)
    assert isinstance(dp.message.outer_middleware[0], ThrottlingMiddleware)
    assert isinstance(dp.callback_query.outer_middleware[0], ThrottlingMiddleware)
    assert dp.message.outer_middleware[1] is _noop
    assert isinstance(dp.message.outer_middleware[0].limiter, MemoryRateLimiter)
    assert len(off.message.outer_middleware) == 0, "burst=0 must turn throttling off"


async def _noop(handler, event, data):  # type: ignore[no-untyped-def]
    return await handler(event, data)


# --- two users at once through the real Dispatcher -------------------------------------------


def registration_steps(user: UserSession) -> list[tuple[str, Callable[[], Awaitable[str]]]]:
    """(expected text after the step, the step) for a whole registration."""
    return [
        ("Привет", user.start),
        ("Укажи пол", lambda: user.press("🚀 Начать")),
        ("Сколько тебе лет", lambda: user.press("👨 Мужской")),
        ("рост", lambda: user.say("27")),
        ("весишь", lambda: user.say("178")),
        ("опыт", lambda: user.say("82,5")),
        ("цель", lambda: user.press("💪 1–3 года")),
        ("целевой вес", lambda: user.press("📉 Похудение")),
        ("раз в неделю", lambda: user.say("76")),
        ("Где будешь", lambda: user.press("3 раза")),
        ("Проверь анкету", lambda: user.press("🏋️ Зал")),
        ("главное меню", lambda: user.press("✅ Всё верно")),
    ]


async def register_at_human_pace(user: UserSession, clock: ManualClock) -> list[float]:
    """Register step by step; every answer must be the expected one. Wall-clock seconds
    per update."""
    latencies = []
    for expected, step in registration_steps(user):
        clock.advance(HUMAN_PACE)
        started = time.perf_counter()
        answer = await step()
        latencies.append(time.perf_counter() - started)
        assert expected in answer, (expected, answer)
        await asyncio.sleep(0)  # let the flooder in between
    return latencies


async def flood(flooder: UserSession) -> None:
    menu = flooder.screen()
    for i in range(FLOOD):
        await flooder.client.send(f"спам {i}")
        await asyncio.sleep(0)
    for _ in range(FLOOD):
        await flooder.client.click(menu, InlineButtonTextLocator("🏋️ Получить тренировку"))
        await asyncio.sleep(0)


def told_to_slow_down(harness: DialogHarness, user_id: int) -> tuple[int, int]:
    """(messages, callback answers) with the throttling text sent to this user."""
    messages = [
        c
        for c in harness.bot.calls_of(SendMessage)
        if c.text == THROTTLED_TEXT and int(c.chat_id) == user_id
    ]
    answers = [c for c in harness.bot.calls_of(AnswerCallbackQuery) if c.text == THROTTLED_TEXT]
    return len(messages), len(answers)


def report(name: str, latencies: list[float]) -> str:
    ms = [value * 1000 for value in latencies]
    return f"{name}: p50 {percentile(ms, 0.5):.1f} ms, max {max(ms):.1f} ms, {len(ms)} updates"


async def test_a_flooder_is_throttled_and_does_not_slow_a_registering_user(
    res_harness: DialogHarness,
    make_limiter: LimiterFactory,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    flooder = await register(res_harness, new_user_id(), first_name="Флудер")
    clock = ManualClock()
    limiter = CountingLimiter(make_limiter(clock))
    install_throttling(res_harness.dp, ThrottlingMiddleware(limiter))

    # The baseline: a user registering alone, through the same middleware chain.
    alone = UserSession(res_harness, new_user_id(), first_name="Один")
    alone_latencies = await register_at_human_pace(alone, clock)
    clock.advance(60)  # everyone's bucket is full again

    calm = UserSession(res_harness, new_user_id(), first_name="Анна")
    with caplog.at_level(logging.WARNING, logger="trainer_bot.middlewares.throttling"):
        calm_latencies, _ = await asyncio.gather(
            register_at_human_pace(calm, clock), flood(flooder)
        )
    await res_harness.workout_service.wait_background()

    # The calm user got every answer and was never throttled.
    assert limiter.refused[calm.user_id] == 0 and limiter.allowed[calm.user_id] == 12
    assert told_to_slow_down(res_harness, calm.user_id)[0] == 0
    # The flooder: the first burst, plus what refilled while the calm user took her time.
    elapsed = HUMAN_PACE * len(calm_latencies)
    processed = limiter.allowed[flooder.user_id]
    assert BURST <= processed <= BURST + RATE * elapsed + 1, processed
    assert processed + limiter.refused[flooder.user_id] == 2 * FLOOD
    assert told_to_slow_down(res_harness, flooder.user_id) == (1, 1)
    assert len(caplog.records) == 1, [r.getMessage() for r in caplog.records]
    assert str(flooder.user_id) in caplog.records[0].getMessage()
    with capsys.disabled():
        print(
            f"\n[throttling] flooder: {processed} of {2 * FLOOD} updates processed; "
            + report("calm user alone", alone_latencies)
            + "; "
            + report("calm user during the flood", calm_latencies)
        )
