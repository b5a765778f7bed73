"""`intune-assistant devices`: managed devices with stale, duplicate and non-compliant ones named with why.

A collection for this command asks for the optional read module "Managed devices"
(``DeviceManagementManagedDevices.Read.All``) besides the default read scopes: running it is the
user's choice to read devices. Exit codes: 0 the devices were read (findings or not), 3 they
could not be read (the reason is printed), 1 the command itself failed.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from intune_assistant.analyses.devices import DeviceRow, DevicesReport, FindingKind, device_inventory
from intune_assistant.catalog import default_catalog

from .common import (
    EXIT_INCOMPLETE,
    EXIT_OK,
    GRAPH,
    AuthorityOption,
    CaFileOption,
    ClientIdOption,
    GraphUrlOption,
    TenantOption,
    UserError,
    console_for,
    snapshot_from_options,
)
from .docs import DemoOption, SnapshotOption

__all__ = ["devices_json", "register"]

# Besides managed devices, the users give primary users their names.
_TYPES = ["managedDevices", "users"]
_KINDS = {kind.value.casefold(): kind for kind in FindingKind}


def _row_json(row: DeviceRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "os": row.os,
        "os_version": row.os_version,
        "compliance": row.compliance,
        "ownership": row.ownership,
        "last_sync": row.last_sync.isoformat().replace("+00:00", "Z") if row.last_sync else None,
        "primary_user": row.primary_user,
        "enrollment_profile": row.enrollment_profile,
        "category": row.category,
        "join_type": row.join_type,
        "manufacturer": row.manufacturer,
        "model": row.model,
        "serial_number": row.serial,
        "storage_total_bytes": row.storage_total,
        "storage_free_bytes": row.storage_free,
        "memory_bytes": row.memory,
        "tpm": row.tpm or None,
        "encrypted": row.encrypted,
        "findings": [{"kind": f.kind.value, "reason": f.reason} for f in row.findings],
    }


def devices_json(report: DevicesReport, rows: list[DeviceRow], tenant: str) -> dict[str, Any]:
    """What ``--json`` prints: counts per finding over every device, then ``rows``."""
    return {
        "tenant": tenant,
        "as_of": report.as_of.isoformat().replace("+00:00", "Z"),
        "not_read": report.unread,
        "total": len(report.rows),
        "counts": {kind.value: len(report.with_finding(kind)) for kind in FindingKind},
        "devices": [_row_json(r) for r in rows],
    }


def _table(rows: list[DeviceRow], tenant: str, report: DevicesReport) -> Table:
    table = Table(title=f"Managed devices — {escape(tenant)} (as of {report.as_of:%Y-%m-%d %H:%M} UTC)")
    for header in ("Device", "OS", "Compliance", "Ownership", "Last sync", "Primary user", "Serial", "Findings"):
        table.add_column(header, overflow="fold")
    for row in rows:
        table.add_row(
            escape(row.name),
            escape(f"{row.os} {row.os_version}".strip()),
            escape(row.compliance),
            escape(row.ownership),
            f"{row.last_sync:%Y-%m-%d}" if row.last_sync else "never",
            escape(row.primary_user) or "—",
            escape(row.serial),
            escape(row.finding_text) or "—",
        )
    return table


def devices(
    demo: DemoOption = None,
    snapshot: SnapshotOption = None,
    tenant: TenantOption = None,
    client_id: ClientIdOption = None,
    authority: AuthorityOption = None,
    graph_url: GraphUrlOption = GRAPH,
    ca_file: CaFileOption = None,
    finding: Annotated[
        str | None, typer.Option(help="Only devices with this finding: stale, 'duplicate record', 'not compliant'.")
    ] = None,
    json_output: bool = typer.Option(False, "--json", help="Print the devices as JSON on stdout."),
) -> None:
    """Managed devices: compliance, ownership, last sync, hardware; stale, duplicate and non-compliant ones.

    Exit code: 0 the devices were read, 3 they could not be read (the reason is printed).
    """
    wanted = _KINDS.get(finding.strip().casefold()) if finding else None
    if finding and wanted is None:
        raise UserError(f"unknown finding {finding!r}; choose one of: {', '.join(k.value for k in FindingKind)}")
    console = console_for(json_output)
    catalog = default_catalog()
    data = snapshot_from_options(
        console,
        catalog,
        demo=demo,
        snapshot=snapshot,
        tenant=tenant,
        client_id=client_id,
        authority=authority,
        graph_url=graph_url,
        ca_file=ca_file,
        types=_TYPES,
        modules=("managed-devices",),
    )
    report = device_inventory(data)
    rows = [r for r in report.rows if wanted is None or r.has(wanted)]
    tenant_name = data.tenant.domain or data.tenant.display_name or "tenant"
    if json_output:
        print(json.dumps(devices_json(report, rows, tenant_name), indent=2, ensure_ascii=False))
    elif report.unread is not None:
        console.print(f"[yellow]Managed devices were not read:[/] {escape(report.unread)}")
    else:
        console.print(_table(rows, tenant_name, report))
        counts = ", ".join(f"{len(report.with_finding(k))} {k.value.lower()}" for k in FindingKind)
        console.print(f"{len(report.rows)} devices: {counts}")
    raise typer.Exit(EXIT_INCOMPLETE if report.unread is not None else EXIT_OK)


def register(app: typer.Typer) -> None:
    """Add this module's command to ``app``."""
    app.command("devices")(devices)
