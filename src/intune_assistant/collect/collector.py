"""Tenant → Snapshot: read every catalog type through the Graph client, concurrently.

Each type is paged through $batch (see ``batching``); children and per-item reads start as soon
as the page holding their parent arrives, so wall time follows the longest dependency chain or
the throttling limit, whichever is larger. Every failure is kept in the snapshot with its reason.
Records that share a list (device configurations and update rings) are read once and split by
``@odata.type``.

A refresh (``previous``) reads only what changed where Graph lets it (``changes``): types with a
delta query (groups, users, Entra devices) continue from the previous round's deltaLink; Intune's audit log since the
previous collection names the objects writes touched; lists Graph orders by
``lastModifiedDateTime`` are read newest first down to what the previous snapshot had (and at least
down to where the audit log's window begins), and of the touched objects not among those pages
only the assignments are read again (a 404: deleted; nothing when the log records the deletion).
Other lists are read again, and an item's per-item reads (children, details, ``/assignments``) are repeated only when
its ``lastModifiedDateTime`` or ``version`` changed or the audit log names it. When the audit log
cannot be read, Intune's types are read in full, as a first collection reads them, and their
results say why.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import quote, urlencode

from intune_assistant.analyses.settings import (
    SETTINGS_POLICY_TYPES,
    referenced_definition_ids,
    referenced_definitions,
)
from intune_assistant.catalog import AssignmentRead, Catalog, Child, ResourceType
from intune_assistant.catalog.modules import module_words, optional_module_of
from intune_assistant.graph import BatchRequest, GraphClient, GraphError, GraphResponse, ListResult
from intune_assistant.snapshot import (
    DEFINITIONS_PART,
    DETAILS_PART,
    GROUP_NAMES_PART,
    Names,
    Problem,
    ProblemKind,
    Snapshot,
    TenantInfo,
    TypeResult,
    TypeStatus,
    referenced_group_ids,
    resolve_names,
)

from .batching import BatchCoalescer
from .changes import (
    AUDIT_OVERLAP,
    AUDIT_PATH,
    AuditChanges,
    NewestFirst,
    audit_query,
    deleted_objects,
    is_audited,
    newest_modified,
    touched_ids,
)
from .delta import apply_delta, name_members
from .problems import problem_from
from .shared_lists import record_of, sharing_groups

GET_BY_IDS_LIMIT = 1000
# The settings-catalog definition catalogue: one unpaged GET returns all of it (beta only).
SETTING_DEFINITIONS_PATH = "deviceManagement/configurationSettings"


class CollectProgress(Protocol):
    """Told when each type starts and finishes (the CLI draws a progress bar from it)."""

    def type_started(self, record: ResourceType) -> None:
        """``record`` is being read."""

    def type_finished(self, record: ResourceType, result: TypeResult) -> None:
        """``record`` is done; ``result`` says how it went."""


@dataclass
class _TypeRun:
    record: ResourceType
    started: float
    items: list[dict[str, Any]] = field(default_factory=list)
    problem: Problem | None = None
    child_problems: list[Problem] = field(default_factory=list)
    requests: int = 0
    # The previous snapshot's objects of this type by id (a refresh of a completely read type).
    previous: dict[str, dict[str, Any]] | None = None
    # Objects kept (in part) from ``previous`` instead of read anew.
    reused: int = 0
    # What the audit log says changed (a refresh of an Intune type), else None.
    audit: AuditChanges | None = None
    # Why a refresh read this type in full although the previous snapshot had it complete.
    full_read_reason: str | None = None

    def touched(self, item_id: str) -> bool:
        """Whether the audit log names ``item_id`` (True when the log could not be read)."""
        return self.audit is None or not self.audit.ok or item_id in self.audit.touched


@dataclass
class _Listed:
    """A list as read: every page, or (``newest_only``) the pages newer than the previous snapshot."""

    result: ListResult
    newest_only: bool = False


# Fields that change whenever Intune changes an object; an item whose markers are unchanged kept
# its children and detail fields.
_CHANGE_MARKERS = ("lastModifiedDateTime", "version")
_NEWEST_FIRST = "lastModifiedDateTime desc"


def _unchanged(before: dict[str, Any], item: dict[str, Any]) -> bool:
    markers = [m for m in _CHANGE_MARKERS if item.get(m) is not None]
    return bool(markers) and all(before.get(m) == item.get(m) for m in markers)


def _markers_moved(before: dict[str, Any], item: dict[str, Any]) -> bool:
    return any(before.get(m) != item.get(m) for m in _CHANGE_MARKERS if item.get(m) is not None)


def _reads_per_item(record: ResourceType) -> bool:
    """Whether each object needs reads of its own besides the list (children, detail fields)."""
    return record.read_item_for_detail or any(not c.from_list_expand for c in record.children)


def _could_keep(record: ResourceType) -> bool:
    """Whether a refresh with the audit log read could keep some of ``record``'s reads."""
    return record.modified_order or _reads_per_item(record) or record.assignments is AssignmentRead.PER_ITEM


def _query(url: str, params: dict[str, str]) -> str:
    return f"{url}?{urlencode(params, safe='$,()')}" if params else url


def _from_now(record: ResourceType) -> dict[str, str]:
    """A delta request that answers no objects and a deltaLink for now (delta-query-overview.md)."""
    return {"$select": record.delta_select or "", "$deltatoken": "latest"}


class _Collector:
    def __init__(
        self,
        client: GraphClient,
        catalog: Catalog,
        progress: CollectProgress | None,
        clock: Callable[[], float],
        previous: Snapshot | None = None,
        sharing: dict[str, tuple[ResourceType, ...]] | None = None,
    ) -> None:
        self.client = client
        self.catalog = catalog
        self.progress = progress
        self.clock = clock
        self.previous = previous
        self.coalescers = {v: BatchCoalescer(client, v) for v in ("beta", "v1.0")}
        self.delta_links: dict[str, str] = {}
        self.sharing = sharing or {}
        self.shared_lists: dict[str, asyncio.Future[_Listed]] = {}
        self.audit: asyncio.Future[AuditChanges] | None = None

    def previous_items(self, record: ResourceType) -> dict[str, dict[str, Any]] | None:
        """The previous snapshot's objects of ``record`` by id, when it read them completely."""
        if self.previous is None or self.previous.status_of(record.key) is not TypeStatus.OK:
            return None
        items = self.previous.read_objects(record.key) or []
        return {str(obj["id"]): obj for obj in items if isinstance(obj.get("id"), str)}

    def start_audit(self, since: datetime) -> None:
        """Read the audit log since ``since`` (once; the Intune types of a refresh wait for it)."""
        self.audit = asyncio.ensure_future(self.read_audit(since))

    async def read_audit(self, since: datetime) -> AuditChanges:
        record = self.catalog["auditEvents"]
        run = _TypeRun(record, self.clock())
        listed = await self.pages(run, _query(AUDIT_PATH, audit_query(since)), priority=1)
        if listed.error is not None:
            return AuditChanges(problem=problem_from(record, listed.error, listed.error.status or 0))
        return AuditChanges(touched=touched_ids(listed.items), deleted=deleted_objects(listed.items))

    async def get(self, run: _TypeRun, url: str, priority: int = 0) -> GraphResponse:
        run.requests += 1
        return await self.coalescers[run.record.api_version].get(url, priority)

    async def pages(
        self,
        run: _TypeRun,
        url: str,
        on_page: Callable[[list[dict[str, Any]]], None] | None = None,
        priority: int = 0,
        stop_after: Callable[[list[dict[str, Any]]], bool] | None = None,
    ) -> ListResult:
        """Every page behind ``url`` through the client's paging (page shapes and nextLinks vetted),
        each page request sent through this version's ``$batch`` coalescer."""
        coalescer = self.coalescers[run.record.api_version]

        async def send(request: BatchRequest) -> GraphResponse:
            run.requests += 1
            return await coalescer.send(request)

        return await self.client.read_pages(
            url,
            version=run.record.api_version,
            priority=priority,
            send=send,
            on_page=on_page,
            stop_after=stop_after,
        )

    async def read_type(self, record: ResourceType) -> tuple[list[dict[str, Any]], TypeResult]:
        run = _TypeRun(record, self.clock(), previous=self.previous_items(record))
        if self.progress:
            self.progress.type_started(record)
        if record.delta_select:
            return await self.read_delta(run)
        if record.singleton:
            return await self.read_singleton(run)
        if run.previous is not None and self.audit is not None and is_audited(record):
            run.audit = await self.audit
            if run.audit.problem is not None and _could_keep(record):
                run.full_read_reason = f"the audit log could not be read ({run.audit.problem.describe()})"
        pending: list[asyncio.Task[None]] = []

        def start_items(page: list[dict[str, Any]]) -> None:
            # Per-item work starts now, while later pages are still on their way.
            pending.extend(asyncio.create_task(self.complete_item(run, item)) for item in page)

        listed = await self.read_list(run, start_items)
        await asyncio.gather(*pending)
        items = listed.result.items
        error = listed.result.error
        if error is not None:
            run.problem = problem_from(record, error, error.status or 0, stopped_after=len(items) if items else None)
        elif listed.newest_only:
            items = await self.with_unlisted(run, items)
        run.items = items
        return items, self.result(run, error is not None and not items)

    async def read_list(self, run: _TypeRun, on_page: Callable[[list[dict[str, Any]]], None]) -> _Listed:
        """The record's list: alone, or its part of a list it shares (read once for the group)."""
        group = self.sharing.get(run.record.key)
        if group is None:
            return await self.read_list_of(run, (run.record,), on_page)
        shared = self.shared_lists.get(group[0].key)
        if shared is None:
            shared = self.shared_lists[group[0].key] = asyncio.ensure_future(self.read_list_of(run, group, None))
        listed = await shared
        mine = [item for item in listed.result.items if record_of(group, item) is run.record]
        if mine:
            on_page(mine)
        result = ListResult(mine, listed.result.pages, listed.result.error)
        return _Listed(result, listed.newest_only)

    async def read_list_of(
        self,
        run: _TypeRun,
        group: tuple[ResourceType, ...],
        on_page: Callable[[list[dict[str, Any]]], None] | None,
    ) -> _Listed:
        """Read the list ``group`` shares: newest first down to the previous snapshot's newest
        change where Graph orders it and the audit log was read, else every page."""
        record = group[0]
        params = record.list_params()
        if len(group) > 1:
            params.pop("$filter", None)
        known = self.known_until(run, group)
        if known is None:
            return _Listed(await self.pages(run, _query(record.path, params), on_page, priority=1))
        params["$orderby"] = _NEWEST_FIRST
        order = NewestFirst(known)
        listed = await self.pages(run, _query(record.path, params), on_page, priority=1, stop_after=order.enough)
        return _Listed(listed, newest_only=order.stopped and listed.error is None)

    def known_until(self, run: _TypeRun, group: tuple[ResourceType, ...]) -> datetime | None:
        """Where a newest-first read of ``group``'s list may stop, when it can stand for reading
        it all (Graph orders it, every record of it was read completely last time, and the audit
        log was read); else None.

        That is the newest change the previous snapshot holds, or the start of the audit log's
        window when that is earlier: every object changed since the window began is then among
        the pages read, so one the log names below them changed only in its assignments (an
        object changed while the previous collection ran may be newer than what that collection
        read of it, and older than its newest change).
        """
        if self.previous is None or run.audit is None or not run.audit.ok or not all(r.modified_order for r in group):
            return None
        previous = [self.previous_items(r) for r in group]
        if any(items is None for items in previous):
            return None
        newest = newest_modified(obj for items in previous if items is not None for obj in items.values())
        window = self.previous.taken_at - AUDIT_OVERLAP
        return None if newest is None else min(newest, window)

    async def with_unlisted(self, run: _TypeRun, listed: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """A newest-first read's items plus the previous objects below its last page: kept as they
        were, dropped when the audit log records their deletion, or — when the log names them
        otherwise — kept with their assignments read again (dropped when Graph no longer has them).
        Below the last page nothing changed since the log's window began (``known_until``)."""
        seen = {item.get("id") for item in listed}
        kept: list[dict[str, Any]] = []
        again: list[dict[str, Any]] = []
        for object_id, before in (run.previous or {}).items():
            if object_id in seen or (run.audit is not None and run.audit.records_deletion(run.record, object_id)):
                continue
            (again if run.touched(object_id) else kept).append(before)
        run.reused += len(kept) + len(again)
        reread = await asyncio.gather(*(self.read_again(run, before) for before in again))
        return [*listed, *kept, *(item for item in reread if item is not None)]

    async def read_again(self, run: _TypeRun, before: dict[str, Any]) -> dict[str, Any] | None:
        """``before`` with its assignments read anew (``/{id}/assignments``: every list Graph
        orders is assignable, a catalog test holds it so); None when Graph no longer has it;
        ``before`` itself (and a problem) when the read failed."""
        base = f"{run.record.path}/{quote(str(before['id']), safe='')}"
        listed = await self.pages(run, f"{base}/assignments")
        if listed.error is not None and listed.error.status == 404:
            return None
        # ``assignments@odata.context`` (from the list's expand) names this object: it stays.
        item = dict(before)
        if listed.error is not None:
            self._item_problem(run, before, "assignments", listed.error, listed.error.status or 0)
        else:
            item["assignments"] = listed.items
        return item

    async def read_singleton(self, run: _TypeRun) -> tuple[list[dict[str, Any]], TypeResult]:
        """A single object (``GET deviceManagement``): one request beside the first list pages; 404
        means the tenant never set it (none, not a failure)."""
        record = run.record
        response = await self.get(run, _query(record.path, record.list_params()), priority=1)
        if response.ok and isinstance(response.body, dict):
            run.items = [{k: v for k, v in response.body.items() if k != "@odata.context"}]
        elif response.status != 404:
            run.problem = problem_from(record, response.error, response.status)
        return run.items, self.result(run, run.problem is not None)

    async def read_delta(self, run: _TypeRun) -> tuple[list[dict[str, Any]], TypeResult]:
        """A type with a delta query: the previous round's deltaLink gives only the changes; without
        one (or when Graph refuses it), a first round gives every object and the next link — or,
        for a ``delta_from_now`` type, the list as usual and a deltaLink from now."""
        record = run.record
        link = self.previous.delta_links.get(record.key) if self.previous and run.previous is not None else None
        first = _query(f"{record.path}/delta", {"$select": record.delta_select or ""})
        listed: ListResult | None = None
        if link is not None:
            listed = await self.pages(run, link, priority=1)
            if listed.error is not None and not listed.items:
                # An expired or unknown token: start again, which reads everything.
                link, listed = None, None
        delta_link: str | None = None
        if listed is not None:
            delta_link = listed.delta_link
        elif record.delta_from_now:
            # The deltaLink is taken before the list is read, so a change made meanwhile is in
            # both or in the next round: never lost.
            started = await self.pages(run, _query(f"{record.path}/delta", _from_now(record)), priority=1)
            listed = await self.pages(run, _query(record.path, record.list_params()), priority=1)
            delta_link = started.delta_link if started.error is None else None
        else:
            listed = await self.pages(run, first, priority=1)
            delta_link = listed.delta_link
        base = list(run.previous.values()) if link is not None and run.previous is not None else []
        tracks_members = "members" in (record.delta_select or "").split(",")
        items = apply_delta(base, listed.items, members=tracks_members)
        run.reused = len(base)
        if listed.error is not None:
            run.problem = problem_from(
                record, listed.error, listed.error.status or 0, stopped_after=len(items) if items else None
            )
        elif delta_link is not None:
            self.delta_links[record.key] = delta_link
        run.items = items
        return items, self.result(run, listed.error is not None and not items)

    def result(self, run: _TypeRun, failed: bool) -> TypeResult:
        if failed:
            status = TypeStatus.FAILED
        elif run.problem or run.child_problems:
            status = TypeStatus.PARTIAL
        else:
            status = TypeStatus.OK
        result = TypeResult(
            key=run.record.key,
            status=status,
            count=len(run.items),
            duration_s=round(self.clock() - run.started, 3),
            requests=run.requests,
            problem=run.problem,
            child_problems=run.child_problems,
            read_in_full=run.reused == 0,
            full_read_reason=run.full_read_reason if run.reused == 0 else None,
        )
        if self.progress:
            self.progress.type_finished(run.record, result)
        return result

    async def complete_item(self, run: _TypeRun, item: dict[str, Any], *, touched: bool = False) -> None:
        """Per-item reads: detail fields, /assignments, and child navigations.

        In a refresh an item keeps its children and details from the previous snapshot when its
        change markers are unchanged (or, with the audit log read, when they did not move and the
        log does not name it), and its ``/assignments`` when the audit log was read and does not
        name it either: Graph does not document that assigning changes ``lastModifiedDateTime``.
        """
        record = run.record
        item_id = item.get("id")
        if not isinstance(item_id, str):
            return
        base = f"{record.path}/{quote(item_id, safe='')}"
        before = run.previous.get(item_id) if run.previous is not None else None
        quiet = before is not None and not touched and not run.touched(item_id) and not _markers_moved(before, item)
        same = before is not None and not touched and (_unchanged(before, item) or quiet)
        per_item = _reads_per_item(record)
        jobs = []
        kept = False
        if per_item and same and before is not None and self.keep(record, before, item):
            kept = True
        else:
            jobs = [self.read_child(run, item, base, child) for child in record.children]
            if record.read_item_for_detail:
                jobs.append(self.read_detail(run, item, base))
        if record.assignments is AssignmentRead.PER_ITEM and "assignments" not in item:
            if quiet and before is not None and isinstance(before.get("assignments"), list):
                item["assignments"] = before["assignments"]
                kept = True
            else:
                jobs.append(self.read_child(run, item, base, Child("assignments")))
        run.reused += kept
        await asyncio.gather(*jobs)

    @staticmethod
    def keep(record: ResourceType, before: dict[str, Any], item: dict[str, Any]) -> bool:
        """Give an unchanged ``item`` its children and detail fields from ``before``; False (and
        nothing kept) when ``before`` lacks one of them."""
        children = [c.name for c in record.children if not c.from_list_expand]
        if any(name not in before for name in children):
            return False
        for name in children:
            item[name] = before[name]
        if record.read_item_for_detail:
            for key, value in before.items():
                item.setdefault(key, value)
        return True

    def _item_problem(
        self, run: _TypeRun, item: dict[str, Any], part: str, error: GraphError | None, status: int
    ) -> None:
        name = item.get(run.record.name_field)
        run.child_problems.append(
            problem_from(
                run.record,
                error,
                status,
                part=part,
                object_id=str(item.get("id")),
                object_name=name if isinstance(name, str) and name else None,
            )
        )

    async def read_detail(self, run: _TypeRun, item: dict[str, Any], base: str) -> None:
        response = await self.get(run, base)
        if response.ok and isinstance(response.body, dict):
            for key, value in response.body.items():
                item.setdefault(key, value)
        else:
            self._item_problem(run, item, DETAILS_PART, response.error, response.status)

    async def read_child(
        self, run: _TypeRun, item: dict[str, Any], base: str, child: Child, owner: dict[str, Any] | None = None
    ) -> None:
        """Read ``child`` of ``item`` (and its grandchildren); failures are the ``owner`` object's."""
        if child.from_list_expand:
            return
        params: dict[str, str] = {}
        if child.expand:
            params["$expand"] = child.expand
        if child.select:
            params["$select"] = child.select
        if child.top:
            params["$top"] = str(child.top)
        url = f"{base}/{child.name}"
        listed = await self.pages(run, _query(url, params))
        values = listed.items
        item[child.name] = values
        owner = owner if owner is not None else item
        if listed.error is not None:
            self._item_problem(run, owner, child.name, listed.error, listed.error.status or 0)
        grand_jobs = [
            self.read_child(run, value, f"{url}/{quote(value['id'], safe='')}", grand, owner)
            for value in values
            if isinstance(value.get("id"), str)
            for grand in child.children
        ]
        await asyncio.gather(*grand_jobs)

    async def read_definitions(
        self, policy_reads: dict[str, asyncio.Future[tuple[list[dict[str, Any]], TypeResult]]]
    ) -> tuple[dict[str, dict[str, Any]], Problem | None]:
        """The definitions the settings-catalog policies use (read once their types are read).

        A refresh keeps the previous snapshot's definitions when they hold every one the policies
        use now (the catalogue is one large answer, and Microsoft changes it rarely).
        """
        objects = {key: (await read)[0] for key, read in policy_reads.items()}
        if not any(objects.values()):
            return {}, None
        if self.previous is not None and self.previous.setting_definitions:
            known = self.previous.setting_definitions
            if all(i in known for i in referenced_definition_ids(objects)):
                return referenced_definitions(known.values(), objects), None
        record = self.catalog[next(iter(policy_reads))]
        # Unpaged on Graph (one answer holds all), but read through the one paging path so a
        # malformed answer is caught like any other page.
        coalescer = self.coalescers["beta"]
        listed = await self.client.read_pages(SETTING_DEFINITIONS_PATH, send=coalescer.send)
        if listed.error is not None:
            return {}, problem_from(record, listed.error, listed.error.status or 0, part=DEFINITIONS_PART)
        return referenced_definitions(listed.items, objects), None

    async def resolve_missing_groups(self, objects: dict[str, list[dict[str, Any]]], names: Names) -> Problem | None:
        """Names for groups referenced but not listed (other tenants' lists, or deleted groups)."""
        missing = sorted(gid for gid in referenced_group_ids(objects, self.catalog) if gid not in names.groups)
        if not missing:
            return None
        for start in range(0, len(missing), GET_BY_IDS_LIMIT):
            chunk = missing[start : start + GET_BY_IDS_LIMIT]
            body = {"ids": chunk, "types": ["group"]}
            response = await self.coalescers["v1.0"].send(
                BatchRequest(
                    method="POST",
                    url="directoryObjects/getByIds",
                    body=body,
                    headers={"Content-Type": "application/json"},
                    idempotent=True,  # a look-up: safe to resend after a 5xx
                )
            )
            if not response.ok or not isinstance(response.body, dict):
                names.unresolved_groups.update(chunk)
                return problem_from(self.catalog["groups"], response.error, response.status, part=GROUP_NAMES_PART)
            for found in response.body.get("value", []):
                if isinstance(found, dict) and isinstance(found.get("id"), str):
                    names.groups[found["id"]] = str(found.get("displayName") or found["id"])
        names.unresolved_groups.update(gid for gid in missing if gid not in names.groups)
        return None

    async def close(self) -> None:
        tasks: list[asyncio.Future[Any]] = [*self.shared_lists.values(), *([self.audit] if self.audit else [])]
        for task in tasks:
            task.cancel()  # no-op when done
        for coalescer in self.coalescers.values():
            await coalescer.aclose()


def _readable(
    records: Sequence[ResourceType], catalog: Catalog, scopes: Sequence[str]
) -> tuple[tuple[ResourceType, ...], dict[str, TypeResult]]:
    """The records the client's scopes may read, and a "not read" result for each of the others.

    A type whose scope the tenant has not turned on (an optional read module that is off) is never
    asked for: Graph would only refuse it, and the snapshot must say why it is missing, not that it
    failed. Without named scopes (a caller whose provider decides) every record is read.
    """
    if not scopes:
        return tuple(records), {}
    granted = frozenset(s.rpartition("/")[2] for s in scopes)
    readable = tuple(r for r in records if r.accepts_read(granted))
    skipped: dict[str, TypeResult] = {}
    for record in records:
        if record in readable:
            continue
        module = optional_module_of(record, catalog)
        what = (
            f"the optional module {module_words(module).title} is off; a tenant administrator can turn it on "
            f"in Tenant settings, which asks for {record.read_scope}"
            if module
            else f"this app does not ask for {record.read_scope}"
        )
        problem = Problem(ProblemKind.MODULE_OFF, what, scope=record.read_scope)
        skipped[record.key] = TypeResult(record.key, TypeStatus.NOT_COLLECTED, 0, 0.0, problem=problem)
    return readable, skipped


async def collect(
    client: GraphClient,
    catalog: Catalog,
    tenant: TenantInfo,
    *,
    types: Iterable[str] | None = None,
    progress: CollectProgress | None = None,
    source: str = "graph",
    clock: Callable[[], float] = time.monotonic,
    previous: Snapshot | None = None,
) -> Snapshot:
    """Read ``types`` (default: every type the catalog collects) into a new Snapshot.

    Types are read concurrently; a type that fails is in the snapshot as failed with its reason,
    a type that failed half-way as partial. Group, filter and scope-tag names are resolved.

    ``previous`` (a snapshot of the same tenant, read with the same catalog) makes this a refresh:
    only what changed is read where Graph lets it (see the module docstring), and each type's
    ``TypeResult.read_in_full`` says whether it was read anew or kept unchanged objects. Types that
    were not read completely last time are read in full.
    """
    records = catalog.select(list(types)).records if types is not None else catalog.collected()
    records, skipped = _readable(records, catalog, client.scopes)
    if progress is not None:
        for result in skipped.values():
            progress.type_finished(catalog[result.key], result)
    if previous is not None and previous.tenant.tenant_id != tenant.tenant_id:
        previous = None  # another tenant's objects must never stand in for this one's
    collector = _Collector(client, catalog, progress, clock, previous, sharing_groups(records))
    taken_at = datetime.now(UTC)
    if previous is not None and any(is_audited(r) and previous.status_of(r.key) is TypeStatus.OK for r in records):
        collector.start_audit(previous.taken_at - AUDIT_OVERLAP)
    reads = {r.key: asyncio.ensure_future(collector.read_type(r)) for r in records}
    definitions_read = asyncio.ensure_future(
        collector.read_definitions({k: t for k, t in reads.items() if k in SETTINGS_POLICY_TYPES})
    )
    try:
        outcomes = await asyncio.gather(*reads.values())
        definitions, definitions_error = await definitions_read
        objects = {r.key: items for r, (items, _) in zip(records, outcomes, strict=True)}
        results = {r.key: result for r, (_, result) in zip(records, outcomes, strict=True)}
        objects.update({key: [] for key in skipped})
        results.update(skipped)
        for record in records:
            if record.delta_select and "members" in record.delta_select.split(","):
                name_members(objects[record.key], objects)
        names = resolve_names(objects, catalog)
        names_error = await collector.resolve_missing_groups(objects, names)
    finally:
        for task in (*reads.values(), definitions_read):
            task.cancel()  # no-op when done; stops the rest when one read raised
        await collector.close()
    snapshot = Snapshot(
        tenant=tenant,
        source=source,
        taken_at=taken_at,
        objects=objects,
        results=results,
        names=names,
        setting_definitions=definitions,
        delta_links=collector.delta_links,
    )
    if definitions_error:
        first = next(k for k in SETTINGS_POLICY_TYPES if k in results)
        results[first].child_problems.append(definitions_error)
    if names_error and "groups" in results:
        results["groups"].child_problems.append(names_error)
    return snapshot
