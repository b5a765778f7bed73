"""Knobs of the Graph emulator: throttling limits, latency, fault rates, paging quirks."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["BATCH_ROUTE", "EmulatorOptions", "PageFault", "RouteFaults"]

# Key of ``EmulatorOptions.routes`` that applies to the ``$batch`` POST itself.
BATCH_ROUTE = "$batch"


class PageFault(StrEnum):
    """A malformed list page (status 200), for testing what a client does with one."""

    NO_VALUE = "no_value"  # the page has no "value"
    VALUE_NOT_LIST = "value_not_list"  # "value" is an object, not an array
    REPEATED_NEXT_LINK = "repeated_next_link"  # a later page's nextLink is its own URL (a loop)
    FOREIGN_NEXT_LINK = "foreign_next_link"  # the nextLink points at another host
    NOT_JSON = "not_json"  # an HTML body


@dataclass(frozen=True)
class RouteFaults:
    """Per-route overrides; ``None`` inherits the value from ``EmulatorOptions``.

    ``page_fault`` (per route only) turns every list page of the route into that malformed shape,
    or only the pages reached through a nextLink with ``page_fault_later_pages`` (the first page
    is then sound, so a client has read some objects before the fault).
    """

    latency_s: float | None = None
    error_5xx_rate: float | None = None
    timeout_rate: float | None = None
    malformed_rate: float | None = None
    page_fault: PageFault | None = None
    page_fault_later_pages: bool = False


@dataclass(frozen=True)
class EmulatorOptions:
    """How the emulated Graph behaves beyond its data.

    Throttling uses Intune's documented limits per sliding ``throttle_window_s`` window: per
    (tenant, app) ``app_request_limit`` requests of any kind and ``app_write_limit`` writes, per
    tenant (all apps) ``tenant_request_limit`` / ``tenant_write_limit``.

    Fault rates are fractions in [0, 1] drawn from one RNG seeded with ``seed``; a request draws
    once and gets at most one fault (5xx, then timeout, then malformed). ``routes`` overrides them
    (and the latency) by catalog key (``"settingsCatalog"``), by path prefix without the version
    (``"deviceManagement/configurationPolicies"``, ``"groups"``) or ``"$batch"`` for the batch POST
    itself; the most specific match wins (catalog key, then the longest prefix).
    """

    seed: int = 0
    # Throttling.
    throttling: bool = True
    throttle_window_s: float = 20.0
    app_request_limit: int = 1000
    app_write_limit: int = 100
    tenant_request_limit: int = 2000
    tenant_write_limit: int = 200
    retry_after_missing_rate: float = 0.0
    # Monotonic seconds, for throttling windows (tests inject a fake clock).
    clock: Callable[[], float] = time.monotonic
    # Unix seconds, for the time-bound roles (PIM) Intune checks on every request.
    wall_clock: Callable[[], float] = time.time
    # Used for latency and timeouts (tests inject a no-op to stay fast).
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    # Latency and faults.
    latency_s: float = 0.0
    error_5xx_rate: float = 0.0
    timeout_rate: float = 0.0
    timeout_delay_s: float = 30.0
    malformed_rate: float = 0.0
    routes: Mapping[str, RouteFaults] = field(default_factory=dict)
    # Paging quirks Graph is allowed to show.
    trailing_empty_page: bool = False
    filter_after_paging: bool = True
    shuffle_batch_responses: bool = True

    def __post_init__(self) -> None:
        for name in ("error_5xx_rate", "timeout_rate", "malformed_rate", "retry_after_missing_rate"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        limits = (self.app_request_limit, self.app_write_limit, self.tenant_request_limit)
        if self.throttle_window_s <= 0 or min(*limits, self.tenant_write_limit) < 1:
            raise ValueError("throttling needs a positive window and limits of at least 1")
        if self.latency_s < 0 or self.timeout_delay_s < 0:
            raise ValueError("latency_s and timeout_delay_s must not be negative")
