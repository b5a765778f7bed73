"""``intune-assistant assign``: plan bulk assignment changes from a CSV, then apply the plan.

The plan file is sealed with the user's key file (``assign key``) and applied with the backup
beside it (``plans.py``, which ``bulk`` shares).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from intune_assistant.analyses.assignments import Directory
from intune_assistant.catalog import default_catalog
from intune_assistant.changes import BULK_ASSIGN, Plan
from intune_assistant.changes.checks import plan_bulk_assignments
from intune_assistant.changes.csv_input import changes_from_assignments_csv
from intune_assistant.changes.document import DEFAULT_LIFETIME, PlanSealer

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
)
from .plans import (
    DemoOption,
    JsonOption,
    KeyFileOption,
    apply_plan_file,
    connect,
    key,
    plan_summary,
    read_key,
    report_results,
    run,
    snapshot_for,
    write_plan,
)


def _review(plan: Plan, console: Console) -> None:
    table = Table(title=f"Plan for {plan.tenant_domain or plan.tenant_id}: {len(plan.items)} object(s) to change")
    for column in ("Object", "Type", "Changes", "Before → after", "Warnings"):
        table.add_column(column)
    for item in plan.items:
        before = sum(1 for r in item.before if r.target_kind != "none")
        after = sum(1 for r in item.after if r.target_kind != "none")
        table.add_row(
            item.object.name,
            item.object.type_label,
            "\n".join(item.changes),
            f"{before} → {after} assignments",
            "\n".join(item.warnings),
        )
    console.print(table)
    for note in plan.notes:
        console.print(f"[dim]note:[/] {note}", highlight=False)
    for refused in plan.rejected:
        console.print(f"[yellow]refused {refused.source}:[/] {refused.summary}: {refused.reason}", highlight=False)


def plan(
    csv_file: Annotated[Path, typer.Argument(help="The Assignments CSV export with an 'Action' column.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The plan file to write.")],
    demo: DemoOption = None,
    tenant: TenantOption = None,
    client_id: ClientIdOption = None,
    authority: AuthorityOption = None,
    graph_url: GraphUrlOption = GRAPH,
    ca_file: CaFileOption = None,
    key_file: KeyFileOption = None,
    hours: Annotated[float, typer.Option(help="How long the plan stays valid.")] = DEFAULT_LIFETIME.seconds / 3600,
    json_output: JsonOption = False,
) -> None:
    """Read the tenant, plan the CSV's add/remove/replace-all rows, print the review, write the sealed plan.

    Exit code 0 when every row was planned (or needed nothing), 3 when some rows were refused.
    """
    console = console_for(json_output)
    catalog = default_catalog()
    sealer = PlanSealer(read_key(key_file))
    try:
        text = csv_file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"could not read {csv_file}: {exc}") from None
    connection = connect(BULK_ASSIGN, demo, tenant, client_id, authority, graph_url, ca_file, catalog, console)
    type_keys = {row.strip() for row in _type_keys(text)}
    snapshot = run(snapshot_for(connection, catalog, type_keys))
    who = connection.who()
    snapshot.tenant.tenant_id = who[0]
    directory = Directory(snapshot)
    try:
        changes, refused = changes_from_assignments_csv(text, directory)
    except ValueError as exc:
        raise UserError(f"{csv_file}: {exc}") from None
    # The same checks and planning as the Assignment manager page.
    made = plan_bulk_assignments(snapshot, changes, refused, catalog=catalog, directory=directory)
    write_plan(made, output, sealer, who, hours, snapshot.tenant.domain)
    if json_output:
        print(json.dumps({"plan": str(output), **plan_summary(made)}, indent=2))
    else:
        _review(made, console)
        console.print(f"Plan written to [bold]{output}[/]; apply it with: intune-assistant assign apply {output}")
    raise typer.Exit(EXIT_INCOMPLETE if made.rejected else EXIT_OK)


def _type_keys(text: str) -> set[str]:
    from intune_assistant.analyses.assignments import read_assignments_csv

    try:
        return {row.type_key for row in read_assignments_csv(text) if row.action and row.type_key}
    except ValueError as exc:
        raise UserError(str(exc)) from None


def apply(
    plan_file: Annotated[Path, typer.Argument(help="A plan written by 'assign plan'.")],
    demo: DemoOption = None,
    tenant: TenantOption = None,
    client_id: ClientIdOption = None,
    authority: AuthorityOption = None,
    graph_url: GraphUrlOption = GRAPH,
    ca_file: CaFileOption = None,
    key_file: KeyFileOption = None,
    json_output: JsonOption = False,
) -> None:
    """Apply a plan exactly: back up the objects it touches beside the plan, write, verify, report.

    Exit code 0 when every item is applied, 3 when some were skipped (changed since the plan) or
    failed; run it again to finish what is left.
    """
    console = console_for(json_output)
    catalog = default_catalog()
    sealer = PlanSealer(read_key(key_file))
    connection = connect(BULK_ASSIGN, demo, tenant, client_id, authority, graph_url, ca_file, catalog, console)
    opened, report, backup_to = apply_plan_file(plan_file, BULK_ASSIGN, connection, catalog, sealer)
    report_results(opened, report, backup_to, console, json_output)
    raise typer.Exit(EXIT_OK if report.all_applied else EXIT_INCOMPLETE)


def register(app: typer.Typer) -> None:
    """Add the ``assign`` commands to ``app``."""
    assign_app = typer.Typer(
        no_args_is_help=True, help="Bulk assignment changes: plan from a CSV, review, apply exactly, verify."
    )
    assign_app.command()(key)
    assign_app.command()(plan)
    assign_app.command()(apply)
    app.add_typer(assign_app, name="assign")
