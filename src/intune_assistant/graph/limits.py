"""Client-side sliding-window rate limiting that keeps us under Intune's per-app-per-tenant limits.

Intune documents, per app per tenant: 1000 requests / 20 s for any request and 100 / 20 s for
POST/PUT/PATCH/DELETE. Staying under them on our side avoids 429s (which cost a Retry-After wait
and count against the tenant for every app). A ``$batch`` POST is not itself counted: Intune sees
its sub-requests, so the caller acquires one slot per sub-request, a write slot per write.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

__all__ = ["WRITE_METHODS", "RateLimiter", "RateLimits"]

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Float error in clock arithmetic must not leave an event "almost expired" forever.
_EPSILON = 1e-9
# Extra wait of a bulk waiter, so a priority waiter woken for the same slot gets it.
_YIELD_S = 0.002


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Limits per sliding window; defaults are Intune's documented per-app-per-tenant figures.

    ``safety_margin`` is the fraction of each limit kept in reserve (rounded down, so small test
    limits such as 10 stay exact while 1000 becomes 950 and 100 becomes 95).
    """

    window_s: float = 20.0
    any_requests: int = 1000
    writes: int = 100
    safety_margin: float = 0.0
    # Share of the request budget only priority requests (the pages of a list, which later work
    # depends on) may use while they are flowing, so bulk per-item reads never stall the chain.
    priority_share: float = 0.2
    # Priority traffic counts as flowing for this long after its last admission.
    priority_linger_s: float = 3.0

    def __post_init__(self) -> None:
        if self.window_s <= 0 or self.any_requests < 1 or self.writes < 1:
            raise ValueError("RateLimits need a positive window and limits of at least 1")
        if not 0 <= self.safety_margin < 1 or not 0 <= self.priority_share < 1:
            raise ValueError("safety_margin and priority_share must be in [0, 1)")

    @property
    def effective_any(self) -> int:
        """Requests admitted per window after the safety margin."""
        return _with_margin(self.any_requests, self.safety_margin)

    @property
    def effective_writes(self) -> int:
        """Writes admitted per window after the safety margin."""
        return _with_margin(self.writes, self.safety_margin)


def _with_margin(limit: int, margin: float) -> int:
    return max(1, limit - math.floor(limit * margin))


@dataclass
class _Event:
    stamp: float
    total: int
    writes: int


@dataclass
class Reservation:
    """An admitted request: how long it waited, and ``done()`` to call once it was answered."""

    waited: float
    _event: _Event
    _clock: Callable[[], float]

    def done(self) -> None:
        """The response arrived: count the request from now (never earlier than admitted)."""
        self._event.stamp = max(self._event.stamp, self._clock())


class RateLimiter:
    """Admits requests so that no window of ``window_s`` seconds holds more than the limits.

    Waiters are served in arrival order (the internal lock is FIFO), so a large batch is not starved
    by a stream of single requests. One limiter may be shared by several clients of the same tenant
    because Intune's limits are per app per tenant, not per user.
    """

    def __init__(
        self,
        limits: RateLimits | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = limits or RateLimits()
        self._clock = clock
        self._sleep = sleep
        # (admission time, requests, writes), oldest first.
        self._events: deque[_Event] = deque()
        self._total = 0
        self._writes = 0
        # One FIFO lane per priority, so a waiting bulk request never blocks a priority one.
        self._lanes: dict[int, asyncio.Lock] = {}
        self._hold_until = 0.0
        self._priority_seen = -math.inf

    def hold(self, seconds: float) -> None:
        """Admit nothing for ``seconds`` (Graph answered 429 and said how long to wait)."""
        self._hold_until = max(self._hold_until, self._clock() + max(seconds, 0.0))

    async def acquire(self, n_total: int = 1, n_writes: int = 0) -> float:
        """Wait until the window admits ``n_total`` requests of which ``n_writes`` are writes.

        Returns the seconds waited. A request larger than a limit (e.g. a 20-write batch under a
        limit of 10) is admitted once the window is empty rather than never.
        """
        return (await self.reserve(n_total, n_writes)).waited

    async def reserve(self, n_total: int = 1, n_writes: int = 0, *, priority: int = 0) -> Reservation:
        """Like ``acquire``; call ``done()`` on the result when the response has arrived.

        Graph counts a request when it receives it, somewhere between our send and its answer.
        ``done()`` moves the request's place in the window to the answer's time, the latest moment
        Graph can have counted it, so a slow send never lets our window run ahead of Graph's.
        ``priority`` > 0 marks requests that other work waits for; see ``RateLimits.priority_share``.
        """
        if n_total < 0 or n_writes < 0 or n_writes > n_total:
            raise ValueError("need 0 <= n_writes <= n_total")
        waited = 0.0
        async with self._lanes.setdefault(priority, asyncio.Lock()):
            while True:
                now = self._clock()
                self._expire(now)
                cap = self._cap(now, priority)
                delay = max(self._hold_until - now, self._delay_until_admitted(now, n_total, n_writes, cap))
                if delay > 0 and cap < self.limits.effective_any:
                    delay += _YIELD_S  # when a slot frees, a priority waiter takes it first
                if delay <= 0:
                    if priority > 0:
                        self._priority_seen = now
                    event = _Event(now, n_total, n_writes)
                    if n_total:
                        self._events.append(event)
                        self._total += n_total
                        self._writes += n_writes
                    return Reservation(waited, event, self._clock)
                await self._sleep(delay)
                waited += delay

    def in_window(self) -> tuple[int, int]:
        """Return (requests, writes) currently counted in the window."""
        self._expire(self._clock())
        return self._total, self._writes

    def _expire(self, now: float) -> None:
        window = self.limits.window_s
        while self._events and self._events[0].stamp + window <= now + _EPSILON:
            event = self._events.popleft()
            self._total -= event.total
            self._writes -= event.writes

    def _cap(self, now: float, priority: int) -> int:
        """Requests this priority may have in the window now."""
        full = self.limits.effective_any
        if priority > 0 or now - self._priority_seen > self.limits.priority_linger_s:
            return full
        return max(1, full - math.floor(full * self.limits.priority_share))

    def _delay_until_admitted(self, now: float, n_total: int, n_writes: int, cap_total: int) -> float:
        cap_writes = self.limits.effective_writes
        # Oversized requests need an empty window, not an impossible one.
        need_total = min(n_total, cap_total)
        need_writes = min(n_writes, cap_writes)
        excess_total = self._total + need_total - cap_total
        excess_writes = self._writes + need_writes - cap_writes
        if excess_total <= 0 and excess_writes <= 0:
            return 0.0
        # Walk the oldest events until enough of both budgets has expired.
        freed_total = freed_writes = 0
        # Stamps moved by done() may be out of order; the caller re-checks after waiting.
        for event in self._events:
            freed_total += event.total
            freed_writes += event.writes
            if freed_total >= excess_total and freed_writes >= excess_writes:
                return max(event.stamp + self.limits.window_s - now, _EPSILON)
        # Unreachable while the bookkeeping is consistent; wait one window rather than spin.
        return self.limits.window_s
