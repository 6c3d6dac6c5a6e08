"""Pacing bulk sends under Telegram's limit (about 30 messages a second per bot).

`acquire()` returns when one more message may go out; `pause(seconds)` stops every
sender for a while (Telegram answered 429 with `retry_after`). Messages are spaced evenly
(1/rate apart, no bursts: a burst at the turn of a second is what trips flood control).
A 429 also halves the pace, which then creeps back to `rate` (1% per message): a Telegram
that pushes back harder than expected is met at about its own limit instead of being
tripped again every second. In one process the schedule lives in memory. With Redis it
is one schedule shared by every replica (GCRA: one Lua call per message, on Redis's own
clock), and the pause and the slower pace are shared too, so replicas together stay
under the limit.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[object]]

# Slowing down after a 429 and speeding up again.
BACK_OFF = 2.0
RECOVERY = 0.99  # per message sent
SLOWEST_INTERVAL = 1.0  # seconds between two messages, at worst

# ARGV: key prefix, the base interval (ms), RECOVERY. `:next` holds the moment (ms,
# Redis's clock) the next message may go out, `:interval` the current spacing when a 429
# slowed it. Returns milliseconds to wait (0: go).
_ACQUIRE = """
local pause = redis.call('PTTL', ARGV[1] .. ':pause')
if pause > 0 then return pause end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local base = tonumber(ARGV[2])
local interval = tonumber(redis.call('GET', ARGV[1] .. ':interval') or ARGV[2])
local next_at = tonumber(redis.call('GET', ARGV[1] .. ':next') or '0')
if next_at > now then return math.ceil(next_at - now) end
redis.call('SET', ARGV[1] .. ':next', tostring(now + interval), 'PX', 60000)
if interval > base then
  interval = math.max(base, interval * tonumber(ARGV[3]))
  redis.call('SET', ARGV[1] .. ':interval', tostring(interval), 'PX', 600000)
end
return 0
"""
# ARGV: key prefix, the pause (ms), the base interval (ms), BACK_OFF, the slowest (ms).
_PAUSE = """
redis.call('SET', ARGV[1] .. ':pause', 1, 'PX', ARGV[2])
local interval = tonumber(redis.call('GET', ARGV[1] .. ':interval') or ARGV[3])
interval = math.min(interval * tonumber(ARGV[4]), tonumber(ARGV[5]))
redis.call('SET', ARGV[1] .. ':interval', tostring(interval), 'PX', 600000)
return 0
"""


class SendPacer(Protocol):
    async def acquire(self) -> None: ...

    async def pause(self, seconds: float) -> None: ...


class LocalPacer:
    """`rate` messages a second, evenly spaced."""

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self._clock = clock
        self._sleep = sleep
        self._base = 1 / rate
        self._interval = self._base
        self._next_at = 0.0
        self._paused_until = 0.0
        self._lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self._lock:
            while True:
                now = self._clock()
                ready = max(self._next_at, self._paused_until)
                if now < ready:
                    await self._sleep(ready - now)
                    continue
                self._next_at = now + self._interval
                self._interval = max(self._base, self._interval * RECOVERY)
                return

    async def pause(self, seconds: float) -> None:
        self._paused_until = max(self._paused_until, self._clock() + seconds)
        self._interval = min(self._interval * BACK_OFF, max(self._base, SLOWEST_INTERVAL))


class RedisPacer:
    """One limit for every replica; falls back to the local bucket while Redis fails."""

    def __init__(
        self,
        redis: Redis,
        rate: float,
        *,
        prefix: str = "reminders:pace",
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._redis = redis
        self._interval_ms = 1000 / rate
        self._prefix = prefix
        self._sleep = sleep
        self._local = LocalPacer(rate, sleep=sleep)
        self._script = redis.register_script(_ACQUIRE)
        self._pause_script = redis.register_script(_PAUSE)

    async def acquire(self) -> None:
        while True:
            try:
                wait_ms = int(await self._script(args=[self._prefix, self._interval_ms, RECOVERY]))
            except RedisError as error:
                logger.warning("Send pacing in Redis failed, pacing in this process: %r", error)
                await self._local.acquire()
                return
            if wait_ms <= 0:
                return
            await self._sleep(wait_ms / 1000)

    async def pause(self, seconds: float) -> None:
        await self._local.pause(seconds)
        slowest = max(self._interval_ms, SLOWEST_INTERVAL * 1000)
        try:
            await self._pause_script(
                args=[
                    self._prefix,
                    max(1, int(seconds * 1000)),
                    self._interval_ms,
                    BACK_OFF,
                    slowest,
                ]
            )
        except RedisError as error:
            logger.warning("Could not share the flood-control pause through Redis: %r", error)
