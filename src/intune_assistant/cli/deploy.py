"""``intune-assistant deploy`` and ``restore``: plan putting a source's objects into a tenant, then
apply the plan exactly (``changes/deploy.py`` on the one write path, plan files as ``assign``'s).

``deploy plan SOURCE``: SOURCE is a folder, zip or file the importers read (IntuneCD backup,
IntuneManagement export, portal JSON) or a snapshot folder of ours. ``restore plan BACKUP``: a
snapshot folder (the backup every apply writes beside its plan is one) or an export, put back into
the tenant it came from (or another): deleted objects recreated, changed ones set back.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.changes import Plan
from intune_assistant.changes.deploy import DEPLOY, RESTORE, AssignMode, DeployOptions, deployable_records, plan_deploy
from intune_assistant.changes.document import DEFAULT_LIFETIME, PlanSealer
from intune_assistant.snapshot import Snapshot

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
    plan_scopes,
    plan_summary,
    read_key,
    read_plan_scopes,
    report_results,
    run,
    snapshot_for,
    write_plan,
)

HoursOption = Annotated[float, typer.Option(help="How long the plan stays valid.")]
_HOURS = DEFAULT_LIFETIME.seconds / 3600


def _load(path: Path) -> Snapshot:
    from intune_assistant.collect.importers import ArchiveError, UnknownFormatError, import_path
    from intune_assistant.snapshot import load_snapshot

    if not path.exists():
        raise UserError(f"{path} does not exist")
    try:
        if path.is_dir() and (path / "manifest.json").exists():
            return load_snapshot(path)
        return import_path(path)
    except (UnknownFormatError, ArchiveError, ValueError, OSError) as exc:
        raise UserError(f"could not read {path}: {exc}") from None


def _review(plan: Plan, console: Console) -> None:
    table = Table(title=f"Plan for {plan.tenant_domain or plan.tenant_id}: {len(plan.items)} object(s) to write")
    for column in ("Object", "Type", "Operation", "Changes", "References", "Warnings"):
        table.add_column(column)
    for item in plan.items:
        table.add_row(
            item.object.name,
            item.object.type_label,
            item.operation,
            "\n".join(item.changes),
            "\n".join(item.references),
            "\n".join(item.warnings),
        )
    console.print(table)
    for note in plan.notes:
        console.print(f"[dim]note:[/] {note}", highlight=False)
    for refused in plan.rejected:
        console.print(f"[yellow]not planned[/] {refused.source} '{refused.summary}': {refused.reason}", highlight=False)


def _plan(
    module: str,
    source_path: Path,
    output: Path,
    options: DeployOptions,
    demo: str | None,
    tenant: str | None,
    client_id: str | None,
    authority: str | None,
    graph_url: str,
    ca_file: Path | None,
    key_file: Path | None,
    hours: float,
    json_output: bool,
) -> None:
    console = console_for(json_output)
    catalog: Catalog = default_catalog()
    sealer = PlanSealer(read_key(key_file))
    source = _load(source_path)
    connection = connect(module, demo, tenant, client_id, authority, graph_url, ca_file, catalog, console)
    types = {r.key for r in deployable_records(catalog) if source.read_objects(r.key)}
    target = run(snapshot_for(connection, catalog, {*types, "scopeTags", "notificationTemplates", "mobileApps"}))
    who = connection.who()
    target.tenant.tenant_id = who[0]
    if options.same_tenant:
        # A backup of another tenant is restored as a deploy is: every reference by name.
        options = replace(options, same_tenant=source.tenant.tenant_id == who[0])
    try:
        made = plan_deploy(source, target, options, catalog=catalog)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    extra = plan_scopes(made, catalog)
    write_plan(made, output, sealer, who, hours, target.tenant.domain, extra)
    if json_output:
        print(json.dumps({"plan": str(output), **plan_summary(made), "scopes": list(extra)}, indent=2))
    else:
        _review(made, console)
        if extra:
            console.print(f"Applying it also asks for {', '.join(extra)} (it creates groups).", highlight=False)
        command = module_command(module)
        console.print(f"Plan written to [bold]{output}[/]; apply it with: intune-assistant {command} apply {output}")
    raise typer.Exit(EXIT_INCOMPLETE if made.rejected else EXIT_OK)


def module_command(module: str) -> str:
    """The CLI command of a write module's plans."""
    return "restore" if module == RESTORE else "deploy"


def _assign_option(value: str, *, create_missing_groups: bool = False) -> DeployOptions:
    lowered = value.strip().lower()
    if create_missing_groups and lowered != AssignMode.SOURCE.value:
        raise UserError("--create-missing-groups goes with --assign source (groups the source's assignments name)")
    if lowered in (AssignMode.NONE.value, AssignMode.SOURCE.value):
        return DeployOptions(assign=AssignMode(lowered), create_missing_groups=create_missing_groups)
    if not value.strip():
        raise UserError("--assign takes none, source or a group's name")
    return DeployOptions(assign=AssignMode.GROUP, group=value.strip())


def deploy_plan(
    source: Annotated[Path, typer.Argument(help="A backup, export or snapshot folder (or zip, or file).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The plan file to write.")],
    assign: Annotated[
        str, typer.Option(help="Assignments: none, source (groups mapped by name), or a group's name.")
    ] = "none",
    create_missing_groups: Annotated[
        bool,
        typer.Option(
            "--create-missing-groups",
            help="With --assign source: create a group the target lacks (an empty static security group) "
            "before the objects assigned to it, instead of leaving them out. Applying asks for Group.ReadWrite.All.",
        ),
    ] = False,
    demo: DemoOption = None,
    tenant: TenantOption = None,
    client_id: ClientIdOption = None,
    authority: AuthorityOption = None,
    graph_url: GraphUrlOption = GRAPH,
    ca_file: CaFileOption = None,
    key_file: KeyFileOption = None,
    hours: HoursOption = _HOURS,
    json_output: JsonOption = False,
) -> None:
    """Read the tenant, plan creating and updating the source's objects in it, print the review,
    write the sealed plan. Exit code 0 when everything was planned, 3 when some objects were not
    (not deployable, refused or flagged: each with its reason)."""
    options = _assign_option(assign, create_missing_groups=create_missing_groups)
    _plan(DEPLOY, source, output, options, demo, tenant, client_id, authority, graph_url, ca_file, key_file, hours,
          json_output)  # fmt: skip


def restore_plan(
    backup: Annotated[Path, typer.Argument(help="A snapshot folder (an apply's backup is one) or an export.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="The plan file to write.")],
    only: Annotated[list[str] | None, typer.Option(help="Restore only the objects of this name (repeatable).")] = None,
    demo: DemoOption = None,
    tenant: TenantOption = None,
    client_id: ClientIdOption = None,
    authority: AuthorityOption = None,
    graph_url: GraphUrlOption = GRAPH,
    ca_file: CaFileOption = None,
    key_file: KeyFileOption = None,
    hours: HoursOption = _HOURS,
    json_output: JsonOption = False,
) -> None:
    """Read the tenant, plan putting the backup's objects back (recreated with their assignments,
    or set back to the backup's settings), print the review, write the sealed plan."""
    options = DeployOptions(assign=AssignMode.SOURCE, only=tuple(only or ()), same_tenant=True, module=RESTORE)
    _plan(RESTORE, backup, output, options, demo, tenant, client_id, authority, graph_url, ca_file, key_file, hours,
          json_output)  # fmt: skip


def _apply(
    module: str,
    plan_file: Path,
    demo: str | None,
    tenant: str | None,
    client_id: str | None,
    authority: str | None,
    graph_url: str,
    ca_file: Path | None,
    key_file: Path | None,
    json_output: bool,
) -> None:
    console = console_for(json_output)
    catalog = default_catalog()
    sealer = PlanSealer(read_key(key_file))
    # A plan that creates groups asks for Group.ReadWrite.All too (only such a plan does).
    extra = read_plan_scopes(plan_file, module, catalog)
    connection = connect(module, demo, tenant, client_id, authority, graph_url, ca_file, catalog, console, extra)
    opened, report, backup_to = apply_plan_file(plan_file, module, connection, catalog, sealer, extra=extra)
    report_results(opened, report, backup_to, console, json_output)
    raise typer.Exit(EXIT_OK if report.all_applied else EXIT_INCOMPLETE)


def deploy_apply(
    plan_file: Annotated[Path, typer.Argument(help="A plan written by 'deploy plan'.")],
    demo: DemoOption = None,
    tenant: TenantOption = None,
    client_id: ClientIdOption = None,
    authority: AuthorityOption = None,
    graph_url: GraphUrlOption = GRAPH,
    ca_file: CaFileOption = None,
    key_file: KeyFileOption = None,
    json_output: JsonOption = False,
) -> None:
    """Apply a deploy plan exactly: back up what it changes beside the plan, create and update, verify.
    Exit code 0 when every item is applied, 3 otherwise; run it again to finish what is left."""
    _apply(DEPLOY, plan_file, demo, tenant, client_id, authority, graph_url, ca_file, key_file, json_output)


def restore_apply(
    plan_file: Annotated[Path, typer.Argument(help="A plan written by 'restore plan'.")],
    demo: DemoOption = None,
    tenant: TenantOption = None,
    client_id: ClientIdOption = None,
    authority: AuthorityOption = None,
    graph_url: GraphUrlOption = GRAPH,
    ca_file: CaFileOption = None,
    key_file: KeyFileOption = None,
    json_output: JsonOption = False,
) -> None:
    """Apply a restore plan exactly (as ``deploy apply``)."""
    _apply(RESTORE, plan_file, demo, tenant, client_id, authority, graph_url, ca_file, key_file, json_output)


def register(app: typer.Typer) -> None:
    """Add the ``deploy`` and ``restore`` commands to ``app``."""
    deploy_app = typer.Typer(
        no_args_is_help=True, help="Deploy a backup, export or snapshot into a tenant: plan, apply."
    )
    deploy_app.command("plan")(deploy_plan)
    deploy_app.command("apply")(deploy_apply)
    app.add_typer(deploy_app, name="deploy")
    restore_app = typer.Typer(no_args_is_help=True, help="Restore objects from a backup or snapshot: plan, apply.")
    restore_app.command("plan")(restore_plan)
    restore_app.command("apply")(restore_apply)
    app.add_typer(restore_app, name="restore")
