"""Sliding-window rate limiter arithmetic, on a fake clock."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest

from intune_assistant.graph import RateLimiter, RateLimits

if TYPE_CHECKING:
    from conftest import FakeTime


def limiter(fake_time: FakeTime, **limits: Any) -> RateLimiter:
    return RateLimiter(RateLimits(**limits), clock=fake_time.clock, sleep=fake_time.sleep)


def test_defaults_are_intune_limits() -> None:
    # No margin by default: requests count from their answers, so our window never runs ahead.
    limits = RateLimits()
    assert (limits.window_s, limits.any_requests, limits.writes) == (20.0, 1000, 100)
    assert (limits.effective_any, limits.effective_writes) == (1000, 100)
    margin = RateLimits(safety_margin=0.05)
    assert (margin.effective_any, margin.effective_writes) == (950, 95)
    # Small limits (as tests use) stay exact.
    assert RateLimits(any_requests=10, writes=3, safety_margin=0.05).effective_any == 10
    assert RateLimits(any_requests=10, writes=3, safety_margin=0.05).effective_writes == 3


def test_invalid_limits_are_rejected() -> None:
    with pytest.raises(ValueError):
        RateLimits(window_s=0)
    with pytest.raises(ValueError):
        RateLimits(writes=0)
    with pytest.raises(ValueError):
        RateLimits(safety_margin=1.0)


async def test_eleventh_request_waits_for_the_window(fake_time: FakeTime) -> None:
    rl = limiter(fake_time, window_s=1.0, any_requests=10, writes=10)
    for _ in range(10):
        assert await rl.acquire(1, 0) == 0.0
    assert fake_time.sleeps == []
    waited = await rl.acquire(1, 0)
    assert waited == pytest.approx(1.0)
    assert fake_time.now == pytest.approx(1.0)
    assert rl.in_window() == (1, 0)


async def test_window_slides_rather_than_resetting(fake_time: FakeTime) -> None:
    rl = limiter(fake_time, window_s=1.0, any_requests=10, writes=10)
    await rl.acquire(6, 0)  # t=0
    fake_time.now = 0.5
    await rl.acquire(4, 0)  # t=0.5, window full
    # 5 more need the 6 from t=0 to expire (t=1.0), not the whole window to pass.
    assert await rl.acquire(5, 0) == pytest.approx(0.5)
    assert fake_time.now == pytest.approx(1.0)
    # Now 4 (t=0.5) + 5 (t=1.0) are in the window: 2 more must wait for t=1.5.
    assert await rl.acquire(2, 0) == pytest.approx(0.5)
    assert rl.in_window() == (7, 0)


async def test_write_limit_is_separate_from_the_request_limit(fake_time: FakeTime) -> None:
    rl = limiter(fake_time, window_s=20.0, any_requests=100, writes=2)
    await rl.acquire(1, 1)
    await rl.acquire(1, 1)
    # Reads still go through although the write budget is spent.
    assert await rl.acquire(5, 0) == 0.0
    assert fake_time.sleeps == []
    # A third write waits for the first write to leave the window.
    assert await rl.acquire(1, 1) == pytest.approx(20.0)
    assert rl.in_window() == (1, 1)


async def test_request_larger_than_the_limit_waits_for_an_empty_window(fake_time: FakeTime) -> None:
    rl = limiter(fake_time, window_s=1.0, any_requests=10, writes=10)
    await rl.acquire(3, 0)
    # 20 sub-requests can never fit under 10; they go once the window is empty instead of never.
    assert await rl.acquire(20, 0) == pytest.approx(1.0)
    assert await rl.acquire(1, 0) == pytest.approx(1.0)


async def test_bad_arguments_raise(fake_time: FakeTime) -> None:
    rl = limiter(fake_time)
    with pytest.raises(ValueError):
        await rl.acquire(1, 2)
    with pytest.raises(ValueError):
        await rl.acquire(-1, 0)


async def test_concurrent_waiters_are_admitted_in_order(fake_time: FakeTime) -> None:
    rl = limiter(fake_time, window_s=1.0, any_requests=2, writes=2)
    admitted: list[int] = []

    async def take(n: int) -> None:
        await rl.acquire(1, 0)
        admitted.append(n)

    await asyncio.gather(*(take(n) for n in range(6)))
    assert admitted == [0, 1, 2, 3, 4, 5]
    # Two per window: the last pair went at t=2.
    assert fake_time.now == pytest.approx(2.0)


async def test_hold_pauses_every_later_acquire(fake_time: FakeTime) -> None:
    limiter = RateLimiter(
        RateLimits(window_s=1.0, any_requests=100, writes=10), clock=fake_time.clock, sleep=fake_time.sleep
    )
    await limiter.acquire()
    limiter.hold(2.5)
    assert await limiter.acquire() == 2.5
    assert await limiter.acquire() == 0.0


async def test_a_request_counts_from_its_answer_once_done(fake_time: FakeTime) -> None:
    # Graph counts a request somewhere between send and answer; the window must not run ahead.
    limiter = RateLimiter(
        RateLimits(window_s=1.0, any_requests=1, writes=1), clock=fake_time.clock, sleep=fake_time.sleep
    )
    reservation = await limiter.reserve()
    fake_time.now = 0.5
    reservation.done()
    assert await limiter.acquire() == 1.0  # admitted at 1.5, one window after the answer


async def test_priority_requests_keep_a_share_of_the_window_while_they_flow(fake_time: FakeTime) -> None:
    rl = limiter(fake_time, window_s=1.0, any_requests=10, writes=10, priority_share=0.3)
    await rl.reserve(priority=1)  # a list page: priority traffic is now flowing
    for _ in range(6):
        assert (await rl.reserve()).waited == 0.0
    # Bulk requests may not take the last 3 slots while pages flow...
    bulk = asyncio.ensure_future(rl.reserve())
    await asyncio.sleep(0)
    for _ in range(3):
        assert (await rl.reserve(priority=1)).waited == 0.0
    # ...and wait for the window instead.
    assert (await bulk).waited > 0.9
