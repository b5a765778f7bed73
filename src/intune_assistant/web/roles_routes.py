"""The Roles page and its JSON: Intune roles and Entra directory roles, who can do what, findings.

The roles come from the tenant's one collection; whether Intune Administrators only read comes
from Intune's audit log of the last 30 days, read live as the signed-in user at most once a minute
(kept in memory with the user's collection, never stored). A partner technician signed in
through GDAP sees their own GDAP roles as such. The report is kept per snapshot generation and
audit state, so paging and sorting do not recompute it.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from intune_assistant.analyses.roles import (
    AuditLog,
    FindingKind,
    Grant,
    RbacReport,
    Status,
    rbac_report,
    technician_grants,
)
from intune_assistant.snapshot import Snapshot

from . import api_models
from .audit_log import AUDIT_WINDOW_DAYS, audit_events_of_this_minute
from .derived import Analysis, Derived
from .listing import Column, Facet, Listing, Table
from .module_off import module_off
from .templating import render
from .tenant_data import ApiData, FileData, PageData, TenantData

router = APIRouter()
api_router = APIRouter()
"""This feature's JSON API routes (mounted under ``/api/v1`` by ``api_v1``)."""

# Where roles are held: without these read, a user's roles are unknown (not "none").
_HOLDING_TYPES = ("roleAssignments", "directoryRoles", "groups")

GRANTS: Listing[Grant] = Listing(
    view="roles",
    path="/roles",
    columns=(
        Column("account", "Account", lambda g: g.account),
        Column("role", "Role", lambda g: g.role),
        Column("source", "Source", lambda g: g.source.value),
        Column("via", "Through", lambda g: g.via),
        Column("scope", "Scope", lambda g: g.scope),
        Column("tags", "Scope tags", lambda g: ", ".join(g.scope_tags)),
    ),
    default_sort="account",
    facets=(
        Facet("source", "Source", lambda g: (g.source.value,), any_label="All sources"),
        Facet("role", "Role", lambda g: (g.role,), any_label="All roles"),
    ),
    noun="roles held",
)


async def roles_report(request: Request, data: TenantData) -> tuple[RbacReport, Table[Grant]]:
    """The report for this user: the generation's roles, today's audit log, the user's GDAP roles."""
    events = await audit_events_of_this_minute(request, data)
    covers = f"the last {AUDIT_WINDOW_DAYS} days"
    if events.error is not None:
        error = events.error
        unread = f"the Intune audit log could not be read (Graph answered {error.status or 'nothing'}, {error.code})"
        audit = None
    else:
        unread, audit = "", AuditLog(events.items, covers)
    principal = data.principal
    gdap = (
        technician_grants(principal.username or principal.display_name, principal.user_key, principal.roles)
        if principal.is_partner_technician
        else None
    )
    last = str(events.items[-1].get("id")) if events.items else ""
    key = (audit is not None, len(events.items), last, principal.is_partner_technician, principal.user_key)

    def compute() -> tuple[RbacReport, Table[Grant]]:
        report = rbac_report(
            data.snapshot, audit=audit, gdap=gdap, audit_unread=unread or "the Intune audit log wasn't read"
        )
        return report, Table(GRANTS, list(report.grants))

    return await data.answer("roles", key, compute)


@router.get("/roles", name="roles", response_class=HTMLResponse)
async def roles_page(request: Request, data: PageData) -> Response:
    """Roles: findings first, then the Intune role assignments, then who can do what."""
    report, table = await roles_report(request, data)
    page = table.page(table.listing.state(request.query_params))
    result = data.snapshot.results.get("roleDefinitions")
    reason = (result.error if result is not None else None) or "Intune roles are not in this snapshot"
    off = module_off(request, data.principal, data.record.module_names, "intune-roles", reason)
    context = {
        "off": off,
        "domain": data.domain,
        "report": report,
        "table": table,
        "page": page,
        "kinds": FindingKind,
        "statuses": Status,
        "window": AUDIT_WINDOW_DAYS,
        "nav": "roles",
    }
    return render(request, "roles.html", context)


@router.get("/roles.csv", name="roles_csv")
async def roles_export(request: Request, data: FileData) -> Response:
    """Every role held that matches the search and menus, every visible column."""
    _, table = await roles_report(request, data)
    return table.csv(table.listing.state(request.query_params), data.domain)


@api_router.get("/roles", response_model=api_models.Roles)
async def api_roles(request: Request, data: ApiData) -> JSONResponse:
    """The whole report as JSON: roles, assignments, grants, findings, what could not be read."""
    report, _ = await roles_report(request, data)
    return JSONResponse({"status": "ready", "tenant": data.domain, **report.as_json()})


def _roles_of_snapshot(derived: Derived) -> RbacReport:
    return rbac_report(derived.snapshot, catalog=derived.catalog)


ROLES_OF_SNAPSHOT: Analysis[RbacReport] = Analysis("roles of the snapshot", _roles_of_snapshot)
"""Roles from the collection alone (no audit log, no GDAP): what Troubleshoot shows per user."""


@dataclass(frozen=True)
class UserRoles:
    """The roles one user holds (Intune role assignments and Entra roles), or why that is unknown."""

    grants: tuple[Grant, ...]
    unread: tuple[str, ...]


def user_roles(report: RbacReport, snapshot: Snapshot, user: str) -> UserRoles | None:
    """The roles of the user Troubleshoot asks about (by UPN, name or id); None when no user matches."""
    wanted = user.strip().casefold()
    if not wanted:
        return None
    ids = {
        str(u["id"])
        for u in snapshot.read_objects("users") or ()
        if wanted in {str(u.get(k) or "").casefold() for k in ("id", "userPrincipalName", "displayName")}
    }
    if not ids:
        return None
    unread = tuple(f"{g.label}: {g.reason}" for g in report.gaps if g.type_key in _HOLDING_TYPES)
    return UserRoles(tuple(g for g in report.grants if g.account_id in ids), unread)
