"""Intune's audit log for the last days, read live as the signed-in user (never stored)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fastapi import Request

from intune_assistant.graph.models import ListResult

from .context import web_state
from .identity_api import OboTokenProvider
from .tenant_data import TenantData

__all__ = ["AUDIT_WINDOW_DAYS", "audit_events_of_this_minute", "recent_audit_events"]

# How far back pages read the audit log (the admin center's default view is the last 30 days too).
AUDIT_WINDOW_DAYS = 30


async def recent_audit_events(request: Request, data: TenantData, days: int = AUDIT_WINDOW_DAYS) -> ListResult:
    """Every audit event of the last ``days`` days (``error`` set when Graph refused or failed)."""
    state = web_state(request)
    record = state.catalog["auditEvents"]
    provider = OboTokenProvider(state.obo, data.api_token, data.principal)
    stamp = (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
    async with state.policies.graph_client(provider, (record.read_scope,)) as client:
        params = {"$filter": f"activityDateTime gt {stamp}"}
        return await client.list_all(record.path, version=record.api_version, params=params)


@dataclass
class _Unread(Exception):
    """A read Graph refused or failed: raised so the generation's cache does not keep it."""

    result: ListResult


async def audit_events_of_this_minute(request: Request, data: TenantData, days: int = AUDIT_WINDOW_DAYS) -> ListResult:
    """The audit events of the last ``days`` days, read from Graph at most once a minute per range.

    Kept with this user's collection (never on disk), so every page that reads the audit log —
    Audit's paging and filters, Roles' "only ever read" finding — shares one read. A refused or
    failed read is not kept: the next request asks Graph again.
    """
    minute = datetime.now(UTC).replace(second=0, microsecond=0)

    async def read() -> ListResult:
        result = await recent_audit_events(request, data, days)
        if result.error is not None:
            raise _Unread(result)
        return result

    try:
        return await data.inventory.derived.fetched("audit events", (days, minute), read)
    except _Unread as unread:
        return unread.result
