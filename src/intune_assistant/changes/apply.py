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

Bulk edits go the same way, each checked on what it changes (``PlanItem.operation``): a rename on
the object's name (the old one → write, the new one → already applied, another → skipped), a delete
on the object's ``lastModifiedDateTime`` (a 404 is "already deleted"), a membership change on the
group's direct members (read once per group). Their backup adds a deleted object's child settings
and a group's members, as read just before the first write.

``/assign`` replaces the whole set with the same body every time, so it is retried like an
idempotent request (429 and 5xx per Graph's guidance, in the client); Autopilot's per-assignment
POST is not, and a re-run after an uncertain failure reads what happened before writing again.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from intune_assistant.analyses.assignments import ObjectRef
from intune_assistant.catalog import AssignmentRead, Catalog, Child, ResourceType, default_catalog
from intune_assistant.graph import BatchRequest, GraphClient, GraphError, GraphResponse, RateLimits
from intune_assistant.snapshot import Snapshot, TenantInfo, TypeResult, TypeStatus

from .apply_objects import Listed, check_objects, fill_ids, filled, is_object_item, read_back, read_lists
from .errors import write_failure
from .merge import canonical, signature
from .model import NEW_ID, GraphRequest, Operation, Plan, PlanItem

__all__ = ["ApplyReport", "ItemResult", "ItemStatus", "apply_plan"]

WAVE_SIZE = 20
_APP_TYPES = frozenset({"mobileApps"})
_OBJECT_OPS = frozenset({Operation.RENAME, Operation.DELETE})
_MEMBER_OPS = frozenset({Operation.ADD_MEMBER, Operation.REMOVE_MEMBER})
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
    """What a read found for one item: assignments (assign), the object (rename, delete), the group's
    direct member ids (membership), ``gone`` for a 404, or the error."""

    assignments: list[dict[str, Any]] | None = None
    error: GraphError | None = None
    obj: dict[str, Any] | None = None
    members: frozenset[str] | None = None
    gone: bool = False


# Checking an item just before writing answers None (write it) or how it ends and why.
_Verdict = tuple[ItemStatus, str] | None


def _new_name(item: PlanItem, record: ResourceType) -> str:
    body = item.requests[0].body if item.requests else None
    return str(body.get(record.name_field) or "") if isinstance(body, Mapping) else ""


def _check_assign(item: PlanItem, fresh: _Fresh) -> _Verdict:
    current = fresh.assignments or []
    if _state(current) == _state(item.precondition.assignments):
        return None
    app = item.object.type_key in _APP_TYPES
    if _meaning(current, app) == _meaning(item.expected, app):
        return ItemStatus.APPLIED, "already applied"
    return (
        ItemStatus.SKIPPED,
        "changed since plan: its assignments were changed after the plan was made; make a new plan",
    )


def _check_rename(item: PlanItem, fresh: _Fresh, record: ResourceType) -> _Verdict:
    current = record.object_name(fresh.obj or {})
    if current == item.precondition.name:
        return None
    if current == _new_name(item, record):
        return ItemStatus.APPLIED, "already applied"
    return ItemStatus.SKIPPED, f"changed since plan: it is now called '{current}'; make a new plan"


def _check_delete(item: PlanItem, fresh: _Fresh) -> _Verdict:
    modified = (fresh.obj or {}).get("lastModifiedDateTime")
    if item.precondition.modified is not None and modified != item.precondition.modified:
        return ItemStatus.SKIPPED, "changed since plan: it was edited after the plan was made; make a new plan"
    return None


def _check_member(item: PlanItem, fresh: _Fresh) -> _Verdict:
    member = item.member.id if item.member is not None else ""
    present = member in (fresh.members or frozenset())
    adding = item.operation == Operation.ADD_MEMBER
    if present != adding:
        return None
    return ItemStatus.APPLIED, "already a member" if adding else "already not a member"


def _verified(item: PlanItem, fresh: _Fresh, record: ResourceType) -> str | None:
    """None when a fresh read shows the item as planned; else why not."""
    operation = item.operation
    if operation == Operation.DELETE:
        return None if fresh.gone else "written, but the object can still be read"
    if fresh.error is not None:
        return f"written, but reading it back failed: {write_failure(record, fresh.error, reading=True)}"
    if fresh.gone:
        return "written, but the object can no longer be read (deleted meanwhile?)"
    if operation == Operation.RENAME:
        name = record.object_name(fresh.obj or {})
        if name == _new_name(item, record):
            return None
        return f"written, but its name reads '{name}' (changed by someone meanwhile?)"
    if operation in (Operation.ADD_MEMBER, Operation.REMOVE_MEMBER):
        member = item.member.id if item.member is not None else ""
        if (member in (fresh.members or frozenset())) == (operation == Operation.ADD_MEMBER):
            return None
        return "written, but the group's members read back differ from the plan (changed by someone meanwhile?)"
    app = item.object.type_key in _APP_TYPES
    if _meaning(fresh.assignments or [], app) == _meaning(item.expected, app):
        return None
    return "written, but the assignments read back differ from the plan (changed by someone meanwhile?)"


def _written_anyway(item: PlanItem, error: GraphError) -> bool:
    """A write error that means the planned state is already there (a retried or raced request)."""
    if item.operation in (Operation.DELETE, Operation.REMOVE_MEMBER):
        return error.status == 404
    if item.operation == Operation.ADD_MEMBER:
        return error.status == 400 and "already exist" in error.message
    return False


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

    async def read_states(self, items: Sequence[PlanItem]) -> dict[str, _Fresh]:
        """Each item's current state, as its operation is checked and verified."""
        assign = [i for i in items if i.operation not in _OBJECT_OPS | _MEMBER_OPS]
        objects = [i for i in items if i.operation in _OBJECT_OPS]
        members = [i for i in items if i.operation in _MEMBER_OPS]
        found: dict[str, _Fresh] = {}
        parts = await asyncio.gather(
            self.read_assignments(assign), self.read_objects(objects), self.read_members(members)
        )
        for part in parts:
            found.update(part)
        return found

    async def read_assignments(self, items: Sequence[PlanItem]) -> dict[str, _Fresh]:
        found: dict[str, _Fresh] = {
            i.key: _Fresh([]) for i in items if self.record_of(i).assignments is AssignmentRead.NONE
        }
        items = [i for i in items if i.key not in found]
        for version in sorted({_version(i) for i in items}):
            chosen = [i for i in items if _version(i) == version]
            requests = [BatchRequest("GET", _assignments_path(self.record_of(i), i), page=True) for i in chosen]
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
            path = _assignments_path(self.record_of(item), item)
            listed = await self.graph.list_all(path, version=version)
            return _Fresh(listed.items) if listed.error is None else _Fresh(error=listed.error)
        values = body.get("value")
        return _Fresh([dict(v) for v in values if isinstance(v, Mapping)] if isinstance(values, list) else [])

    async def read_objects(self, items: Sequence[PlanItem]) -> dict[str, _Fresh]:
        """Each item's object (a group once for all its membership items); 404 reads as gone."""
        objects: dict[str, _Fresh] = {}
        for version in sorted({_version(i) for i in items}):
            chosen = [i for i in items if _version(i) == version]
            paths = list(dict.fromkeys(f"{self.record_of(i).path}/{i.object.id}" for i in chosen))
            responses = await self.graph.batch([BatchRequest("GET", p) for p in paths], version=version)
            by_path = dict(zip(paths, responses, strict=True))
            for item in chosen:
                response = by_path[f"{self.record_of(item).path}/{item.object.id}"]
                if response.error is None and isinstance(response.body, Mapping):
                    objects[item.key] = _Fresh(obj=_stripped(response.body))
                elif response.error is not None and response.error.status == 404:
                    objects[item.key] = _Fresh(gone=True)
                else:
                    objects[item.key] = _Fresh(error=response.error)
        return objects

    async def read_members(self, items: Sequence[PlanItem]) -> dict[str, _Fresh]:
        """Each membership item's group: the ids of its direct members (every page), read once per group."""
        paths = list(dict.fromkeys(i.precondition.read_path for i in items))
        if not paths:
            return {}
        version = _version(items[0])
        listed = await self.graph.batch_list_all(paths, version=version, params={"$select": "id"})
        by_path: dict[str, _Fresh] = {}
        for path, result in zip(paths, listed, strict=True):
            if result.error is None:
                by_path[path] = _Fresh(members=frozenset(str(m.get("id")) for m in result.items))
            elif result.error.status == 404:
                by_path[path] = _Fresh(gone=True)
            else:
                by_path[path] = _Fresh(error=result.error)
        return {i.key: by_path[i.precondition.read_path] for i in items}

    async def read_children(self, items: Sequence[PlanItem]) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
        """The child navigations (settings, definition values...) of objects about to be deleted,
        as collection reads them, so a restore from the backup can recreate the whole object; and,
        per item whose children couldn't all be read, why."""
        found: dict[str, dict[str, Any]] = {}
        failed: dict[str, str] = {}

        async def read(item: PlanItem) -> None:
            record = self.record_of(item)
            base = f"{record.path}/{item.object.id}"
            values: dict[str, Any] = {}
            errors: list[GraphError] = []
            for child in record.children:
                values[child.name] = await self._child(base, child, record.api_version, errors)
            found[item.key] = values
            if errors:
                failed[item.key] = write_failure(record, errors[0], reading=True)

        await asyncio.gather(*(read(i) for i in items if self.record_of(i).children))
        return found, failed

    async def _child(self, base: str, child: Child, version: str, errors: list[GraphError]) -> list[dict[str, Any]]:
        params = {k: v for k, v in (("$expand", child.expand), ("$select", child.select)) if v}
        listed = await self.graph.list_all(f"{base}/{child.name}", version=version, params=params or None)
        if listed.error is not None:
            errors.append(listed.error)
        values = [dict(v) for v in listed.items]
        for value in values:
            for grand in child.children:
                if isinstance(value.get("id"), str):
                    path = f"{base}/{child.name}/{value['id']}"
                    value[grand.name] = await self._child(path, grand, version, errors)
        return values

    def finish(self, item: PlanItem, status: ItemStatus, reason: str = "", requests: int = 0) -> None:
        result = ItemResult(item.key, item.object, status, reason, requests)
        self.results[item.key] = result
        if self.on_item is not None:
            self.on_item(result)

    def verdict(self, item: PlanItem, fresh: _Fresh) -> _Verdict:
        """None when the item is to be written now; otherwise how it ends, and why."""
        record = self.record_of(item)
        if item.operation == Operation.DELETE and fresh.gone:
            return ItemStatus.APPLIED, "already deleted"
        if fresh.gone:
            what = "the group" if item.operation in _MEMBER_OPS else "the object"
            return ItemStatus.SKIPPED, f"changed since plan: {what} was deleted"
        if fresh.error is not None:
            if fresh.error.status == 404:
                return ItemStatus.SKIPPED, "changed since plan: the object was deleted"
            return ItemStatus.FAILED, write_failure(record, fresh.error, reading=True)
        if item.operation == Operation.RENAME:
            return _check_rename(item, fresh, record)
        if item.operation == Operation.DELETE:
            return _check_delete(item, fresh)
        if item.operation in _MEMBER_OPS:
            return _check_member(item, fresh)
        return _check_assign(self.with_ids(item), fresh)

    def with_ids(self, item: PlanItem) -> PlanItem:
        """``item`` whose expected assignments name the ids of objects created in earlier stages (a
        group or filter made first) instead of their ``{new:<key>}`` placeholders."""
        try:
            return replace(item, expected=tuple(fill_ids(list(item.expected), None, self.created)))
        except KeyError:  # not created: the write itself is refused with the reason
            return item

    def classify(self, item: PlanItem, fresh: _Fresh) -> bool:
        """True when the item is to be written now; otherwise its result is recorded."""
        verdict = self.verdict(item, fresh)
        if verdict is None:
            return True
        status, reason = verdict
        self.finish(item, status, reason)
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
                if response.error is None or _written_anyway(item, response.error):
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
        fresh = await self.read_states(items)
        for item in items:
            why = _verified(self.with_ids(item), fresh[item.key], self.record_of(item))
            sent = len(item.requests)
            self.finish(item, ItemStatus.APPLIED if why is None else ItemStatus.FAILED, why or "", sent)

    async def wave(self, items: Sequence[PlanItem]) -> None:
        objects = [i for i in items if is_object_item(i)]
        others = []
        for item in items:
            if is_object_item(item):
                continue
            # An assignment may name an object created in an earlier stage (a group made first).
            try:
                requests = tuple(filled(r, item.object.id, self.created) for r in item.requests)
            except KeyError as missing:
                reason = f"not written: the object it refers to ({missing.args[0]}) was not created"
                self.finish(item, ItemStatus.FAILED, reason)
                continue
            others.append(replace(self.with_ids(item), requests=requests))
        await asyncio.gather(self.object_wave(objects), self.assignment_wave(others))

    async def object_wave(self, items: Sequence[PlanItem]) -> None:
        """Creates and updates: check, wait for the write window, write in order, read back."""
        if not items:
            return
        items = [self.with_ids(i) for i in items]  # earlier stages' ids in the expected assignments
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
        fresh = await self.read_states(items)
        ready = [i for i in items if self.classify(i, fresh[i.key])]
        if ready and await self.window.admit(sum(len(i.requests) for i in ready)):
            # Waited for Intune's write window: read again, so the check stays just before the write.
            fresh = await self.read_states(ready)
            ready = [i for i in ready if self.classify(i, fresh[i.key])]
        if not ready:
            return
        written = await self.write(ready)
        if written:
            await self.verify(written)


def _reads_assignments(record: ResourceType) -> bool:
    """Whether the type's assignments are read at ``{id}/assignments`` (the backup keeps them)."""
    return record.assignments in (AssignmentRead.LIST_EXPAND, AssignmentRead.PER_ITEM)


def _assignments_path(record: ResourceType, item: PlanItem) -> str:
    if item.operation == Operation.ASSIGN:
        return item.precondition.read_path
    return f"{record.path}/{item.object.id}/assignments"


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
    plan: Plan,
    items: Sequence[PlanItem],
    objects: Mapping[str, _Fresh],
    fresh: Mapping[str, _Fresh],
    children: Mapping[str, Mapping[str, Any]] | None = None,
) -> Snapshot:
    """The objects about to change, as read just now, in the snapshot format: each with its
    assignments (where the type has them), an object about to be deleted with its child settings,
    a group whose members change with its members.

    Each type is marked partial: the backup holds only the touched objects, never the whole type.
    """
    by_type: dict[str, dict[str, dict[str, Any]]] = {}
    for item in items:
        obj = objects[item.key].obj
        state = fresh[item.key]
        if obj is None:
            continue
        entry = {**obj, **(children or {}).get(item.key, {})}
        if item.operation in _MEMBER_OPS:
            entry["members"] = [{"id": m} for m in sorted(state.members or ())]
        elif state.assignments is not None:
            entry["assignments"] = state.assignments
        by_type.setdefault(item.object.type_key, {})[item.object.id] = entry
    return Snapshot(
        tenant=TenantInfo(plan.tenant_id, plan.tenant_domain, plan.tenant_domain),
        source="graph",
        taken_at=datetime.now(UTC),
        objects={k: list(v.values()) for k, v in by_type.items()},
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
    fresh = await applier.read_states(existing)
    touched = [i for i in existing if applier.verdict(i, fresh[i.key]) is None]
    assigned = [i for i in touched if i.operation in _OBJECT_OPS and _reads_assignments(catalog[i.object.type_key])]
    objects, extra, (children, unread) = await asyncio.gather(
        applier.read_objects([i for i in touched if i.operation not in _OBJECT_OPS]),
        applier.read_assignments(assigned),
        applier.read_children([i for i in touched if i.operation == Operation.DELETE]),
    )
    for key, read in extra.items():
        if read.error is not None:
            unread.setdefault(key, write_failure(catalog[key.split("/")[0]], read.error, reading=True))
    # An object is deleted only once the backup holds all of it (settings and assignments).
    for item in [i for i in touched if i.operation == Operation.DELETE and i.key in unread]:
        applier.finish(
            item, ItemStatus.FAILED, f"not deleted: it couldn't all be read for the backup: {unread[item.key]}"
        )
    touched = [i for i in touched if not (i.operation == Operation.DELETE and i.key in unread)]
    objects = {**objects, **{i.key: fresh[i.key] for i in touched if i.operation in _OBJECT_OPS}}
    states = {**fresh, **{k: _Fresh(assignments=v.assignments) for k, v in extra.items() if v.error is None}}
    backup = backup_snapshot(plan, touched, objects, states, children) if touched else None
    if on_backup is not None and backup is not None:
        await on_backup(backup)
    items = [i for i in items if i.key not in applier.results]
    # Stage by stage: objects later items refer to ({new:key}) are created first.
    for stage in sorted({i.stage for i in items}):
        chosen = [i for i in items if i.stage == stage]
        applier.lists = await read_lists(chosen, graph, applier.record_of, since=plan.read_at)
        waves = [chosen[i : i + WAVE_SIZE] for i in range(0, len(chosen), WAVE_SIZE)]
        await asyncio.gather(*(applier.wave(w) for w in waves))
    return ApplyReport(tuple(applier.results[i.key] for i in plan.items), backup)
