"""Tenant → Snapshot: read every catalog type through the Graph client, concurrently.

Each type is paged through $batch (see ``batching``); children and per-item reads start as soon
as the page holding their parent arrives, so wall time follows the longest dependency chain or
the throttling limit, whichever is larger. Every failure is kept in the snapshot with its reason.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import quote, urlencode

from intune_assistant.analyses.settings import SETTINGS_POLICY_TYPES, referenced_definitions
from intune_assistant.catalog import AssignmentRead, Catalog, Child, ResourceType
from intune_assistant.graph import BatchRequest, GraphClient, GraphError, GraphResponse
from intune_assistant.snapshot import (
    Names,
    Snapshot,
    TenantInfo,
    TypeResult,
    TypeStatus,
    referenced_group_ids,
    resolve_names,
)

from .batching import BatchCoalescer

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
    error: str | None = None
    child_errors: list[str] = field(default_factory=list)
    requests: int = 0


def describe_failure(record: ResourceType, error: GraphError | None, status: int) -> str:
    """A sentence naming what failed and, for 401/403, the scope or role that is missing."""
    if error is None:
        return f"{status}: unexpected response"
    text = error.describe()
    if error.status == 403 and record.read_scope not in text:
        text += f" (reading {record.label} needs {record.read_scope})"
    return text


def _query(url: str, params: dict[str, str]) -> str:
    return f"{url}?{urlencode(params, safe='$,()')}" if params else url


class _Collector:
    def __init__(
        self,
        client: GraphClient,
        catalog: Catalog,
        progress: CollectProgress | None,
        clock: Callable[[], float],
    ) -> None:
        self.client = client
        self.catalog = catalog
        self.progress = progress
        self.clock = clock
        self.coalescers = {v: BatchCoalescer(client, v) for v in ("beta", "v1.0")}

    async def get(self, run: _TypeRun, url: str, priority: int = 0) -> GraphResponse:
        run.requests += 1
        return await self.coalescers[run.record.api_version].get(url, priority)

    async def pages(
        self,
        run: _TypeRun,
        url: str,
        on_page: Callable[[list[dict[str, Any]]], None] | None = None,
        priority: int = 0,
    ) -> tuple[list[dict[str, Any]], GraphResponse | None]:
        """All items behind ``url`` following nextLinks; the failing response if a page failed."""
        items: list[dict[str, Any]] = []
        seen: set[str] = set()
        next_url: str | None = url
        while next_url and next_url not in seen:  # Graph once looped a nextLink: stop, don't spin
            seen.add(next_url)
            response = await self.get(run, next_url, priority)
            if not response.ok or not isinstance(response.body, dict):
                return items, response
            page = [v for v in response.body.get("value", []) if isinstance(v, dict)]
            items.extend(page)
            if on_page:
                on_page(page)
            link = response.body.get("@odata.nextLink")
            next_url = link if isinstance(link, str) else None
        return items, None

    async def read_type(self, record: ResourceType) -> tuple[list[dict[str, Any]], TypeResult]:
        run = _TypeRun(record, self.clock())
        if self.progress:
            self.progress.type_started(record)
        pending: list[asyncio.Task[None]] = []

        def start_items(page: list[dict[str, Any]]) -> None:
            # Per-item work starts now, while later pages are still on their way.
            pending.extend(asyncio.create_task(self.complete_item(run, item)) for item in page)

        # List pages are the chain everything else waits on: they go ahead of per-item reads.
        items, failed = await self.pages(run, _query(record.path, record.list_params()), start_items, priority=1)
        await asyncio.gather(*pending)
        if failed is not None:
            reason = describe_failure(record, failed.error, failed.status)
            run.error = reason if not items else f"stopped after {len(items)} objects: {reason}"
        run.items = items
        return items, self.result(run, failed is not None and not items)

    def result(self, run: _TypeRun, failed: bool) -> TypeResult:
        if failed:
            status = TypeStatus.FAILED
        elif run.error or run.child_errors:
            status = TypeStatus.PARTIAL
        else:
            status = TypeStatus.OK
        result = TypeResult(
            key=run.record.key,
            status=status,
            count=len(run.items),
            duration_s=round(self.clock() - run.started, 3),
            requests=run.requests,
            error=run.error,
            child_errors=run.child_errors,
        )
        if self.progress:
            self.progress.type_finished(run.record, result)
        return result

    async def complete_item(self, run: _TypeRun, item: dict[str, Any]) -> None:
        """Per-item reads: detail fields, /assignments, and child navigations."""
        record = run.record
        item_id = item.get("id")
        if not isinstance(item_id, str):
            return
        base = f"{record.path}/{quote(item_id, safe='')}"
        name = item.get(record.name_field) or item_id
        jobs = [self.read_child(run, item, base, child, name) for child in record.children]
        if record.assignments is AssignmentRead.PER_ITEM:
            jobs.append(self.read_child(run, item, base, Child("assignments"), name))
        if record.read_item_for_detail:
            jobs.append(self.read_detail(run, item, base, name))
        await asyncio.gather(*jobs)

    async def read_detail(self, run: _TypeRun, item: dict[str, Any], base: str, name: object) -> None:
        response = await self.get(run, base)
        if response.ok and isinstance(response.body, dict):
            for key, value in response.body.items():
                item.setdefault(key, value)
        else:
            reason = describe_failure(run.record, response.error, response.status)
            run.child_errors.append(f"details of {name!r}: {reason}")

    async def read_child(self, run: _TypeRun, item: dict[str, Any], base: str, child: Child, name: object) -> None:
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
        values, failed = await self.pages(run, _query(url, params))
        item[child.name] = values
        if failed is not None:
            reason = describe_failure(run.record, failed.error, failed.status)
            run.child_errors.append(f"{child.name} of {name!r}: {reason}")
        grand_jobs = [
            self.read_child(run, value, f"{url}/{quote(value['id'], safe='')}", grand, name)
            for value in values
            if isinstance(value.get("id"), str)
            for grand in child.children
        ]
        await asyncio.gather(*grand_jobs)

    async def read_definitions(
        self, policy_reads: dict[str, asyncio.Future[tuple[list[dict[str, Any]], TypeResult]]]
    ) -> tuple[dict[str, dict[str, Any]], str | None]:
        """The definitions the settings-catalog policies use (one GET, once their types are read)."""
        objects = {key: (await read)[0] for key, read in policy_reads.items()}
        if not any(objects.values()):
            return {}, None
        response = await self.coalescers["beta"].get(SETTING_DEFINITIONS_PATH)
        if not response.ok or not isinstance(response.body, dict):
            error = response.error.describe() if response.error else f"{response.status}: unexpected response"
            return {}, f"setting names could not be read: {error}"
        catalogue = [d for d in response.body.get("value", []) if isinstance(d, dict)]
        return referenced_definitions(catalogue, objects), None

    async def resolve_missing_groups(self, objects: dict[str, list[dict[str, Any]]], names: Names) -> str | None:
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
                error = response.error.describe() if response.error else str(response.status)
                return f"group names could not be resolved: {error}"
            for found in response.body.get("value", []):
                if isinstance(found, dict) and isinstance(found.get("id"), str):
                    names.groups[found["id"]] = str(found.get("displayName") or found["id"])
        names.unresolved_groups.update(gid for gid in missing if gid not in names.groups)
        return None

    async def close(self) -> None:
        for coalescer in self.coalescers.values():
            await coalescer.aclose()


async def collect(
    client: GraphClient,
    catalog: Catalog,
    tenant: TenantInfo,
    *,
    types: Iterable[str] | None = None,
    progress: CollectProgress | None = None,
    source: str = "graph",
    clock: Callable[[], float] = time.monotonic,
) -> Snapshot:
    """Read ``types`` (default: every type the catalog collects) into a new Snapshot.

    Types are read concurrently; a type that fails is in the snapshot as failed with its reason,
    a type that failed half-way as partial. Group, filter and scope-tag names are resolved.
    """
    records = catalog.select(list(types)).records if types is not None else catalog.collected()
    collector = _Collector(client, catalog, progress, clock)
    taken_at = datetime.now(UTC)
    reads = {r.key: asyncio.ensure_future(collector.read_type(r)) for r in records}
    definitions_read = asyncio.ensure_future(
        collector.read_definitions({k: t for k, t in reads.items() if k in SETTINGS_POLICY_TYPES})
    )
    try:
        outcomes = await asyncio.gather(*reads.values())
        definitions, definitions_error = await definitions_read
        objects = {r.key: items for r, (items, _) in zip(records, outcomes, strict=True)}
        results = {r.key: result for r, (_, result) in zip(records, outcomes, strict=True)}
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
    )
    if definitions_error:
        first = next(k for k in SETTINGS_POLICY_TYPES if k in results)
        results[first].child_errors.append(definitions_error)
    if names_error and "groups" in results:
        results["groups"].child_errors.append(names_error)
    return snapshot
