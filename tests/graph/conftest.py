"""Fixtures for the Graph client tests: fake time and a client wired to a mock transport."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import httpx
import pytest

from intune_assistant.graph import GraphClient, StaticTokenProvider

BASE = "https://graph.microsoft.com"
TOKEN = "secret-token-value"

Handler = Callable[[httpx.Request], httpx.Response] | Callable[[httpx.Request], Coroutine[None, None, httpx.Response]]
ClientFactory = Callable[..., GraphClient]


class FakeTime:
    """A clock that moves only when something sleeps; sleeps are recorded and return at once."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def make_client(fake_time: FakeTime) -> ClientFactory:
    """Factory: ``make_client(handler, **options)`` → a client on ``httpx.MockTransport(handler)``.

    Time is fake (sleeps recorded, clock advanced by them) and backoff jitter is fixed at 0.5.
    """

    def factory(handler: Handler, **kwargs: Any) -> GraphClient:
        options: dict[str, Any] = {
            "scopes": ["DeviceManagementConfiguration.Read.All"],
            "transport": httpx.MockTransport(handler),
            "sleep": fake_time.sleep,
            "clock": fake_time.clock,
            "random": lambda: 0.5,
        }
        options.update(kwargs)
        return GraphClient(StaticTokenProvider(TOKEN), BASE, **options)

    return factory
