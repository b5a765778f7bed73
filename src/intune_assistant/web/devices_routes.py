"""The Devices page: managed devices with compliance, hardware and findings (stale, duplicate, not compliant).

Needs the optional read module "Managed devices": while it is off the page says what it would show
and how to turn it on. Search, filters (in the URL), sort, paging and the CSV export run on the
server over every device (``listing``); a device's name opens Troubleshoot for it. Ticked devices
go to a static group through Bulk edits' members plan (``/bulk-edits/review`` → apply): the one
write path, applied only with the Bulk edits module.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from intune_assistant.analyses.devices import DeviceRow, DevicesReport, FindingKind, device_inventory

from . import api_models
from .api_schema import Paging
from .bulk_edits.routes import can_apply
from .context import here
from .derived import Analysis, Derived
from .listing import Column, Facet, Listing, Table
from .module_off import module_off
from .templating import render
from .tenant_data import ApiData, FileData, PageData

router = APIRouter()
api_router = APIRouter()
"""This feature's JSON API routes (mounted under ``/api/v1`` by ``api_v1``)."""
MODULE = "managed-devices"
_GB = 1024**3


def _sync(row: DeviceRow) -> str:
    return f"{row.last_sync:%Y-%m-%d %H:%M} UTC" if row.last_sync else "never"


def _storage(row: DeviceRow) -> str:
    if row.storage_total is None:
        return ""
    free = f"{row.storage_free / _GB:.0f}" if row.storage_free is not None else "?"
    return f"{free} of {row.storage_total / _GB:.0f} GB free"


def _memory(row: DeviceRow) -> str:
    return f"{row.memory / _GB:.0f} GB" if row.memory else ""


def _encrypted(row: DeviceRow) -> str:
    return {True: "Encrypted", False: "Not encrypted", None: ""}[row.encrypted]


DEVICES: Listing[DeviceRow] = Listing(
    view="devices",
    path="/devices",
    columns=(
        Column("name", "Device name", lambda r: r.name),
        Column("os", "OS", lambda r: r.os),
        Column("version", "OS version", lambda r: r.os_version),
        Column("compliance", "Compliance", lambda r: r.compliance),
        Column("ownership", "Ownership", lambda r: r.ownership),
        Column("sync", "Last sync", _sync, lambda r: (r.last_sync is not None, r.last_sync)),
        Column("user", "Primary user", lambda r: r.primary_user),
        Column("profile", "Enrollment profile", lambda r: r.enrollment_profile),
        Column("category", "Category", lambda r: r.category),
        Column("join", "Join type", lambda r: r.join_type),
        Column("model", "Model", lambda r: f"{r.manufacturer} {r.model}".strip()),
        Column("serial", "Serial number", lambda r: r.serial),
        Column("storage", "Storage", _storage, lambda r: (r.storage_free is None, r.storage_free or 0), numeric=True),
        Column("memory", "Memory", _memory, lambda r: r.memory or 0, numeric=True),
        Column("tpm", "TPM", lambda r: r.tpm),
        Column("encryption", "Encryption", _encrypted),
        Column("findings", "Findings", lambda r: r.finding_text, lambda r: (-len(r.findings), r.name.casefold())),
    ),
    default_sort="name",
    facets=(
        Facet("finding", "Finding", lambda r: tuple(f.kind.value for f in r.findings), any_label="Any finding or none"),
        Facet("compliance", "Compliance", lambda r: (r.compliance,), any_label="Any compliance"),
        Facet("os", "OS", lambda r: (r.os,), any_label="Any OS"),
        Facet("ownership", "Ownership", lambda r: (r.ownership,), any_label="Any ownership"),
        Facet("join", "Join type", lambda r: (r.join_type,), any_label="Any join type"),
        Facet("category", "Category", lambda r: (r.category or "(none)",), any_label="Any category"),
    ),
    noun="devices",
)


def _devices(derived: Derived) -> tuple[DevicesReport, Table[DeviceRow]]:
    report = device_inventory(derived.snapshot)
    return report, Table(DEVICES, list(report.rows))


DEVICES_TABLE: Analysis[tuple[DevicesReport, Table[DeviceRow]]] = Analysis("devices", _devices)
"""Every managed device with its findings, as of the collection."""


@router.get("/devices", name="devices", response_class=HTMLResponse)
async def devices_page(request: Request, data: PageData) -> Response:
    """Managed devices: search, filter and page them; stale, duplicate and non-compliant ones named with why."""
    report, table = await data.analysis(DEVICES_TABLE)
    off = None
    if report.unread is not None:
        off = module_off(request, data.principal, data.record.module_names, MODULE, report.unread)
    page = table.page(table.listing.state(request.query_params))
    counts = {kind.value: len(report.with_finding(kind)) for kind in FindingKind}
    context: dict[str, Any] = {
        "domain": data.domain,
        "report": report,
        "off": off,
        "table": table,
        "page": page,
        "counts": counts,
        "can_apply": can_apply(request, data),
        "back": here(request),
        "nav": "devices",
    }
    return render(request, "devices.html", context)


@router.get("/devices.csv", name="devices_csv")
async def devices_export(request: Request, data: FileData) -> Response:
    """Every device matching the search and menus, every visible column."""
    _, table = await data.analysis(DEVICES_TABLE)
    return table.csv(table.listing.state(request.query_params), data.domain)


@api_router.get("/devices", response_model=api_models.Devices)
async def api_devices(request: Request, data: ApiData) -> JSONResponse:
    """Managed devices (search, filters, sort and paging like the page) with findings; 202 while collecting."""
    report, table = await data.analysis(DEVICES_TABLE)
    state = table.listing.state(request.query_params)
    page = table.page(state)
    body: dict[str, Any] = {
        "status": "ready" if report.unread is None else "not_read",
        "taken_at": report.as_of.isoformat(),
        "unread": report.unread,
        "partial": report.partial,
        "paging": Paging.of(page).model_dump(),
        "devices": [
            {
                **dict(zip(table.listing.headers(), table.listing.cells(row), strict=True)),
                "id": row.id,
                "findings": [{"kind": f.kind.value, "reason": f.reason} for f in row.findings],
            }
            for row in page.rows
        ],
    }
    return JSONResponse(body)
