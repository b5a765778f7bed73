"""Intune's throttling: sliding windows per (tenant, app) and per tenant, writes counted apart.

A request is admitted only when every window that counts it has room; an admitted request is
recorded in all of them, a refused one in none. The refusal says how long until the fullest window
admits it (Graph's ``Retry-After``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from .options import EmulatorOptions

__all__ = ["Throttler"]


class Throttler:
    """Sliding-window request counters for one emulator instance."""

    def __init__(self, options: EmulatorOptions, clock: Callable[[], float] | None = None) -> None:
        self._options = options
        self._clock = clock or options.clock
        self._windows: dict[tuple[str, ...], deque[float]] = {}

    def admit(self, tenant_id: str, app_id: str, *, write: bool) -> float | None:
        """``None`` when admitted (and counted); else seconds until it would be admitted."""
        o = self._options
        limits: list[tuple[tuple[str, ...], int]] = [
            (("app", tenant_id, app_id), o.app_request_limit),
            (("tenant", tenant_id), o.tenant_request_limit),
        ]
        if write:
            limits += [
                (("app-write", tenant_id, app_id), o.app_write_limit),
                (("tenant-write", tenant_id), o.tenant_write_limit),
            ]
        now = self._clock()
        horizon = now - o.throttle_window_s
        wait = 0.0
        for key, limit in limits:
            window = self._windows.setdefault(key, deque())
            while window and window[0] <= horizon:
                window.popleft()
            if len(window) >= limit:
                # The request fits once all but limit-1 of the recorded requests have left the window.
                oldest_to_expire = window[len(window) - limit]
                wait = max(wait, oldest_to_expire + o.throttle_window_s - now)
        if wait > 0:
            return wait
        for key, _ in limits:
            self._windows[key].append(now)
        return None
