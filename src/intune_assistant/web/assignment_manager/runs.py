"""Applies running in the background of the web process, so confirm answers at once with progress.

A run lives in process memory only (DESIGN §2: nothing on disk, in the database or in logs), keyed
by (tenant, user) and an unguessable id: another user or tenant asking for it finds nothing. A run
is dropped a while after it ended; one still running is never dropped.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from intune_assistant.changes import Plan
from intune_assistant.changes.apply import ApplyReport, ItemResult, ItemStatus

log = logging.getLogger(__name__)

RunKey = tuple[str, str, str]
"""(tenant id, user key, run id)."""

KEEP_ENDED_S = 30 * 60.0


@dataclass
class ApplyRun:
    """One apply: the items ended so far, then the report (or why it stopped)."""

    run_id: str
    plan: Plan
    backup_name: str
    ended: list[ItemResult] = field(default_factory=list)
    report: ApplyReport | None = None
    backup_zip_b64: str = ""
    stopped: bool = False
    ended_at: float | None = None
    task: asyncio.Task[None] | None = None

    @property
    def total(self) -> int:
        """How many items the plan has."""
        return len(self.plan.items)

    @property
    def done(self) -> bool:
        """True once the apply ended (with a report, or stopped)."""
        return self.ended_at is not None

    def count(self, status: ItemStatus) -> int:
        """How many items ended with ``status`` so far."""
        return sum(1 for r in self.ended if r.status is status)

    @property
    def percent(self) -> int:
        """Items ended, as a whole percentage."""
        return 100 * len(self.ended) // self.total if self.total else 100


class ApplyRuns:
    """The runs of this process, by (tenant, user, run id)."""

    def __init__(self, *, keep_s: float = KEEP_ENDED_S, clock: Callable[[], float] = time.monotonic) -> None:
        self._keep_s = keep_s
        self._clock = clock
        self._runs: dict[RunKey, ApplyRun] = {}

    def _drop_old(self) -> None:
        now = self._clock()
        for key in [k for k, r in self._runs.items() if r.ended_at is not None and r.ended_at + self._keep_s <= now]:
            del self._runs[key]

    def start(
        self,
        owner: tuple[str, str],
        plan: Plan,
        backup_name: str,
        work: Callable[[ApplyRun], Coroutine[Any, Any, tuple[ApplyReport, str]]],
    ) -> ApplyRun:
        """Start ``work`` (which fills the run's items as they end) as a task; the run, at once."""
        self._drop_old()
        run = ApplyRun(secrets.token_urlsafe(24), plan, backup_name)
        self._runs[(owner[0].lower(), owner[1], run.run_id)] = run
        run.task = asyncio.create_task(self._run(run, work))
        return run

    async def _run(
        self, run: ApplyRun, work: Callable[[ApplyRun], Coroutine[Any, Any, tuple[ApplyReport, str]]]
    ) -> None:
        try:
            run.report, run.backup_zip_b64 = await work(run)
        except Exception as exc:
            # The page says it stopped; the log names the type only, never Graph data or tokens.
            log.warning("an apply stopped: %s", type(exc).__name__)
            run.stopped = True
        finally:
            run.ended_at = self._clock()

    def get(self, owner: tuple[str, str], run_id: str) -> ApplyRun | None:
        """This user's run in this tenant, or None (unknown, another user's, or dropped)."""
        self._drop_old()
        return self._runs.get((owner[0].lower(), owner[1], run_id))
