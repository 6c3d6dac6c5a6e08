"""A small circuit breaker for the LLM upstream.

ProxyAPI pauses a key after about 20 error responses a minute (1 min, then 10 min, 1 h,
12 h), so after repeated failures we stop calling for a while instead of hammering it.

- closed: calls go through; `failure_threshold` consecutive failed calls open it, and so
  does one "fatal" failure (401/402/403: bad key, no money, model not allowed).
- open: calls are refused without any HTTP for `cooldown_seconds`; every re-open without
  a success in between doubles the cooldown, up to `max_cooldown_seconds`.
- half-open: after the cooldown one probe call goes through (others are still refused);
  its success closes the breaker, its failure opens it again with a longer cooldown.

Single-threaded asyncio use only (no locks needed: no awaits inside the methods).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from enum import StrEnum


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    def __init__(
        self,
        *,
        failure_threshold: int = 5,
        cooldown_seconds: float = 60.0,
        max_cooldown_seconds: float = 600.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if failure_threshold < 1:
            raise ValueError("failure_threshold must be at least 1")
        if cooldown_seconds <= 0 or max_cooldown_seconds < cooldown_seconds:
            raise ValueError("need 0 < cooldown_seconds <= max_cooldown_seconds")
        self.failure_threshold = failure_threshold
        self.cooldown_seconds = cooldown_seconds
        self.max_cooldown_seconds = max_cooldown_seconds
        self._clock = clock
        self._state = BreakerState.CLOSED
        self._consecutive_failures = 0
        self._opens_in_a_row = 0
        self._open_until = 0.0
        self._probe_in_flight = False

    @property
    def state(self) -> BreakerState:
        return self._state

    @property
    def current_cooldown(self) -> float:
        """The cooldown of the current (or the next) open period."""
        opens = max(self._opens_in_a_row, 1)
        return min(self.cooldown_seconds * 2 ** (opens - 1), self.max_cooldown_seconds)

    def retry_in(self) -> float:
        """Seconds until a probe call is allowed (0 when calls are allowed now)."""
        if self._state is BreakerState.OPEN:
            return max(0.0, self._open_until - self._clock())
        return 0.0

    def allow(self) -> bool:
        """May a call go out now? In half-open state this reserves the single probe."""
        if self._state is BreakerState.CLOSED:
            return True
        if self._state is BreakerState.OPEN:
            if self._clock() < self._open_until:
                return False
            self._state = BreakerState.HALF_OPEN
            self._probe_in_flight = False
        if self._probe_in_flight:
            return False
        self._probe_in_flight = True
        return True

    def record_success(self) -> None:
        self._state = BreakerState.CLOSED
        self._consecutive_failures = 0
        self._opens_in_a_row = 0
        self._probe_in_flight = False

    def record_failure(self, *, fatal: bool = False) -> None:
        """A call failed; `fatal` (401/402/403) opens the breaker at once."""
        self._consecutive_failures += 1
        probe_failed = self._state is BreakerState.HALF_OPEN
        too_many = self._state is BreakerState.CLOSED and (
            fatal or self._consecutive_failures >= self.failure_threshold
        )
        if probe_failed or too_many:
            self._open()
        # Already open (a call that started before it opened): keep the current period.

    def _open(self) -> None:
        self._opens_in_a_row += 1
        self._state = BreakerState.OPEN
        self._open_until = self._clock() + self.current_cooldown
        self._probe_in_flight = False
