"""Apply a plan exactly, verify it, and report each item: applied, skipped or failed, with why.

Order of work:

1. Every item's object and assignments are read; the objects the plan will touch become the
   backup (a snapshot), handed to ``on_backup`` before the first write — if that fails, nothing
   is written.
2. Items go in waves of up to 20 (one ``$batch`` each way). Each item's assignments are read again:
   an item whose assignments equal the plan's precondition is to be written, one already in the
   planned state counts as applied (a re-run after a partial apply), anything else is skipped as
   "changed since plan" — someone else's change is never overwritten. The wave's writes then wait
   for room in Intune's write window; if they had to wait, the items are read and checked once
   more, so the check is never older than a round trip or two when the write is sent, and they are
   written with exactly the plan's requests.
3. Written items are read back and compared with the plan's expected assignments.

``/assign`` replaces the whole set with the same body every time, so it is retried like an
idempotent request (429 and 5xx per Graph's guidance, in the client); Autopilot's per-assignment
POST is not, and a re-run after an uncertain failure reads what happened before writing again.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from intune_assistant.analyses.assignments import ObjectRef
from intune_assistant.catalog import AssignmentRead, Catalog, ResourceType, default_catalog
from intune_assistant.graph import BatchRequest, GraphClient, GraphError, GraphResponse, RateLimits
from intune_assistant.snapshot import Snapshot, TenantInfo, TypeResult, TypeStatus

from .apply_objects import Listed, check_objects, filled, is_object_item, read_back, read_lists
from .errors import write_failure
from .merge import canonical, signature
from .model import NEW_ID, GraphRequest, Plan, PlanItem

__all__ = ["ApplyReport", "ItemResult", "ItemStatus", "apply_plan"]

WAVE_SIZE = 20
_APP_TYPES = frozenset({"mobileApps"})
# Annotations that say where a value was read from, not what it is.
_ANNOTATIONS = ("@odata.context", "@odata.etag", "@odata.id", "@odata.editLink")


class ItemStatus(StrEnum):
    """How one item of a plan ended."""

    APPLIED = "applied"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class ItemResult:
    """One item's outcome.

    Attributes:
        key: the item's ``type_key/id``.
        object: the object, as the plan named it.
        status: applied, skipped or failed.
        reason: why (empty for a plain success); "already applied" for an item found in the
            planned state, "changed since plan: …" for a skip, the refusal for a failure.
        requests: write requests sent for it in this run.
    """

    key: str
    object: ObjectRef
    status: ItemStatus
    reason: str = ""
    requests: int = 0


@dataclass(frozen=True)
class ApplyReport:
    """Every item's outcome, in plan order, and the backup taken before the first write."""

    results: tuple[ItemResult, ...]
    backup: Snapshot | None = None

    def count(self, status: ItemStatus) -> int:
        """How many items ended with ``status``."""
        return sum(1 for r in self.results if r.status is status)

    @property
    def all_applied(self) -> bool:
        """True when every item is applied (or already was)."""
        return all(r.status is ItemStatus.APPLIED for r in self.results)


@dataclass
class _WriteWindow:
    """Starts a wave only when its writes fit Intune's write limit (the client paces exactly too).

    Admissions are stamped when granted; the client's limiter stamps a write when its answer
    arrives (later), so this window never lets a wave start earlier than the client would send it.
    """

    limits: RateLimits
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    _events: deque[tuple[float, int]] = field(default_factory=deque)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def admit(self, writes: int) -> bool:
        """Wait until ``writes`` fit; True when that meant waiting."""
        cap = self.limits.effective_writes
        waited = False
        async with self._lock:
            while True:
                now = self.clock()
                while self._events and self._events[0][0] + self.limits.window_s <= now:
                    self._events.popleft()
                used = sum(n for _, n in self._events)
                if used + writes <= cap or not self._events:
                    self._events.append((now, writes))
                    return waited
                waited = True
                await self.sleep(self._events[0][0] + self.limits.window_s - now)


def _stripped(assignment: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in assignment.items() if k not in _ANNOTATIONS}


def _comparable(value: Any) -> Any:
    # A property absent in one read and null in another (a list's $expand and an item's
    # /assignments may differ so) is the same state; every other difference counts.
    if isinstance(value, Mapping):
        return {k: _comparable(v) for k, v in value.items() if v is not None and k not in _ANNOTATIONS}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


def _state(assignments: Sequence[Mapping[str, Any]]) -> list[str]:
    return sorted(canonical(_comparable(a)) for a in assignments)


def _meaning(assignments: Sequence[Mapping[str, Any]], app: bool) -> Counter[Any]:
    return Counter(signature(a, app=app) for a in assignments)


def _version(item: PlanItem) -> str:
    return item.requests[0].version if item.requests else "beta"


@dataclass
class _Fresh:
    assignments: list[dict[str, Any]] | None = None
    error: GraphError | None = None


class _Applier:
    def __init__(
        self,
        plan: Plan,
        graph: GraphClient,
        catalog: Catalog,
        window: _WriteWindow,
        on_item: Callable[[ItemResult], None] | None = None,
    ) -> None:
        self.plan = plan
        self.on_item = on_item
        self.graph = graph
        self.catalog = catalog
        self.window = window
        self.results: dict[str, ItemResult] = {}
        # Ids of objects created (or found made by an earlier run), by item key.
        self.created: dict[str, str] = {}
        # Per type path, its objects as listed before the stage's creates, plus those created since.
        self.lists: dict[str, Listed] = {}

    def record_of(self, item: PlanItem) -> ResourceType:
        return self.catalog[item.object.type_key]

    async def read_assignments(self, items: Sequence[PlanItem]) -> dict[str, _Fresh]:
        found: dict[str, _Fresh] = {
            i.key: _Fresh([]) for i in items if self.record_of(i).assignments is AssignmentRead.NONE
        }
        items = [i for i in items if i.key not in found]
        for version in sorted({_version(i) for i in items}):
            chosen = [i for i in items if _version(i) == version]
            requests = [BatchRequest("GET", i.precondition.read_path, page=True) for i in chosen]
            responses = await self.graph.batch(requests, version=version)
            for item, response in zip(chosen, responses, strict=True):
                found[item.key] = await self._page_items(item, response, version)
        return found

    async def _page_items(self, item: PlanItem, response: GraphResponse, version: str) -> _Fresh:
        if response.error is not None:
            return _Fresh(error=response.error)
        body = response.body if isinstance(response.body, Mapping) else {}
        if body.get("@odata.nextLink"):
            # More than one page of assignments: read the whole list on its own.
            listed = await self.graph.list_all(item.precondition.read_path, version=version)
            return _Fresh(listed.items) if listed.error is None else _Fresh(error=listed.error)
        values = body.get("value")
        return _Fresh([dict(v) for v in values if isinstance(v, Mapping)] if isinstance(values, list) else [])

    async def read_objects(self, items: Sequence[PlanItem]) -> dict[str, dict[str, Any]]:
        objects: dict[str, dict[str, Any]] = {}
        for version in sorted({_version(i) for i in items}):
            chosen = [i for i in items if _version(i) == version]
            paths = [f"{self.record_of(i).path}/{i.object.id}" for i in chosen]
            responses = await self.graph.batch([BatchRequest("GET", p) for p in paths], version=version)
            for item, response in zip(chosen, responses, strict=True):
                if response.error is None and isinstance(response.body, Mapping):
                    objects[item.key] = _stripped(response.body)
        return objects

    def finish(self, item: PlanItem, status: ItemStatus, reason: str = "", requests: int = 0) -> None:
        result = ItemResult(item.key, item.object, status, reason, requests)
        self.results[item.key] = result
        if self.on_item is not None:
            self.on_item(result)

    def classify(self, item: PlanItem, fresh: _Fresh) -> bool:
        """True when the item is to be written now; otherwise its result is recorded."""
        record = self.record_of(item)
        if fresh.error is not None:
            if fresh.error.status == 404:
                self.finish(item, ItemStatus.SKIPPED, "changed since plan: the object was deleted")
            else:
                self.finish(item, ItemStatus.FAILED, write_failure(record, fresh.error, reading=True))
            return False
        current = fresh.assignments or []
        if _state(current) == _state(item.precondition.assignments):
            return True
        app = item.object.type_key in _APP_TYPES
        if _meaning(current, app) == _meaning(item.expected, app):
            self.finish(item, ItemStatus.APPLIED, "already applied")
            return False
        self.finish(
            item,
            ItemStatus.SKIPPED,
            "changed since plan: its assignments were changed after the plan was made; make a new plan",
        )
        return False

    async def write(self, items: Sequence[PlanItem]) -> list[PlanItem]:
        """Send each item's requests; the items whose writes all succeeded."""
        bulk = [i for i in items if len(i.requests) == 1]
        single = [i for i in items if len(i.requests) != 1]
        written: list[PlanItem] = []
        for version in sorted({_version(i) for i in bulk}):
            chosen = [i for i in bulk if _version(i) == version]
            requests = [_batch_request(i.requests[0]) for i in chosen]
            responses = await self.graph.batch(requests, version=version)
            for item, response in zip(chosen, responses, strict=True):
                if response.error is None:
                    written.append(item)
                else:
                    self.finish(item, ItemStatus.FAILED, write_failure(self.record_of(item), response.error), 1)
        outcomes = await asyncio.gather(*(self._write_in_order(i) for i in single))
        written.extend(i for i, ok in zip(single, outcomes, strict=True) if ok)
        return written

    async def _write_in_order(self, item: PlanItem) -> bool:
        for sent, request in enumerate(item.requests, start=1):
            response = await self.graph.request(
                request.method, request.path, version=request.version, json=request.body
            )
            if response.error is not None:
                self.finish(item, ItemStatus.FAILED, write_failure(self.record_of(item), response.error), sent)
                return False
        return True

    async def verify(self, items: Sequence[PlanItem]) -> None:
        fresh = await self.read_assignments(items)
        for item in items:
            read = fresh[item.key]
            sent = len(item.requests)
            if read.error is not None:
                why = write_failure(self.record_of(item), read.error, reading=True)
                self.finish(item, ItemStatus.FAILED, f"written, but reading it back failed: {why}", sent)
                continue
            app = item.object.type_key in _APP_TYPES
            if _meaning(read.assignments or [], app) == _meaning(item.expected, app):
                self.finish(item, ItemStatus.APPLIED, "", sent)
            else:
                self.finish(
                    item,
                    ItemStatus.FAILED,
                    "written, but the assignments read back differ from the plan (changed by someone meanwhile?)",
                    sent,
                )

    async def wave(self, items: Sequence[PlanItem]) -> None:
        objects = [i for i in items if is_object_item(i)]
        others = [i for i in items if not is_object_item(i)]
        await asyncio.gather(self.object_wave(objects), self.assignment_wave(others))

    async def object_wave(self, items: Sequence[PlanItem]) -> None:
        """Creates and updates: check, wait for the write window, write in order, read back."""
        if not items:
            return
        checks = await check_objects(items, self.graph, self.record_of, self.lists)
        if await self.window.admit(sum(len(i.requests) for i in items if checks[i.key].write)):
            checks = await check_objects(items, self.graph, self.record_of, self.lists)
        ready = []
        for item in items:
            check = checks[item.key]
            if check.write:
                ready.append(item)
                continue
            if check.applied:
                if check.object_id:
                    self.created[item.key] = check.object_id
                self.finish(item, ItemStatus.APPLIED, check.reason)
            else:
                self.finish(item, ItemStatus.FAILED if check.failed else ItemStatus.SKIPPED, check.reason)
        written = await self._write_objects(ready)
        reasons = await read_back(written, self.graph, self.record_of)
        for item, _ in written:
            reason = reasons[item.key]
            self.finish(item, ItemStatus.FAILED if reason else ItemStatus.APPLIED, reason or "", len(item.requests))

    async def _write_objects(self, items: Sequence[PlanItem]) -> list[tuple[PlanItem, str]]:
        """Send every item's first request in one ``$batch``, then each item's others in order;
        the items whose requests all succeeded, with their object's id."""
        firsts: list[tuple[PlanItem, GraphRequest]] = []
        for item in items:
            try:
                firsts.append((item, filled(item.requests[0], None if item.creates else item.object.id, self.created)))
            except KeyError as missing:
                self.finish(
                    item, ItemStatus.FAILED, f"not written: the object it refers to ({missing.args[0]}) was not created"
                )
        started: list[tuple[PlanItem, str]] = []
        for version in sorted({r.version for _, r in firsts}):
            chosen = [(i, r) for i, r in firsts if r.version == version]
            responses = await self.graph.batch([_batch_request(r) for _, r in chosen], version=version)
            for (item, _), response in zip(chosen, responses, strict=True):
                own = self._first_answer(item, response)
                if own is not None:
                    started.append((item, own))
        finished = await asyncio.gather(*(self._write_rest(item, own) for item, own in started))
        return [pair for pair, ok in zip(started, finished, strict=True) if ok]

    def _first_answer(self, item: PlanItem, response: GraphResponse) -> str | None:
        """The object's id after its first request answered (a create's new id), or None on failure."""
        record = self.record_of(item)
        if response.error is not None:
            self.finish(item, ItemStatus.FAILED, write_failure(record, response.error), 1)
            return None
        if not item.creates:
            return item.object.id
        body = response.body if isinstance(response.body, Mapping) else {}
        new_id = body.get("id")
        if not isinstance(new_id, str) or not new_id:
            self.finish(item, ItemStatus.FAILED, "Graph answered the create without the new object's id", 1)
            return None
        self.created[item.key] = new_id
        listed = self.lists.get(record.path)
        if listed is not None:
            name = item.precondition.absent_name or item.object.name
            made = {"id": new_id, record.name_field: name, **(item.precondition.identity or {})}
            listed.objects.append({**made, "@odata.type": item.precondition.odata_type})
        return new_id

    async def _write_rest(self, item: PlanItem, own: str) -> bool:
        """Send the item's requests after the first, in order; False (with the result) when one failed."""
        record = self.record_of(item)
        for sent, request in enumerate(item.requests[1:], start=2):
            try:
                request = filled(request, own, self.created)
            except KeyError as missing:
                reason = f"not written: the object it refers to ({missing.args[0]}) was not created"
                self.finish(item, ItemStatus.FAILED, reason, sent - 1)
                return False
            response = await self.graph.request(
                request.method, request.path, version=request.version, json=request.body
            )
            if response.error is not None:
                why = write_failure(record, response.error)
                if item.creates:
                    why = f"created (id {own}), then a later request failed: {why}; re-run to finish it"
                self.finish(item, ItemStatus.FAILED, why, sent)
                return False
        return True

    async def assignment_wave(self, items: Sequence[PlanItem]) -> None:
        if not items:
            return
        fresh = await self.read_assignments(items)
        ready = [i for i in items if self.classify(i, fresh[i.key])]
        if ready and await self.window.admit(sum(len(i.requests) for i in ready)):
            # Waited for Intune's write window: read again, so the check stays just before the write.
            fresh = await self.read_assignments(ready)
            ready = [i for i in ready if self.classify(i, fresh[i.key])]
        if not ready:
            return
        written = await self.write(ready)
        if written:
            await self.verify(written)


def _batch_request(request: GraphRequest) -> BatchRequest:
    # /assign replaces the whole set with this same body: sending it twice is harmless.
    idempotent = request.method == "POST" and request.path.endswith("/assign")
    return BatchRequest(request.method, request.path, body=request.body, idempotent=idempotent or None)


def _within(path: str, base: str) -> bool:
    return path == base or path.startswith(base + "/")


def _check_paths(plan: Plan, catalog: Catalog) -> None:
    for item in plan.items:
        if item.object.type_key not in catalog:
            raise ValueError(f"the plan names an unknown type '{item.object.type_key}'")
        record = catalog[item.object.type_key]
        if item.creates:
            first, *rest = item.requests or (GraphRequest("GET", ""),)
            created_by_template = first.path.startswith("deviceManagement/templates/") and first.path.endswith(
                "/createInstance"
            )
            ok = first.method == "POST" and (first.path == record.path or created_by_template)
            ok = ok and all(_within(r.path, f"{record.path}/{NEW_ID}") for r in rest)
        else:
            base = f"{record.path}/{item.object.id}"
            ok = bool(item.object.id) and _within(item.precondition.read_path, base)
            ok = ok and all(_within(r.path, base) for r in item.requests)
        if not ok:
            raise ValueError(f"the plan's requests for {item.object.name} leave the object's own path")


def backup_snapshot(
    plan: Plan, items: Sequence[PlanItem], objects: Mapping[str, dict[str, Any]], fresh: Mapping[str, _Fresh]
) -> Snapshot:
    """The objects about to change, as read just now, with their assignments, in the snapshot format.

    Each type is marked partial: the backup holds only the touched objects, never the whole type.
    """
    by_type: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        obj = objects.get(item.key)
        assignments = fresh[item.key].assignments
        if obj is None or assignments is None:
            continue
        by_type.setdefault(item.object.type_key, []).append({**obj, "assignments": assignments})
    return Snapshot(
        tenant=TenantInfo(plan.tenant_id, plan.tenant_domain, plan.tenant_domain),
        source="graph",
        taken_at=datetime.now(UTC),
        objects=by_type,
        results={k: TypeResult(k, TypeStatus.PARTIAL, len(v), 0.0) for k, v in by_type.items()},
    )


async def apply_plan(
    plan: Plan,
    graph: GraphClient,
    *,
    catalog: Catalog | None = None,
    limits: RateLimits | None = None,
    on_backup: Callable[[Snapshot], Awaitable[None]] | None = None,
    on_item: Callable[[ItemResult], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
) -> ApplyReport:
    """Apply ``plan`` through ``graph`` (signed in as the user); see the module docstring.

    ``limits`` must match the client's (Intune's defaults); ``clock`` and ``sleep`` pace the waves
    (inject the client's in tests). ``on_backup`` receives the backup before the first write; if it
    raises, nothing is written and the exception propagates. ``on_item`` receives each item's result
    as soon as it has ended (in the order items end), for progress; it must not raise.

    Raises:
        ValueError: the plan names a type the catalog lacks, or a request outside its object.
    """
    catalog = catalog or default_catalog()
    _check_paths(plan, catalog)
    applier = _Applier(plan, graph, catalog, _WriteWindow(limits or RateLimits(), clock, sleep), on_item)
    items = list(plan.items)
    existing = [i for i in items if not i.creates]
    fresh, objects = await asyncio.gather(applier.read_assignments(existing), applier.read_objects(existing))
    touched = [
        i
        for i in existing
        if fresh[i.key].error is None and _state(fresh[i.key].assignments or []) == _state(i.precondition.assignments)
    ]
    backup = backup_snapshot(plan, touched, objects, fresh) if touched else None
    if on_backup is not None and backup is not None:
        await on_backup(backup)
    # Stage by stage: objects later items refer to ({new:key}) are created first.
    for stage in sorted({i.stage for i in items}):
        chosen = [i for i in items if i.stage == stage]
        applier.lists = await read_lists(chosen, graph, applier.record_of, since=plan.read_at)
        waves = [chosen[i : i + WAVE_SIZE] for i in range(0, len(chosen), WAVE_SIZE)]
        await asyncio.gather(*(applier.wave(w) for w in waves))
    return ApplyReport(tuple(applier.results[i.key] for i in items), backup)
