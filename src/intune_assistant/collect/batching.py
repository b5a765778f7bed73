"""Coalesce single Graph requests into $batch calls, so independent reads share round trips.

Collection code awaits one request at a time, as if it were alone; the coalescer gathers what is
pending (up to 20, Graph's $batch limit) and sends it as one batch per API version. Round trips
then follow the real dependency chain (page → next page → children), not the number of objects.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from intune_assistant.catalog.model import ApiVersion
from intune_assistant.graph import BatchRequest, GraphClient, GraphResponse

BATCH_LIMIT = 20


@dataclass
class _Pending:
    request: BatchRequest
    future: asyncio.Future[GraphResponse]


@dataclass
class BatchCoalescer:
    """Sends requests submitted concurrently as $batch calls of at most 20.

    ``linger_s`` is how long the first pending request waits for company before a partial batch
    goes out; a few milliseconds is enough for requests released by the same response.
    """

    client: GraphClient
    version: ApiVersion
    linger_s: float = 0.005
    # Pending requests per priority: a batch carries one priority, so pages are never held back
    # by the bulk reads they would otherwise share a batch with.
    _pending: dict[int, list[_Pending]] = field(default_factory=dict)
    _timer: asyncio.TimerHandle | None = None
    _inflight: set[asyncio.Task[None]] = field(default_factory=set)

    async def send(self, request: BatchRequest) -> GraphResponse:
        """Queue ``request`` for the next batch and wait for its own response."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[GraphResponse] = loop.create_future()
        queue = self._pending.setdefault(request.priority, [])
        queue.append(_Pending(request, future))
        if len(queue) >= BATCH_LIMIT:
            self._flush()
        elif self._timer is None:
            self._timer = loop.call_later(self.linger_s, self._flush)
        return await future

    async def get(self, url: str, priority: int = 0) -> GraphResponse:
        """GET ``url`` (relative to the version, or an absolute nextLink) through a batch."""
        return await self.send(BatchRequest(method="GET", url=url, priority=priority))

    def _flush(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        for priority in sorted(self._pending, reverse=True):
            queue = self._pending.pop(priority)
            for start in range(0, len(queue), BATCH_LIMIT):
                task = asyncio.get_running_loop().create_task(self._send_chunk(queue[start : start + BATCH_LIMIT]))
                self._inflight.add(task)
                task.add_done_callback(self._inflight.discard)

    async def _send_chunk(self, chunk: Sequence[_Pending]) -> None:
        def deliver(index: int, response: GraphResponse) -> None:
            # Each waiter resumes as soon as its own answer is final, not after others' retries.
            if not chunk[index].future.done():
                chunk[index].future.set_result(response)

        try:
            responses = await self.client.batch([p.request for p in chunk], version=self.version, on_result=deliver)
        except BaseException as exc:  # hand the failure to every waiter; nothing is dropped
            for pending in chunk:
                if not pending.future.done():
                    pending.future.set_exception(exc)
            raise
        for index, response in enumerate(responses):
            deliver(index, response)

    async def aclose(self) -> None:
        """Flush what is pending and wait for batches in flight."""
        self._flush()
        if self._inflight:
            # A failed batch already handed its exception to every waiter (_send_chunk); here we
            # only wait for the tasks to end, so the same error is not raised a second time.
            with contextlib.suppress(Exception):
                await asyncio.gather(*self._inflight)
