"""`intune-assistant` commands of the targeting module: assignments, explain, resultant, conflicts.

Each reads one snapshot (``--demo NAME`` collects a demo tenant from the emulator in-process,
``--snapshot DIR`` loads a saved one), runs a pure analysis and prints a table, or JSON with
``--json``. Exit codes: 0 done, 1 error (one line, no stack trace), 3 done but the snapshot
lacked types the answer depends on (their verdicts are "unknown", listed in the output).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from intune_assistant.analyses.assignments import (
    AssignmentOverview,
    AssignmentRow,
    Directory,
    TypeGap,
    assignment_overview,
    assignments_csv,
    device_view,
    filter_view,
    group_view,
    hygiene,
    to_jsonable,
    user_view,
)
from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.snapshot import Snapshot

from .common import (
    ApiScopeOption,
    AuthorityOption,
    CaFileOption,
    ClientIdOption,
    ServerOption,
    ServerTenantOption,
)
from .server import ServerSignIn, server_json

# Exit codes shared with cli.main (kept equal, not imported: main imports this module).
EXIT_OK = 0
EXIT_INCOMPLETE = 3

DemoOption = Annotated[
    str | None, typer.Option("--demo", help="Collect a built-in demo tenant: contoso, fabrikam, partner, large.")
]
SnapshotOption = Annotated[Path | None, typer.Option("--snapshot", help="A snapshot folder (from `snapshot`).")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON on stdout.")]

_VERDICT_STYLE = {
    "applies": "[green]✔ Targeted[/]",
    "excluded": "[red]✖ Excluded[/]",
    "filtered_out": "[yellow]⊘ Filtered out[/]",
    "not_applicable": "[dim]– Not applicable (platform)[/]",
    "not_targeted": "[dim]· Not targeted[/]",
    "unknown": "[magenta]? Unknown[/]",
}
_RESOLUTION_STYLE = {
    "single": "",
    "same": "[green]agreed[/]",
    "conflict": "[red]✖ conflict[/]",
    "most_restrictive": "[yellow]most restrictive[/]",
    "compliance_wins": "[yellow]compliance wins[/]",
    "secret_not_compared": "[dim]secret, not compared[/]",
    "uncertain": "[magenta]? uncertain[/]",
}


def _user_error(message: str) -> Exception:
    # Imported when needed: cli.main imports this module while it is being set up.
    from .common import UserError

    return UserError(message)


def _console(json_output: bool) -> Console:
    # With --json, humans' output goes to stderr so stdout stays machine-readable.
    return Console(stderr=json_output)


def _load(demo: str | None, snapshot_dir: Path | None, catalog: Catalog, console: Console) -> Snapshot:
    """The snapshot to analyse: a demo tenant collected now, or a saved snapshot folder."""
    if (demo is None) == (snapshot_dir is None):
        raise _user_error("give exactly one of --demo NAME or --snapshot DIR")
    if demo is not None:
        from .common import demo_snapshot

        return demo_snapshot(demo.lower(), catalog, console, None)
    from intune_assistant.snapshot import SnapshotError, load_snapshot

    assert snapshot_dir is not None
    if not snapshot_dir.is_dir():
        raise _user_error(f"--snapshot {snapshot_dir} is not a folder")
    try:
        return load_snapshot(snapshot_dir)
    except SnapshotError as exc:
        raise _user_error(f"could not read the snapshot in {snapshot_dir}: {exc}") from None


def _print_json(value: Any) -> None:
    print(json.dumps(to_jsonable(value), indent=2, ensure_ascii=False))


def _gaps(console: Console, gaps: Sequence[TypeGap]) -> None:
    for gap in gaps:
        what = "read in part" if gap.status == "partial" else "not read"
        console.print(
            f"[magenta]? {escape(gap.label)}[/] {what}: {escape(gap.reason)} — answers that need it are unknown"
        )


def _finish(snapshot: Snapshot, console: Console) -> None:
    """Exit 3 when something could not be read (listed), else 0. Gaps an export format has by
    nature (no group members in IntuneCD) make answers unknown above, not the exit code."""
    from intune_assistant.snapshot import not_read

    unread = not_read(snapshot)
    for line in unread:
        console.print(f"[yellow]not read:[/] {escape(line)}", highlight=False)
    raise typer.Exit(EXIT_INCOMPLETE if unread else EXIT_OK)


def _domain(snapshot: Snapshot) -> str:
    return snapshot.tenant.domain or snapshot.tenant.display_name or "tenant"


# -- assignments ---------------------------------------------------------------------------


def _mode(row: AssignmentRow) -> str:
    if row.target_kind == "none":
        return "[dim]not assigned[/]"
    return "[red]− Exclude[/]" if row.mode == "exclude" else "[green]+ Include[/]"


def _filter_cell(row: AssignmentRow) -> str:
    if row.filter is None:
        return ""
    return f"{escape(row.filter.name)} ({escape((row.filter_mode or '').capitalize())})"


def _target_cell(row: AssignmentRow) -> str:
    text = escape(row.target_label)
    if row.group_state == "deleted":
        text = f"[red]{text}[/]"
    return text


def _assignment_table(overview: AssignmentOverview, flat: bool) -> Table:
    table = Table(title="Assignments" + (" (flat)" if flat else " by policy"), show_lines=not flat)
    for column in ("Type", "Policy", "Platform", "Target", "Include/exclude", "Filter (mode)", "Intent", "Note"):
        table.add_column(column, overflow="fold")
    for policy in overview.policies:
        rows = policy.rows or ()
        if not policy.known:
            table.add_row(
                escape(policy.object.type_label),
                escape(policy.object.name),
                escape(policy.object.platform),
                "[magenta]? unknown[/]",
                "",
                "",
                "",
                escape(policy.reason),
            )
        for index, row in enumerate(rows):
            first = flat or index == 0
            table.add_row(
                escape(row.object.type_label) if first else "",
                escape(row.object.name) if first else "",
                escape(row.object.platform) if first else "",
                _target_cell(row),
                _mode(row),
                _filter_cell(row),
                escape(row.intent or ""),
                escape(row.note),
            )
    return table


def _csv_path(path: Path, snapshot: Snapshot) -> Path:
    if path.is_dir():
        stamp = datetime.now(UTC).strftime("%Y-%m-%d_%H%M")
        return path / f"{_domain(snapshot)}_assignments_{stamp}.csv"
    return path


def _find_group(directory: Directory, text: str) -> str:
    if text in directory.groups:
        return text
    found = [
        gid for gid, g in directory.groups.items() if str(g.get("displayName") or "").casefold() == text.casefold()
    ]
    if len(found) == 1:
        return found[0]
    if found:
        raise _user_error(f"{len(found)} groups are named {text!r}; give the group id: {', '.join(found)}")
    raise _user_error(f"no group {text!r} in this snapshot")


def _find_filter(directory: Directory, text: str) -> str:
    if text in directory.filters:
        return text
    found = [fid for fid in directory.filters if directory.filter_name(fid).casefold() == text.casefold()]
    if len(found) == 1:
        return found[0]
    raise _user_error(f"no single assignment filter {text!r} in this snapshot")


def _principal(directory: Directory, user: str | None, device: str | None) -> tuple[str, str]:
    from intune_assistant.analyses.troubleshoot import SubjectError, find_device, find_user

    try:
        if user is not None:
            return "user", find_user(directory, user)
        assert device is not None
        return "device", find_device(directory, device)
    except SubjectError as exc:
        raise _user_error(str(exc)) from None


def _print_group(console: Console, overview: AssignmentOverview, directory: Directory, group_id: str) -> Any:
    view = group_view(overview, directory, group_id)
    console.print(f"[bold]{escape(view.group.name)}[/] [dim]({view.group.id})[/] — {view.kind}, {view.state}")
    console.print(
        f"Members: {view.direct_users} users and {view.direct_devices} devices directly; "
        f"{view.all_users} users and {view.all_devices} devices through nesting"
        + ("" if view.members_complete else " [magenta](members not all read)[/]")
    )
    if view.dynamic_rule:
        console.print(f"Dynamic rule: {escape(view.dynamic_rule)}")
    if view.parents:
        console.print("Nested in: " + ", ".join(escape(p.name) for p in view.parents))
    if view.children:
        console.print("Holds groups: " + ", ".join(escape(c.name) for c in view.children))
    table = Table(title="Assignments reaching its members")
    for column in ("Policy", "Type", "Target", "Include/exclude", "Filter (mode)", "Intent", "How"):
        table.add_column(column, overflow="fold")
    for row in view.direct:
        table.add_row(
            escape(row.object.name),
            escape(row.object.type_label),
            _target_cell(row),
            _mode(row),
            _filter_cell(row),
            escape(row.intent or ""),
            "direct",
        )
    for item in view.inherited:
        path = " → ".join(g.name for g in item.path)
        row = item.row
        table.add_row(
            escape(row.object.name),
            escape(row.object.type_label),
            _target_cell(row),
            _mode(row),
            _filter_cell(row),
            escape(row.intent or ""),
            f"inherited: {escape(path)}",
        )
    console.print(table)
    return view


def _print_hygiene(console: Console, overview: AssignmentOverview, directory: Directory) -> Any:
    report = hygiene(overview, directory)
    sections: list[tuple[str, list[str]]] = [
        (
            "Empty groups",
            [f"{escape(e.group.name)} (used by {e.assignments} assignment(s))" for e in report.empty_groups],
        ),
        ("Unassigned", [f"{escape(o.name)} ({escape(o.type_label)})" for o in report.unassigned]),
        (
            "Assignments to deleted groups",
            [f"{escape(r.object.name)} → {escape(r.target_label)}" for r in report.deleted_group_assignments],
        ),
        (
            "Assignments to groups the snapshot doesn't name",
            [f"{escape(r.object.name)} → {escape(r.target_label)}" for r in report.unresolved_group_assignments],
        ),
        (
            "Filters used by nothing",
            [f"{escape(f.name)} ({escape(f.platform)}): {escape(f.rule)}" for f in report.unused_filters],
        ),
        (
            "Mixed user/device exclusions (Intune doesn't support them)",
            [
                f"{escape(m.object.name)}: excludes {m.exclusion_kind} '{escape(m.exclusion.target_label)}' "
                "but includes " + ", ".join(escape(r.target_label) for r in m.inclusions)
                for m in report.mixed_exclusions
            ],
        ),
        ("Assignments unknown", [f"{escape(p.object.name)}: {escape(p.reason)}" for p in report.assignments_unknown]),
    ]
    for title, lines in sections:
        console.print(f"[bold]{title}[/] ({len(lines)})")
        for line in lines:
            console.print(f"  {line}")
    for note in report.notes:
        console.print(f"[magenta]{escape(note)}[/]")
    return report


def assignments(
    demo: DemoOption = None,
    snapshot: SnapshotOption = None,
    json_output: JsonOption = False,
    csv: Annotated[
        Path | None, typer.Option("--csv", help="Write every row as CSV (a file, or a folder for a dated name).")
    ] = None,
    flat: Annotated[bool, typer.Option("--flat", help="One row per target instead of grouped by policy.")] = False,
    group: Annotated[str | None, typer.Option(help="Show one group (name or id): direct and inherited.")] = None,
    filter_name: Annotated[
        str | None, typer.Option("--filter", help="Show one assignment filter and its uses.")
    ] = None,
    user: Annotated[str | None, typer.Option(help="Show the assignments whose targets hold this user (UPN).")] = None,
    device: Annotated[str | None, typer.Option(help="Show the assignments whose targets hold this device.")] = None,
    show_hygiene: Annotated[
        bool, typer.Option("--hygiene", help="Empty groups, unassigned objects, deleted groups, unused filters.")
    ] = False,
    types: Annotated[list[str] | None, typer.Option("--type", help="Only these catalog types; repeatable.")] = None,
    server: ServerOption = None,
    api_scope: ApiScopeOption = None,
    tenant: ServerTenantOption = None,
    client_id: ClientIdOption = None,
    authority: AuthorityOption = None,
    ca_file: CaFileOption = None,
) -> None:
    """Every assignment of every policy, app and script: by policy, flat, by group, filter, user or device."""
    console = _console(json_output)
    if server is not None:
        views = {"--demo": demo, "--snapshot": snapshot, "--csv": csv, "--group": group, "--filter": filter_name,
                 "--user": user, "--device": device, "--hygiene": show_hygiene or None, "--type": types}  # fmt: skip
        _assignments_from_server(
            ServerSignIn(server, api_scope, tenant, client_id, authority, ca_file),
            json_output,
            [name for name, value in views.items() if value is not None],
            console,
        )
    catalog = default_catalog()
    if types:
        unknown = [t for t in types if t not in catalog]
        if unknown:
            raise _user_error(f"unknown type(s): {', '.join(unknown)}")
    data = _load(demo, snapshot, catalog, console)
    directory = Directory(data)
    overview = assignment_overview(data, catalog, directory=directory)
    if types:
        overview = AssignmentOverview(
            tuple(p for p in overview.policies if p.object.type_key in types),
            tuple(g for g in overview.gaps if g.type_key in types),
        )
    if csv is not None:
        target = _csv_path(csv, data)
        try:
            target.write_text(assignments_csv(overview.rows), encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise _user_error(f"could not write {target}: {exc.strerror or exc}") from None
        console.print(f"Wrote {len(overview.rows)} rows to [bold]{escape(str(target))}[/]")
    quiet = Console(stderr=True, quiet=True) if json_output else console
    result: Any
    if group is not None:
        result = _print_group(quiet, overview, directory, _find_group(directory, group))
    elif filter_name is not None:
        result = filter_view(overview, directory, _find_filter(directory, filter_name))
        quiet.print(
            f"[bold]{escape(result.filter.name)}[/] ({escape(result.filter.platform)}): {escape(result.filter.rule)}"
        )
        table = Table(title=f"Used by {len(result.rows)} assignment(s)")
        for column in ("Policy", "Type", "Target", "Include/exclude", "Filter mode"):
            table.add_column(column, overflow="fold")
        for row in result.rows:
            table.add_row(
                escape(row.object.name),
                escape(row.object.type_label),
                _target_cell(row),
                _mode(row),
                escape(row.filter_mode or ""),
            )
        quiet.print(table)
    elif user is not None or device is not None:
        kind, principal = _principal(directory, user, device)
        result = (user_view if kind == "user" else device_view)(overview, directory, principal)
        table = Table(title=f"Assignments targeting {escape(result.label)}")
        for column in ("Policy", "Type", "Target", "Include/exclude", "Filter (mode)", "Intent", "How"):
            table.add_column(column, overflow="fold")
        for item in result.rows:
            if item.state == "unknown":
                how = "unknown: " + item.reason
            elif len(item.path) > 1:
                how = "through " + " → ".join(g.name for g in item.path)
            else:
                how = "direct"
            table.add_row(
                escape(item.row.object.name),
                escape(item.row.object.type_label),
                _target_cell(item.row),
                _mode(item.row),
                _filter_cell(item.row),
                escape(item.row.intent or ""),
                escape(how),
            )
        quiet.print(table)
        quiet.print(f"[dim]{escape(result.note)}[/]")
    elif show_hygiene:
        result = _print_hygiene(quiet, overview, directory)
    else:
        result = overview
        quiet.print(_assignment_table(overview, flat))
        assigned = sum(1 for p in overview.policies if p.assigned)
        quiet.print(f"{len(overview.policies)} objects, {assigned} assigned, {len(overview.rows)} rows")
    _gaps(console, overview.gaps)
    if json_output:
        _print_json(result)
    _finish(data, console)


def _assignments_from_server(server: ServerSignIn, json_output: bool, others: list[str], console: Console) -> None:
    """``assignments --server URL --json``: the server's overview, printed as the local one is."""
    if not json_output:
        raise _user_error("with --server, assignments prints JSON only: add --json")
    if others:
        raise _user_error(f"with --server, {', '.join(others)} cannot be used (the server reads the tenant)")
    body = server_json(server, "/assignments", {}, console)
    # The API serializes the overview with the same ``to_jsonable`` as the local --json.
    overview = {"policies": body.get("policies"), "gaps": body.get("gaps")}
    print(json.dumps(overview, indent=2, ensure_ascii=False))
    raise typer.Exit(EXIT_INCOMPLETE if overview["gaps"] else EXIT_OK)


# -- explain and resultant -----------------------------------------------------------------


_VERDICT_WORDS = ("Targeted", "Excluded", "Filtered out", "Not targeted", "Not applicable", "Unknown")


def _why(summary: str) -> str:
    """The summary without its leading verdict word (the verdict has its own column)."""
    for word in _VERDICT_WORDS:
        if summary.startswith(word):
            rest = summary[len(word) :].lstrip(": ")
            return rest[:1].upper() + rest[1:] if rest else ""
    return summary


def _subject(directory: Directory, user: str | None, device: str | None, primary_user: bool) -> Any:
    from intune_assistant.analyses.troubleshoot import SubjectError, resolve_subject

    try:
        return resolve_subject(directory, user=user, device=device, primary_user=primary_user)
    except SubjectError as exc:
        raise _user_error(str(exc)) from None


def _print_subject(console: Console, info: Any) -> None:
    who = []
    if info.user:
        who.append(f"user [bold]{escape(info.user)}[/]")
    if info.device:
        platform = f", {info.device_platform}" if info.device_platform else ""
        who.append(f"device [bold]{escape(info.device)}[/]{escape(platform)}")
    console.print("For " + " on ".join(who))
    for note in info.notes:
        console.print(f"[dim]{escape(note)}[/]")


def explain(
    user: Annotated[str | None, typer.Option(help="The user (UPN).")] = None,
    device: Annotated[str | None, typer.Option(help="The device (name, id or serial).")] = None,
    policy: Annotated[
        str | None, typer.Option(help="Explain only this policy, app or script (name or id), step by step.")
    ] = None,
    show_all: Annotated[bool, typer.Option("--all", help="Also list what doesn't reach them.")] = False,
    device_only: Annotated[
        bool, typer.Option("--device-only", help="With --device alone: leave out the device's primary user.")
    ] = False,
    demo: DemoOption = None,
    snapshot: SnapshotOption = None,
    json_output: JsonOption = False,
) -> None:
    """What targets a user, a device, or a user on a device — each with its verdict and reason chain.

    Verdicts say "Targeted", not "applied": targeting is not delivery.
    """
    from intune_assistant.analyses.troubleshoot import StepKind, effective_assignments

    console = _console(json_output)
    catalog = default_catalog()
    if user is None and device is None:
        raise _user_error("give --user UPN, --device NAME, or both")
    data = _load(demo, snapshot, catalog, console)
    directory = Directory(data)
    subject = _subject(directory, user, device, not device_only)
    result = effective_assignments(data, subject, catalog, directory=directory)
    _print_subject(console, result.subject)
    if policy is not None:
        items = result.find(policy)
        if not items:
            missing = [g.label for g in result.gaps if g.objects_missing]
            hint = f"; not read: {', '.join(missing)} (it may be there)" if missing else ""
            raise _user_error(f"no policy, app or script named {policy!r} in this snapshot{hint}")
        for item in items:
            console.print(
                f"\n[bold]{escape(item.object.name)}[/] [dim]({escape(item.object.type_label)}, {item.object.id})[/]"
            )
            console.print(f"{_VERDICT_STYLE[item.verdict.value]} — {escape(_why(item.summary))}")
            for number, step in enumerate(item.steps, start=1):
                style = {StepKind.UNKNOWN: "magenta", StepKind.MIXED_EXCLUSION: "yellow"}.get(step.kind, "")
                text = escape(step.text)
                console.print(f"  {number}. " + (f"[{style}]{text}[/]" if style else text))
            for warning in item.warnings:
                console.print(f"  [yellow]⚠ {escape(warning)}[/]")
        output: Any = {"subject": result.subject, "items": items, "gaps": result.gaps}
    else:
        shown = result.items if show_all else result.relevant()
        table = Table(title=f"Effective assignments ({len(shown)} of {len(result.items)})")
        for column in ("Type", "Name", "Verdict", "Why"):
            table.add_column(column, overflow="fold")
        for item in shown:
            why = _why(item.summary) + ("" if not item.warnings else " ⚠ " + "; ".join(item.warnings))
            table.add_row(
                escape(item.object.type_label),
                escape(item.object.name),
                _VERDICT_STYLE[item.verdict.value],
                escape(why),
            )
        console.print(table)
        counts = {v: len(result.with_verdict(v)) for v in {i.verdict for i in result.items}}
        console.print(", ".join(f"{n} {v.value.replace('_', ' ')}" for v, n in sorted(counts.items())))
        console.print(
            "[dim]Targeting is not delivery: a targeted policy still has to reach and apply on the device.[/]"
        )
        output = result
    _gaps(console, result.gaps)
    if json_output:
        _print_json(output)
    _finish(data, console)


def resultant(
    device: Annotated[str, typer.Option(help="The device (name, id or serial).")],
    user: Annotated[
        str | None, typer.Option(help="The user signed in on it (default: the device's primary user).")
    ] = None,
    device_only: Annotated[bool, typer.Option("--device-only", help="Leave out user-targeted policies.")] = False,
    conflicts_only: Annotated[bool, typer.Option("--conflicts-only", help="Only settings in conflict.")] = False,
    demo: DemoOption = None,
    snapshot: SnapshotOption = None,
    json_output: JsonOption = False,
) -> None:
    """The combined settings of every policy that targets a device: value, source policy, conflicts."""
    from intune_assistant.analyses.troubleshoot import effective_assignments, resultant_settings

    console = _console(json_output)
    catalog = default_catalog()
    data = _load(demo, snapshot, catalog, console)
    directory = Directory(data)
    subject = _subject(directory, user, device, not device_only)
    effective = effective_assignments(data, subject, catalog, directory=directory)
    result = resultant_settings(data, effective, catalog)
    _print_subject(console, result.subject)
    settings = result.conflicts if conflicts_only else result.settings
    table = Table(title=f"Resultant settings ({len(settings)})", show_lines=True)
    for column in ("Category", "Setting", "Value", "From", "Status"):
        table.add_column(column, overflow="fold")
    for setting in sorted(settings, key=lambda s: (not s.conflict, s.category.casefold(), s.name.casefold())):
        if setting.winner is not None:
            value, source = setting.value or "", setting.winner.name
        else:
            value = "\n".join(f"{c.value}" for c in setting.sources) or "\n".join(c.value for c in setting.possible)
            source = "\n".join(c.policy.name for c in setting.sources) or "\n".join(
                f"{c.policy.name} (verdict unknown)" for c in setting.possible
            )
        status = _RESOLUTION_STYLE.get(setting.resolution.value, setting.resolution.value)
        if setting.overridden_by_user_scope:
            status += " [yellow](user scope wins)[/]"
        table.add_row(escape(setting.category), escape(setting.name), escape(value), escape(source), status)
    console.print(table)
    console.print(
        f"{len(result.settings)} settings from {len(result.policies)} policies; {len(result.conflicts)} in conflict; "
        f"{len(result.uncertain)} policies with an unknown verdict"
    )
    for ref in result.uncertain:
        console.print(f"  [magenta]?[/] {escape(ref.name)} ({escape(ref.type_label)}): may also apply")
    for note in result.notes:
        console.print(f"[dim]{escape(note)}[/]")
    _gaps(console, result.gaps)
    if json_output:
        _print_json(result)
    _finish(data, console)


# -- conflicts -----------------------------------------------------------------------------


def conflicts(
    demo: DemoOption = None,
    snapshot: SnapshotOption = None,
    json_output: JsonOption = False,
    pairs: Annotated[int, typer.Option(help="Policy pairs shown per conflicting setting.")] = 3,
) -> None:
    """Tenant-wide: settings set differently by policies that reach the same users or devices,
    duplicate policies, and deprecated settings (with replacements where known)."""
    from intune_assistant.analyses.conflicts import conflicts_report

    console = _console(json_output)
    catalog = default_catalog()
    data = _load(demo, snapshot, catalog, console)
    report = conflicts_report(data, catalog)
    table = Table(title=f"Conflicting settings ({len(report.conflicts)})", show_lines=True)
    for column in ("Setting", "Platform", "Policies and values", "Overlap", "What Intune does"):
        table.add_column(column, overflow="fold")
    for conflict in report.conflicts:
        lines = []
        for pair in conflict.pairs[:pairs]:
            overlap = pair.overlap
            why = "; ".join(overlap.shared_targets)
            lines.append(
                (
                    f"'{pair.policy_a.name}' = {pair.value_a} vs '{pair.policy_b.name}' = {pair.value_b}",
                    overlap.scope + (f" ({why})" if why else ""),
                )
            )
        more = conflict.pair_count - len(lines)
        if more > 0:
            lines.append((f"… and {more} more pair(s)", ""))
        table.add_row(
            escape(conflict.name),
            escape(conflict.platform),
            escape("\n".join(line for line, _ in lines)),
            escape("\n".join(scope for _, scope in lines)),
            _RESOLUTION_STYLE.get(conflict.resolution.value, conflict.resolution.value),
        )
    console.print(table)
    duplicates = Table(title=f"Duplicate policies ({len(report.duplicates)})")
    for column in ("Type", "Platform", "Policies", "Settings"):
        duplicates.add_column(column, overflow="fold")
    for duplicate in report.duplicates:
        duplicates.add_row(
            escape(duplicate.type_label),
            escape(duplicate.platform),
            escape("\n".join(p.name for p in duplicate.policies)),
            str(duplicate.settings),
        )
    console.print(duplicates)
    deprecated = Table(title=f"Deprecated or unknown settings ({len(report.deprecated)})")
    for column in ("Policy", "Setting", "Value", "Status", "Replacement"):
        deprecated.add_column(column, overflow="fold")
    for item in report.deprecated:
        status = "deprecated" if item.status == "deprecated" else "not in the current catalogue"
        deprecated.add_row(
            escape(item.policy.name), escape(item.name), escape(item.value), status, escape(item.replacement or "")
        )
    console.print(deprecated)
    for note in report.notes:
        console.print(f"[magenta]{escape(note)}[/]")
    _gaps(console, report.gaps)
    if json_output:
        _print_json(report)
    _finish(data, console)


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command()(assignments)
    app.command()(explain)
    app.command()(resultant)
    app.command()(conflicts)
