"""`intune-assistant rbac`: Intune roles and Entra directory roles, who holds what, and the findings.

Exit codes (scripts and monitoring can alert on them): 0 nothing found, 3 something could not be
read or decided (and nothing found), 4 at least one finding, 1 the command itself failed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from intune_assistant.analyses.roles import RBAC_TYPES, RbacReport, Status, gdap_grants, rbac_report
from intune_assistant.catalog import default_catalog
from intune_assistant.snapshot import SnapshotError, load_snapshot

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

__all__ = ["EXIT_FINDINGS", "exit_code", "register", "report_json"]

EXIT_FINDINGS = 4

PartnerOption = Annotated[
    Path | None,
    typer.Option(
        "--partner-snapshot",
        help="A saved snapshot of the MSP's own tenant: its GDAP relationships show who holds roles here only "
        "through GDAP.",
    ),
]
_STATUS = {Status.FOUND: "[yellow]⚠ Found[/]", Status.UNKNOWN: "[magenta]? Unknown[/]"}


def exit_code(report: RbacReport) -> int:
    """The command's exit code for ``report`` (see the module docstring)."""
    if report.found():
        return EXIT_FINDINGS
    if report.unknown() or report.gaps:
        return EXIT_INCOMPLETE
    return EXIT_OK


def report_json(report: RbacReport, tenant: str) -> dict[str, Any]:
    """The report as the ``--json`` output gives it."""
    return {"tenant": tenant, **report.as_json()}


def _tables(report: RbacReport, tenant: str) -> list[Table]:
    findings = Table(title=f"RBAC findings — {escape(tenant)}")
    for header in ("Status", "Finding", "Subject", "Why"):
        findings.add_column(header, overflow="fold")
    for finding in report.findings:
        findings.add_row(_STATUS[finding.status], finding.kind.value, escape(finding.subject), escape(finding.reason))
    grants = Table(title="Who can do what")
    for header in ("Account", "Role", "Source", "Through", "Scope", "Scope tags"):
        grants.add_column(header, overflow="fold")
    for grant in report.grants:
        grants.add_row(
            escape(grant.account),
            escape(grant.role),
            grant.source.value,
            escape(grant.via),
            escape(grant.scope),
            escape(", ".join(grant.scope_tags)) or "—",
        )
    return [findings, grants]


def rbac(
    demo: DemoOption = None,
    snapshot: SnapshotOption = None,
    tenant: TenantOption = None,
    partner_snapshot: PartnerOption = None,
    client_id: ClientIdOption = None,
    authority: AuthorityOption = None,
    graph_url: GraphUrlOption = GRAPH,
    ca_file: CaFileOption = None,
    json_output: bool = typer.Option(False, "--json", help="Print the report as JSON on stdout."),
) -> None:
    """Intune role definitions and assignments (members, scope groups, scope tags), Entra directory
    roles, who can do what, and the findings: many Global Administrators, Intune Administrators who
    only read, built-in roles where a narrower one fits, scope tags that limit nothing, role
    assignments to empty groups, accounts whose roles come only through GDAP.

    Exit code: 0 nothing found, 3 something could not be read or decided, 4 findings.
    """
    console = console_for(json_output)
    catalog = default_catalog()
    # The RBAC types, the audit log (who only reads) and what scope tags label.
    types = list(dict.fromkeys([*RBAC_TYPES, "auditEvents", *(r.key for r in catalog.collected())]))
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
        # Running this command is the choice to read roles: it asks for the Intune roles module's scopes.
        modules=("intune-roles",),
    )
    gdap = None
    if partner_snapshot is not None:
        if not data.tenant.tenant_id:
            raise UserError("the snapshot does not name its tenant id, so its GDAP relationships can't be matched")
        try:
            gdap = gdap_grants(load_snapshot(partner_snapshot), data.tenant.tenant_id)
        except SnapshotError as exc:
            raise UserError(str(exc)) from None
    report = rbac_report(data, gdap=gdap, catalog=catalog)
    tenant_name = data.tenant.domain or data.tenant.display_name or "tenant"
    if json_output:
        print(json.dumps(report_json(report, tenant_name), indent=2, ensure_ascii=False))
    else:
        for table in _tables(report, tenant_name):
            console.print(table)
        for gap in report.gaps:
            console.print(f"[magenta]Not read:[/] {escape(gap.label)} — {escape(gap.reason)}")
        console.print(f"{len(report.found())} found, {len(report.unknown())} unknown")
    raise typer.Exit(exit_code(report))


def register(app: typer.Typer) -> None:
    """Add this module's command to ``app``."""
    app.command("rbac")(rbac)
