"""Intune's audit log for the last days, read live as the signed-in user (never stored).

Pages read it at most once a minute per range. After the first read of a range, a newer minute
reads only the events since the previous read (less an overlap for events Intune records late)
and merges them by id, so a page that crosses a minute does not wait for 30 days of events again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import Request

from intune_assistant.graph.models import ListResult

from .context import web_state
from .identity_api import OboTokenProvider
from .tenant_data import TenantData

__all__ = ["AUDIT_WINDOW_DAYS", "audit_events_of_this_minute", "recent_audit_events"]

# How far back pages read the audit log (the admin center's default view is the last 30 days too).
AUDIT_WINDOW_DAYS = 30
# A newer read starts this long before the previous one: an event Intune records a little late,
# with an earlier activityDateTime, is still read.
LATE_EVENTS = timedelta(minutes=15)


def _stamp(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


async def recent_audit_events(
    request: Request, data: TenantData, days: int = AUDIT_WINDOW_DAYS, *, since: datetime | None = None
) -> ListResult:
    """Every audit event of the last ``days`` days, or since ``since`` (``error`` set when Graph refused or failed)."""
    state = web_state(request)
    record = state.catalog["auditEvents"]
    provider = OboTokenProvider(state.obo, data.api_token, data.principal)
    start = since if since is not None else datetime.now(UTC) - timedelta(days=days)
    async with state.policies.graph_client(provider, (record.read_scope,)) as client:
        params = {"$filter": f"activityDateTime gt {_stamp(start)}"}
        return await client.list_all(record.path, version=record.api_version, params=params)


@dataclass
class _Unread(Exception):
    """A read Graph refused or failed: raised so the generation's cache does not keep it."""

    result: ListResult


@dataclass
class _LastReads:
    """Per range, when the newest complete read started and what it held (this collection's memory only)."""

    reads: dict[int, tuple[datetime, list[dict[str, Any]]]] = field(default_factory=dict)


def _when(event: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(str(event.get("activityDateTime") or "").replace("Z", "+00:00"))
    except ValueError:
        return None


def merged_events(newer: list[dict[str, Any]], older: list[dict[str, Any]], start: datetime) -> list[dict[str, Any]]:
    """The newer read's events, then the older read's not read again and still inside the range."""
    seen = {str(e.get("id")) for e in newer}
    kept = [e for e in older if str(e.get("id")) not in seen and ((when := _when(e)) is None or when > start)]
    return newer + kept


async def audit_events_of_this_minute(request: Request, data: TenantData, days: int = AUDIT_WINDOW_DAYS) -> ListResult:
    """The audit events of the last ``days`` days, read from Graph at most once a minute per range.

    Kept with this user's collection (never on disk), so every page that reads the audit log —
    Audit's paging and filters, Roles' "only ever read" finding — shares one read. A refused or
    failed read is not kept: the next request asks Graph again.
    """
    derived = data.inventory.derived
    now = datetime.now(UTC)
    minute = now.replace(second=0, microsecond=0)
    last = derived.holder("audit reads", _LastReads)

    async def read() -> ListResult:
        previous = last.reads.get(days)
        since = previous[0] - LATE_EVENTS if previous is not None else None
        result = await recent_audit_events(request, data, days, since=since)
        if result.error is not None:
            raise _Unread(result)
        start = now - timedelta(days=days)
        items = result.items if previous is None else merged_events(result.items, previous[1], start)
        last.reads[days] = (now, items)
        return ListResult(items, result.pages)

    try:
        return await derived.fetched("audit events", (days, minute), read)
    except _Unread as unread:
        return unread.result
