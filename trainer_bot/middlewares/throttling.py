"""Per-user rate limit for messages and button presses: a token bucket per Telegram user.

Each user has a bucket of `burst` tokens that refills at `rate` tokens per second; every
message or callback query takes one token. A user with an empty bucket is throttled: the
update is dropped before any dialog, database or Redis work is done for it. The first
throttled message of a throttling window gets one short reply, the first throttled button
press one short callback answer; the rest of the window is dropped silently, and one log
line is written per window. A window ends when the bucket is full again (the user calmed
down) or after `max_window` seconds of continuous flooding (so a long flood logs again).

Buckets live in process memory by default. With Redis they live in Redis (one Lua script
call per update, atomic), so several replicas share one limit per user. If Redis fails,
the limiter lets updates through (a rate limit must never take the bot down) and does
not call Redis again for a few seconds: an outage costs one slow call, not one per update.

Other users are never slowed: the only shared state is a dict lookup or one Redis round
trip per update, and a flooder's dropped updates cost no database or dialog work.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from aiogram import BaseMiddleware, Dispatcher
from aiogram.dispatcher.event.telegram import TelegramEventObserver
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Message, TelegramObject, User
from redis.asyncio import Redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

DEFAULT_BURST = 8
DEFAULT_RATE = 2.0  # tokens per second
DEFAULT_MAX_WINDOW = 60.0  # seconds; a flood longer than this is logged again
THROTTLED_TEXT = "Не так быстро 🙂 Подожди секунду."
MESSAGE, CALLBACK = "message", "callback"
_PRUNE_EVERY = 1024  # hits between sweeps of idle in-memory buckets
_REDIS_RETRY_AFTER = 5.0  # seconds without Redis calls after a failure (fail open meanwhile)

Clock = Callable[[], float]


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    notify: bool = False  # tell the user (first throttled event of this kind in the window)
    window_started: bool = False  # the first throttled event of a window: log it


class RateLimiter(Protocol):
    burst: int
    rate: float

    async def hit(self, user_id: int, kind: str) -> Decision: ...


def _check_options(burst: int, rate: float, max_window: float) -> None:
    if burst < 1:
        raise ValueError("burst must be at least 1")
    if rate <= 0:
        raise ValueError("rate must be positive (tokens per second)")
    if max_window <= 0:
        raise ValueError("max_window must be positive")


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float
    window_started: float | None = None
    notified: set[str] = field(default_factory=set)


class MemoryRateLimiter:
    """Buckets in this process: right for one replica (or when Redis is not configured)."""

    def __init__(
        self,
        burst: int = DEFAULT_BURST,
        rate: float = DEFAULT_RATE,
        *,
        max_window: float = DEFAULT_MAX_WINDOW,
        clock: Clock = time.monotonic,
    ) -> None:
        _check_options(burst, rate, max_window)
        self.burst = burst
        self.rate = rate
        self.max_window = max_window
        self._clock = clock
        self._buckets: dict[int, _Bucket] = {}
        self._hits = 0

    async def hit(self, user_id: int, kind: str) -> Decision:
        return self.hit_now(user_id, kind)

    def hit_now(self, user_id: int, kind: str) -> Decision:
        now = self._clock()
        self._hits += 1
        if self._hits % _PRUNE_EVERY == 0:
            self._prune(now)
        bucket = self._buckets.get(user_id)
        if bucket is None:
            bucket = self._buckets[user_id] = _Bucket(float(self.burst), now)
        elapsed = max(0.0, now - bucket.updated)
        bucket.tokens = min(float(self.burst), bucket.tokens + elapsed * self.rate)
        bucket.updated = now
        if bucket.window_started is not None and (
            bucket.tokens >= self.burst or now - bucket.window_started >= self.max_window
        ):
            bucket.window_started = None
            bucket.notified.clear()
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return Decision(allowed=True)
        started = bucket.window_started is None
        if started:
            bucket.window_started = now
        notify = kind not in bucket.notified
        bucket.notified.add(kind)
        return Decision(allowed=False, notify=notify, window_started=started)

    def _prune(self, now: float) -> None:
        """Forget buckets that have refilled completely: they equal a new bucket."""
        full_after = self.burst / self.rate
        idle = [uid for uid, b in self._buckets.items() if now - b.updated >= full_after]
        for user_id in idle:
            del self._buckets[user_id]

    def __len__(self) -> int:
        return len(self._buckets)


# KEYS[1]: the user's bucket. ARGV: now (s), burst, rate (tokens/s), kind, max_window (s),
# ttl (ms). Returns {allowed, notify, window_started} as 0/1.
_TOKEN_BUCKET_LUA = """
local key = KEYS[1]
local now = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local rate = tonumber(ARGV[3])
local kind = 'n_' .. ARGV[4]
local max_window = tonumber(ARGV[5])
local ttl = tonumber(ARGV[6])
local state = redis.call('HMGET', key, 'tokens', 'ts', 'win')
local tokens = tonumber(state[1]) or burst
local ts = tonumber(state[2]) or now
local win = tonumber(state[3]) or 0
local elapsed = now - ts
if elapsed < 0 then elapsed = 0 end
tokens = math.min(burst, tokens + elapsed * rate)
if win > 0 and (tokens >= burst or now - win >= max_window) then
  win = 0
  redis.call('HDEL', key, 'n_message', 'n_callback')
end
local allowed, notify, started = 0, 0, 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  if win == 0 then
    win = now
    started = 1
  end
  if redis.call('HSETNX', key, kind, 1) == 1 then
    notify = 1
  end
end
redis.call('HSET', key, 'tokens', tostring(tokens), 'ts', tostring(now), 'win', tostring(win))
redis.call('PEXPIRE', key, ttl)
return {allowed, notify, started}
"""


class RedisRateLimiter:
    """Buckets in Redis: every replica sees the same limit for a user.

    The time comes from the replica's wall clock (`time.time`), so replicas need
    synchronised clocks (NTP); a skew of a fraction of a second only shifts refills.
    """

    def __init__(
        self,
        redis: Redis,
        burst: int = DEFAULT_BURST,
        rate: float = DEFAULT_RATE,
        *,
        key_prefix: str = "throttle",
        max_window: float = DEFAULT_MAX_WINDOW,
        clock: Clock = time.time,
    ) -> None:
        _check_options(burst, rate, max_window)
        self.burst = burst
        self.rate = rate
        self.max_window = max_window
        self.key_prefix = key_prefix
        self._clock = clock
        self._script = redis.register_script(_TOKEN_BUCKET_LUA)
        # A bucket left alone this long is full again: the same as no key at all.
        self._ttl_ms = math.ceil((burst / rate) * 1000) + 1000
        self._skip_until = -math.inf  # time.monotonic(): Redis failed, fail open until then
        self._down = False

    def key(self, user_id: int) -> str:
        return f"{self.key_prefix}:{user_id}"

    async def hit(self, user_id: int, kind: str) -> Decision:
        if time.monotonic() < self._skip_until:
            return Decision(allowed=True)
        now = self._clock()
        try:
            allowed, notify, started = await self._script(
                keys=[self.key(user_id)],
                args=[repr(now), self.burst, repr(self.rate), kind, self.max_window, self._ttl_ms],
            )
        except (RedisError, OSError) as error:
            self._skip_until = time.monotonic() + _REDIS_RETRY_AFTER
            if not self._down:
                self._down = True
                logger.warning("Rate limit off, Redis is unavailable: %r", error)
            return Decision(allowed=True)
        if self._down:
            self._down = False
            logger.info("Rate limit back on, Redis answers again")
        return Decision(bool(allowed), bool(notify), bool(started))


class ThrottlingMiddleware(BaseMiddleware):
    """An outer middleware for `message` and `callback_query` observers."""

    def __init__(self, limiter: RateLimiter, text: str = THROTTLED_TEXT) -> None:
        self.limiter = limiter
        self.text = text

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: User | None = data.get("event_from_user")
        if user is None or not isinstance(event, Message | CallbackQuery):
            return await handler(event, data)
        kind = CALLBACK if isinstance(event, CallbackQuery) else MESSAGE
        decision = await self.limiter.hit(user.id, kind)
        if decision.allowed:
            return await handler(event, data)
        if decision.window_started:
            logger.warning(
                "User %s is throttled: more than %d updates at once or %.1f per second; "
                "dropping the excess",
                user.id,
                self.limiter.burst,
                self.limiter.rate,
            )
        if decision.notify:
            await self._tell(event, user.id)
        return None

    async def _tell(self, event: Message | CallbackQuery, user_id: int) -> None:
        try:
            await event.answer(self.text)
        except TelegramAPIError as error:
            logger.debug("Could not tell user %s to slow down: %s", user_id, error)


def _register_first(observer: TelegramEventObserver, middleware: ThrottlingMiddleware) -> None:
    """Put `middleware` before the outer middlewares already there (aiogram-dialog's
    intent middleware loads the dialog stack from storage: throttled updates skip it)."""
    existing = list(observer.outer_middleware)
    for item in existing:
        observer.outer_middleware.unregister(item)
    observer.outer_middleware.register(middleware)
    for item in existing:
        observer.outer_middleware.register(item)


def create_rate_limiter(
    redis: Redis | None,
    *,
    burst: int = DEFAULT_BURST,
    rate: float = DEFAULT_RATE,
    key_prefix: str = "throttle",
) -> RateLimiter:
    if redis is None:
        return MemoryRateLimiter(burst, rate)
    return RedisRateLimiter(redis, burst, rate, key_prefix=key_prefix)


def install_throttling(dp: Dispatcher, middleware: ThrottlingMiddleware) -> None:
    """Register `middleware` first on `dp.message` and `dp.callback_query`."""
    _register_first(dp.message, middleware)
    _register_first(dp.callback_query, middleware)


def setup_throttling(
    dp: Dispatcher,
    redis: Redis | None,
    *,
    burst: int = DEFAULT_BURST,
    rate: float = DEFAULT_RATE,
    key_prefix: str = "throttle",
) -> None:
    """Rate-limit every user's messages and button presses (Redis-backed when given).

    Safe to call before or after `setup_dialogs`: the middleware goes first either way.
    `burst=0` turns throttling off (for load tests and fast scripted end-to-end users).
    """
    if burst <= 0:
        logger.info("Per-user throttling is off")
        return
    limiter = create_rate_limiter(redis, burst=burst, rate=rate, key_prefix=key_prefix)
    install_throttling(dp, ThrottlingMiddleware(limiter))
    logger.info(
        "Per-user throttling: burst %d, %.1f per second (%s)",
        burst,
        rate,
        "shared in Redis" if redis is not None else "in memory",
    )
