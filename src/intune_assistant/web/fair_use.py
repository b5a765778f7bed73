"""Fair-use limits of a tenant's plan, counted in this process's memory only.

A collection (one full read of a tenant) counts against ``collections_per_hour`` of the tenant's
plan in a sliding hour. Only start times per tenant id are kept, never tenant data, and nothing is
written anywhere (DESIGN §2.4): a restart forgets the counts, and with several replicas each counts
its own collections, so a tenant may reach up to replicas × the limit.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime

__all__ = ["CollectionBudget", "LimitReached"]

WINDOW_S = 3600.0


class LimitReached(Exception):
    """A plan's limit was reached; ``resets_at`` (UTC) is when the next one is allowed."""

    def __init__(self, what: str, limit: int, resets_at: datetime) -> None:
        super().__init__(what)
        self.what = what
        self.limit = limit
        self.resets_at = resets_at


class CollectionBudget:
    """Collections started per tenant in the last hour (wall clock, so reset times can be shown)."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._starts: dict[str, deque[float]] = {}

    def take(self, tenant_id: str, per_hour: int | None) -> None:
        """Count one collection of ``tenant_id``; ``LimitReached`` (nothing counted) past ``per_hour``."""
        if per_hour is None:
            return
        now = self._clock()
        with self._lock:
            starts = self._starts.setdefault(tenant_id.lower(), deque())
            while starts and starts[0] <= now - WINDOW_S:
                starts.popleft()
            if len(starts) >= per_hour:
                resets = starts[0] + WINDOW_S if starts else now + WINDOW_S
                raise LimitReached("collections per hour", per_hour, datetime.fromtimestamp(resets, UTC))
            starts.append(now)

    def allows(self, tenant_id: str, per_hour: int | None) -> bool:
        """Count one collection when the limit allows it (background refreshes: no page to show)."""
        try:
            self.take(tenant_id, per_hour)
        except LimitReached:
            return False
        return True
