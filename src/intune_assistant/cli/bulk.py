"""``intune-assistant bulk``: rename, delete or duplicate many objects, change a static group's members.

Each command reads the tenant, prints the plan (the preview) and writes it sealed; ``bulk apply``
applies it exactly, with the backup beside the plan, as ``assign apply`` does (``plans.py``). A plan
that deletes needs ``--confirm`` with the phrase the plan shows (``delete 20 objects``).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from intune_assistant.analyses.assignments import Directory
from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.changes import Plan, RejectedChange
from intune_assistant.changes.deletes import ConfirmationMismatch, check_confirmation, confirmation_phrase, plan_deletes
from intune_assistant.changes.document import DEFAULT_LIFETIME, PlanSealer
from intune_assistant.changes.duplicates import plan_duplicates
from intune_assistant.changes.edits import BULK_EDIT, editable_types, select_objects
from intune_assistant.changes.members import MemberAction, MembershipRefused, members_from_text, plan_members
from intune_assistant.changes.renames import RenameKind, RenameRule, RuleError, plan_renames
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
    Connection,
    DemoOption,
    JsonOption,
    KeyFileOption,
    apply_plan_file,
    connect,
    plan_summary,
    read_key,
    report_results,
    run,
    snapshot_for,
    write_plan,
)

OutputOption = Annotated[Path, typer.Option("-o", "--output", help="The plan file to write.")]
TypeOption = Annotated[list[str] | None, typer.Option("--type", help="Only objects of this catalog type (repeatable).")]
NameOption = Annotated[list[str] | None, typer.Option("--name", help="An object's exact name (repeatable).")]
ContainsOption = Annotated[str, typer.Option("--name-contains", help="Only objects whose name contains this.")]
HoursOption = Annotated[float, typer.Option(help="How long the plan stays valid.")]
_HOURS = DEFAULT_LIFETIME.seconds / 3600
_DIRECTORY_TYPES = {"groups", "users", "entraDevices", "managedDevices"}
# A copy keeps its references (scope tags, apps, notification templates): read them to map them.
_REFERENCED_TYPES = {"scopeTags", "notificationTemplates", "mobileApps"}


class _Where:
    """Where to connect, as the options gave it."""

    def __init__(
        self,
        demo: str | None,
        tenant: str | None,
        client_id: str | None,
        authority: str | None,
        graph_url: str,
        ca_file: Path | None,
    ) -> None:
        self.args = (demo, tenant, client_id, authority, graph_url, ca_file)

    def connect(self, catalog: Catalog, console: Console) -> Connection:
        return connect(BULK_EDIT, *self.args, catalog, console)


def _types(catalog: Catalog, action: str, asked: list[str] | None) -> set[str]:
    known = {r.key for r in editable_types(catalog, action)}
    unknown = sorted(set(asked or ()) - known)
    if unknown:
        raise UserError(f"can't {action} objects of type {', '.join(unknown)}; types: {', '.join(sorted(known))}")
    return set(asked or ()) or known


def _read(where: _Where, catalog: Catalog, types: set[str], console: Console) -> tuple[Snapshot, tuple[str, str]]:
    connection = where.connect(catalog, console)
    snapshot: Snapshot = run(snapshot_for(connection, catalog, types))
    who = connection.who()
    snapshot.tenant.tenant_id = who[0]
    return snapshot, who


def _with_missing(made: Plan, missing: list[str], summary: str) -> Plan:
    """``made`` with each ``--name`` no object has among its refusals."""
    extra = tuple(RejectedChange(n, summary, f"no object named '{n}' in the tenant") for n in missing)
    return dataclasses.replace(made, rejected=made.rejected + extra)


def _review(plan: Plan, console: Console) -> None:
    table = Table(title=f"Plan for {plan.tenant_domain or plan.tenant_id}: {len(plan.items)} change(s)")
    for column in ("Object", "Type", "Change", "Warnings"):
        table.add_column(column)
    for item in plan.items:
        table.add_row(item.object.name, item.object.type_label, "\n".join(item.changes), "\n".join(item.warnings))
    console.print(table)
    for note in plan.notes:
        console.print(f"[dim]note:[/] {note}", highlight=False)
    for refused in plan.rejected:
        console.print(f"[yellow]refused {refused.source}:[/] {refused.summary}: {refused.reason}", highlight=False)


def _finish(
    made: Plan, output: Path, key: bytes, who: tuple[str, str], hours: float, console: Console, js: bool
) -> None:
    write_plan(made, output, PlanSealer(key), who, hours, made.tenant_domain)
    summary = plan_summary(made)
    if any(i.operation == "delete" for i in made.items):
        summary["confirm"] = confirmation_phrase(made)
    if js:
        print(json.dumps({"plan": str(output), **summary}, indent=2))
    else:
        _review(made, console)
        confirm = f' --confirm "{summary["confirm"]}"' if "confirm" in summary else ""
        console.print(f"Plan written to [bold]{output}[/]; apply it with:")
        console.print(f"  intune-assistant bulk apply {output}{confirm}", highlight=False)
    raise typer.Exit(EXIT_INCOMPLETE if made.rejected else EXIT_OK)


def _rule(
    prefix: str | None, suffix: str | None, replace: str | None, regex: str | None, with_: str, *, also: str = ""
) -> RenameRule:
    options = ((RenameKind.PREFIX, prefix), (RenameKind.SUFFIX, suffix), (RenameKind.REPLACE, replace),
               (RenameKind.REGEX, regex))  # fmt: skip
    given = [(k, v) for k, v in options if v is not None]
    if len(given) != 1:
        raise UserError(f"give exactly one of {also}--prefix, --suffix, --replace or --regex")
    kind, text = given[0]
    rule = RenameRule(kind, text, with_)
    try:
        rule.compiled()
    except RuleError as exc:
        raise UserError(str(exc)) from None
    return rule


def rename(
    output: OutputOption,
    prefix: Annotated[str | None, typer.Option(help="Add this in front of each name.")] = None,
    suffix: Annotated[str | None, typer.Option(help="Add this after each name.")] = None,
    replace: Annotated[str | None, typer.Option(help="Replace this text (every occurrence) with --with.")] = None,
    regex: Annotated[str | None, typer.Option(help=r"Replace this regular expression with --with (\1 works).")] = None,
    with_: Annotated[str, typer.Option("--with", help="The replacement for --replace or --regex.")] = "",
    type_keys: TypeOption = None,
    names: NameOption = None,
    contains: ContainsOption = "",
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
    """Plan renaming objects by a rule; print the preview; write the sealed plan.

    Objects whose names the rule doesn't change are left alone. A clash (two objects of one type
    ending up with one name) refuses the whole rename. Exit 0 when planned, 3 when anything was refused.
    """
    console = console_for(json_output)
    catalog = default_catalog()
    rule = _rule(prefix, suffix, replace, regex, with_)
    if rule.kind in (RenameKind.PREFIX, RenameKind.SUFFIX) and not (names or contains or type_keys):
        raise UserError("a prefix or suffix goes on the objects you choose: give --name, --name-contains or --type")
    key = read_key(key_file)
    types = _types(catalog, "rename", type_keys)
    snapshot, who = _read(_Where(demo, tenant, client_id, authority, graph_url, ca_file), catalog, types, console)
    chosen, missing = select_objects(snapshot, catalog, action="rename", types=sorted(types), names=names or (),
                                     contains=contains)  # fmt: skip
    made = _with_missing(plan_renames(snapshot, chosen, rule, catalog=catalog), missing, f"rename ({rule.words()})")
    _finish(made, output, key, who, hours, console, json_output)


def delete(
    output: OutputOption,
    type_keys: TypeOption = None,
    names: NameOption = None,
    contains: ContainsOption = "",
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
    """Plan deleting the objects named (--name) or whose name contains a text; assigned ones are flagged.

    Applying it needs --confirm with the phrase the plan shows. Exit 0 when planned, 3 when a name
    was not found or an object can't be deleted.
    """
    console = console_for(json_output)
    catalog = default_catalog()
    if not (names or contains):
        raise UserError("choose what to delete with --name (repeatable) or --name-contains")
    key = read_key(key_file)
    types = _types(catalog, "delete", type_keys)
    snapshot, who = _read(_Where(demo, tenant, client_id, authority, graph_url, ca_file), catalog, types, console)
    chosen, missing = select_objects(snapshot, catalog, action="delete", types=sorted(types), names=names or (),
                                     contains=contains)  # fmt: skip
    made = _with_missing(plan_deletes(snapshot, chosen, catalog=catalog), missing, "delete")
    _finish(made, output, key, who, hours, console, json_output)


def duplicate(
    output: OutputOption,
    new_name: Annotated[str | None, typer.Option("--as", help="The copy's name (one object).")] = None,
    prefix: Annotated[str | None, typer.Option(help="Each copy's name: this in front of the original's.")] = None,
    suffix: Annotated[str | None, typer.Option(help="Each copy's name: the original's followed by this.")] = None,
    replace: Annotated[str | None, typer.Option(help="Each copy's name: this text replaced with --with.")] = None,
    regex: Annotated[str | None, typer.Option(help=r"Each copy's name: this expression replaced with --with.")] = None,
    with_: Annotated[str, typer.Option("--with", help="The replacement for --replace or --regex.")] = "",
    assignments: Annotated[
        bool, typer.Option("--with-assignments", help="Give each copy the original's assignments.")
    ] = False,
    type_keys: TypeOption = None,
    names: NameOption = None,
    contains: ContainsOption = "",
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
    """Plan copying policies under new names (created as a deploy creates them), optionally assigned as the
    originals; print the preview; write the sealed plan.

    A new name another object of the type has (or two copies sharing one) refuses the whole duplicate
    before anything is written. Exit 0 when planned, 3 when anything was refused.
    """
    console = console_for(json_output)
    catalog = default_catalog()
    if not (names or contains):
        raise UserError("choose what to duplicate with --name (repeatable) or --name-contains")
    naming: RenameRule | str
    if new_name is not None:
        if any(v is not None for v in (prefix, suffix, replace, regex)):
            raise UserError("give either --as or a rule (--prefix, --suffix, --replace, --regex), not both")
        naming = new_name
    else:
        naming = _rule(prefix, suffix, replace, regex, with_, also="--as, ")
    key = read_key(key_file)
    types = _types(catalog, "duplicate", type_keys)
    where = _Where(demo, tenant, client_id, authority, graph_url, ca_file)
    snapshot, who = _read(where, catalog, types | _REFERENCED_TYPES, console)
    chosen, missing = select_objects(snapshot, catalog, action="duplicate", types=sorted(types), names=names or (),
                                     contains=contains)  # fmt: skip
    try:
        made = plan_duplicates(snapshot, chosen, naming, assignments=assignments, catalog=catalog)
    except RuleError as exc:
        raise UserError(str(exc)) from None
    _finish(_with_missing(made, missing, "duplicate"), output, key, who, hours, console, json_output)


def members(
    output: OutputOption,
    group: Annotated[str, typer.Option(help="The static group: its name or id.")],
    add: Annotated[bool, typer.Option("--add", help="Add the members.")] = False,
    remove: Annotated[bool, typer.Option("--remove", help="Remove the members.")] = False,
    member: Annotated[
        list[str] | None, typer.Option(help="A user (UPN, name or id) or device (name or id); repeatable.")
    ] = None,
    from_file: Annotated[
        Path | None, typer.Option("--file", help="A list or CSV of users and devices (first or UPN/device column).")
    ] = None,
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
    """Plan adding users and devices to a static group, or removing them; dynamic groups are refused.

    Exit 0 when planned, 3 when a name was not found or ambiguous.
    """
    console = console_for(json_output)
    catalog = default_catalog()
    if add == remove:
        raise UserError("give exactly one of --add or --remove")
    names = list(member or ())
    if from_file is not None:
        try:
            names += members_from_text(from_file.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"could not read {from_file}: {exc}") from None
    key = read_key(key_file)
    where = _Where(demo, tenant, client_id, authority, graph_url, ca_file)
    snapshot, who = _read(where, catalog, _DIRECTORY_TYPES, console)
    action = MemberAction.ADD if add else MemberAction.REMOVE
    try:
        made = plan_members(snapshot, group, names, action, catalog=catalog, directory=Directory(snapshot))
    except MembershipRefused as exc:
        raise UserError(str(exc)) from None
    _finish(made, output, key, who, hours, console, json_output)


def apply(
    plan_file: Annotated[
        Path, typer.Argument(help="A plan written by 'bulk rename', 'delete', 'duplicate' or 'members'.")
    ],
    confirm: Annotated[
        str | None, typer.Option(help='For a plan that deletes: the phrase it shows, e.g. "delete 20 objects".')
    ] = None,
    demo: DemoOption = None,
    tenant: TenantOption = None,
    client_id: ClientIdOption = None,
    authority: AuthorityOption = None,
    graph_url: GraphUrlOption = GRAPH,
    ca_file: CaFileOption = None,
    key_file: KeyFileOption = None,
    json_output: JsonOption = False,
) -> None:
    """Apply a bulk-edit plan exactly: back up what it touches beside the plan, write, verify, report.

    Exit 0 when every item is applied, 3 when some were skipped (changed since the plan) or failed.
    """
    console = console_for(json_output)
    catalog = default_catalog()
    sealer = PlanSealer(read_key(key_file))
    connection = _Where(demo, tenant, client_id, authority, graph_url, ca_file).connect(catalog, console)

    def confirmed(plan: Plan) -> None:
        try:
            check_confirmation(plan, confirm)
        except ConfirmationMismatch as exc:
            raise UserError(f"nothing was changed: {exc} (with --confirm)") from None

    opened, report, backup_to = apply_plan_file(plan_file, BULK_EDIT, connection, catalog, sealer, confirmed)
    report_results(opened, report, backup_to, console, json_output)
    raise typer.Exit(EXIT_OK if report.all_applied else EXIT_INCOMPLETE)


def register(app: typer.Typer) -> None:
    """Add the ``bulk`` commands to ``app``."""
    bulk_app = typer.Typer(
        no_args_is_help=True,
        help="Bulk edits: rename, delete, duplicate, group members — plan with a preview, then apply exactly.",
    )
    bulk_app.command()(rename)
    bulk_app.command()(delete)
    bulk_app.command()(duplicate)
    bulk_app.command()(members)
    bulk_app.command()(apply)
    app.add_typer(bulk_app, name="bulk")
