"""Analyses of one snapshot generation: each computed once, in a worker thread, shared by every request.

A collection (one generation of a tenant's snapshot for one user) owns a ``Derived``. Pages ask it
for an ``Analysis`` (settings rows, the assignment overview, conflicts, ...): the first request
starts the computation in a worker thread and every request for the same analysis, concurrent or
later, awaits that same computation. The event loop never runs an analysis, so one user's
multi-second Conflicts does not hold up another user's page. When the generation is replaced
its analyses go with it: nothing outlives the snapshot it was computed from (DESIGN §2.4).

Per-question answers (one device's verdicts, one filter's preview) are kept too, a bounded number
per kind, so a page reloaded or paged through is not computed again.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar, cast

from intune_assistant.catalog import Catalog
from intune_assistant.snapshot import Snapshot

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Answers kept per kind of question and generation (a device's verdicts, a filter's preview, ...).
MAX_ANSWERS = 256


@dataclass(frozen=True, eq=False)
class Analysis(Generic[T]):
    """A named pure function of a generation. ``compute`` may ask the generation for other analyses."""

    name: str
    compute: Callable[[Derived], T]


class Derived:
    """The analyses of one snapshot generation, each computed at most once."""

    def __init__(self, snapshot: Snapshot, catalog: Catalog) -> None:
        self.snapshot = snapshot
        self.catalog = catalog
        # How often each analysis ran: once per generation is the promise; tests and logs read it.
        self.computations: Counter[str] = Counter()
        self._values: dict[str, object] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self._running: dict[str, asyncio.Future[Any]] = {}
        self._answers: dict[str, OrderedDict[Hashable, asyncio.Future[Any]]] = {}
        self._holders: dict[str, object] = {}

    def ready(self, analysis: Analysis[Any]) -> bool:
        """True when ``analysis`` is computed (a page can use it without waiting)."""
        return analysis.name in self._values

    def value(self, analysis: Analysis[T]) -> T:
        """The analysis, computed here (in the calling thread) if nobody did yet. Thread-safe.

        For code already off the event loop (an analysis needing another one, a warm-up thread);
        pages use ``get``.
        """
        if analysis.name in self._values:
            return cast(T, self._values[analysis.name])
        with self._guard:
            lock = self._locks.setdefault(analysis.name, threading.Lock())
        with lock:
            if analysis.name in self._values:
                return cast(T, self._values[analysis.name])
            started = time.perf_counter()
            result = analysis.compute(self)
            self._values[analysis.name] = result
            self.computations[analysis.name] += 1
        logger.info("analysis %s computed in %.0f ms", analysis.name, 1000 * (time.perf_counter() - started))
        return result

    async def get(self, analysis: Analysis[T]) -> T:
        """The analysis, from the event loop: computed once in a worker thread, shared by every caller."""
        if analysis.name in self._values:
            return cast(T, self._values[analysis.name])
        running = self._running.get(analysis.name)
        if running is None or (running.done() and running.exception() is not None):
            running = asyncio.get_running_loop().run_in_executor(None, self.value, analysis)
            self._running[analysis.name] = running
        # Shielded: a request that goes away does not cancel what other requests wait for.
        return cast(T, await asyncio.shield(running))

    async def answer(self, kind: str, key: Hashable, compute: Callable[[], T], *, keep: int = MAX_ANSWERS) -> T:
        """The answer to one question (``kind`` and ``key``), computed once in a worker thread.

        The last ``keep`` answers per kind are kept (fewer for big ones, e.g. rendered documents);
        concurrent askers share one computation. A failed computation is not kept, so the next
        request tries again.
        """
        answers = self._answers.setdefault(kind, OrderedDict())
        found = answers.get(key)
        if found is not None and found.done() and found.exception() is not None:
            del answers[key]
            found = None
        if found is None:
            found = asyncio.get_running_loop().run_in_executor(None, self._count_answer, kind, compute)
            answers[key] = found
            while len(answers) > keep:
                answers.popitem(last=False)
        else:
            answers.move_to_end(key)
        return cast(T, await asyncio.shield(found))

    def holder(self, name: str, make: Callable[[], T]) -> T:
        """A mutable object of this generation made once by ``make`` (what a live read remembers between requests).

        Event loop only; it goes with the generation like every analysis.
        """
        if name not in self._holders:
            self._holders[name] = make()
        return cast(T, self._holders[name])

    async def fetched(self, kind: str, key: Hashable, fetch: Callable[[], Awaitable[T]]) -> T:
        """What ``fetch`` reads beside the snapshot (Intune's audit log for a time range), read once.

        Kept with the generation like an answer (the last ``MAX_ANSWERS`` per kind), so paging and
        filtering a read do not read Graph again; concurrent askers share one read; a failed read
        is not kept.
        """
        answers = self._answers.setdefault(kind, OrderedDict())
        found = answers.get(key)
        if found is not None and found.done() and found.exception() is not None:
            del answers[key]
            found = None
        if found is None:
            found = asyncio.ensure_future(fetch())
            answers[key] = found
            while len(answers) > MAX_ANSWERS:
                answers.popitem(last=False)
        return cast(T, await asyncio.shield(found))

    def _count_answer(self, kind: str, compute: Callable[[], T]) -> T:
        result = compute()
        with self._guard:
            self.computations[kind] += 1
        return result

    async def warm(self, analyses: list[Analysis[Any]]) -> None:
        """Compute ``analyses`` one after the other off the event loop (right after a collection)."""
        for analysis in analyses:
            await self.get(analysis)
