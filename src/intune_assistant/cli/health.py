"""`intune-assistant health`: certificates, tokens and connectors that expire or stopped syncing.

Exit codes (scripts and monitoring can alert on them; the worst item decides):
0 everything is OK (or not set up), 3 something could not be read, 4 something expires within
30 days, 5 something expired or failed to sync, 1 the command itself failed.
"""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from intune_assistant.analyses.health import HealthReport, Verdict, health_types, tenant_health
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
    console_for,
    snapshot_from_options,
)
from .docs import DemoOption, SnapshotOption

__all__ = ["EXIT_EXPIRES_SOON", "EXIT_NEEDS_ACTION", "exit_code", "register", "report_json"]

EXIT_EXPIRES_SOON = 4
EXIT_NEEDS_ACTION = 5

# One look per verdict (colour, icon and word), as the web page shows them.
_STYLE = {
    Verdict.EXPIRED: "[red]✖ Expired[/]",
    Verdict.SYNC_FAILED: "[red]✖ Sync failed[/]",
    Verdict.EXPIRES_SOON: "[yellow]⚠ Expires soon[/]",
    Verdict.UNKNOWN: "[magenta]? Unknown[/]",
    Verdict.NOT_SET_UP: "[dim]– Not set up[/]",
    Verdict.OK: "[green]✔ OK[/]",
}


def exit_code(report: HealthReport) -> int:
    """The command's exit code for ``report`` (see the module docstring)."""
    worst = report.worst
    if worst in (Verdict.EXPIRED, Verdict.SYNC_FAILED):
        return EXIT_NEEDS_ACTION
    if worst is Verdict.EXPIRES_SOON:
        return EXIT_EXPIRES_SOON
    if worst is Verdict.UNKNOWN:
        return EXIT_INCOMPLETE
    return EXIT_OK


def report_json(report: HealthReport, tenant: str) -> dict[str, Any]:
    """The report as the ``--json`` output gives it."""
    return {
        "tenant": tenant,
        "as_of": report.as_of.isoformat().replace("+00:00", "Z"),
        "worst": report.worst.value,
        "counts": {verdict.value: report.count(verdict) for verdict in Verdict},
        "items": [item.as_json() for item in report.items],
    }


def _table(report: HealthReport, tenant: str) -> Table:
    table = Table(title=f"Tenant health — {escape(tenant)} (as of {report.as_of:%Y-%m-%d %H:%M} UTC)")
    for header in ("Verdict", "Type", "Name", "Expires", "Days left", "State", "Last sync", "Why"):
        table.add_column(header, overflow="fold")
    for item in report.items:
        table.add_row(
            _STYLE[item.verdict],
            escape(item.kind),
            escape(item.name),
            f"{item.expires:%Y-%m-%d}" if item.expires else "—",
            str(item.days_left) if item.days_left is not None else "—",
            escape(item.state) or "—",
            f"{item.last_sync:%Y-%m-%d %H:%M}" if item.last_sync else "—",
            escape(item.reason),
        )
    return table


def health(
    demo: DemoOption = None,
    snapshot: SnapshotOption = None,
    tenant: TenantOption = None,
    client_id: ClientIdOption = None,
    authority: AuthorityOption = None,
    graph_url: GraphUrlOption = GRAPH,
    ca_file: CaFileOption = None,
    json_output: bool = typer.Option(False, "--json", help="Print the report as JSON on stdout."),
) -> None:
    """APNs certificate, VPP and enrollment program tokens, Managed Google Play and partner / Mobile
    Threat Defense connectors: expiry, days left, state, last sync and a verdict.

    Exit code: 0 all OK, 3 something could not be read, 4 something expires within 30 days,
    5 something expired or failed to sync.
    """
    console = console_for(json_output)
    catalog = default_catalog()
    # A collection for this report reads only the types it judges (a saved snapshot has them all).
    types = [r.key for r in health_types(catalog)]
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
        types=types,
    )
    report = tenant_health(data, catalog)
    tenant_name = data.tenant.domain or data.tenant.display_name or "tenant"
    if json_output:
        print(json.dumps(report_json(report, tenant_name), indent=2, ensure_ascii=False))
    else:
        console.print(_table(report, tenant_name))
        counts = ", ".join(f"{report.count(v)} {v.value.lower()}" for v in Verdict if report.count(v))
        console.print(counts or "Nothing to report: no certificates, tokens or connectors.")
    raise typer.Exit(exit_code(report))


def register(app: typer.Typer) -> None:
    """Add this module's command to ``app``."""
    app.command("health")(health)
