"""`intune-assistant ca` and `ca whatif`: Conditional Access policies in words, their gaps, and what-if.

Exit codes: ``ca`` 0 no gap found, 3 something could not be read, 4 gaps found; ``ca whatif`` 0
the result is decided, 3 it is unknown (the output says what it depends on); 1 the command failed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from intune_assistant.analyses.conditional_access import (
    CA_TYPES,
    Access,
    SignIn,
    WhatIfError,
    ca_overview,
    overview_json,
    what_if,
    what_if_json,
)
from intune_assistant.analyses.troubleshoot import SubjectError
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

__all__ = ["EXIT_GAPS", "register"]

EXIT_GAPS = 4
JsonOption = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout.")]

# One look per verdict (colour, icon and word), as Troubleshoot shows them.
_VERDICT_STYLE = {
    "applies": "[green]✔ Targeted[/]",
    "excluded": "[red]✖ Excluded[/]",
    "filtered_out": "[yellow]⊘ Filtered out[/]",
    "not_applicable": "[dim]– Not applicable (conditions)[/]",
    "not_targeted": "[dim]· Not targeted[/]",
    "unknown": "[magenta]? Unknown[/]",
}
_ACCESS_STYLE = {
    Access.BLOCKED: "[red]✖ Blocked[/]",
    Access.REQUIREMENTS: "[yellow]⚠ Allowed with requirements[/]",
    Access.ALLOWED: "[green]✔ Allowed[/]",
    Access.UNKNOWN: "[magenta]? Unknown[/]",
}

app = typer.Typer(
    no_args_is_help=False,
    help="Conditional Access: every policy in words, the gaps found, and what-if for a sign-in.",
)


def _load(
    console: Any,
    demo: str | None,
    snapshot: Path | None,
    tenant: str | None,
    client_id: str | None,
    authority: str | None,
    graph_url: str,
    ca_file: Path | None,
) -> Any:
    return snapshot_from_options(
        console,
        default_catalog(),
        demo=demo,
        snapshot=snapshot,
        tenant=tenant,
        client_id=client_id,
        authority=authority,
        graph_url=graph_url,
        ca_file=ca_file,
        types=list(CA_TYPES),
    )


@app.callback(invoke_without_command=True)
def overview(
    ctx: typer.Context,
    demo: DemoOption = None,
    snapshot: SnapshotOption = None,
    tenant: TenantOption = None,
    client_id: ClientIdOption = None,
    authority: AuthorityOption = None,
    graph_url: GraphUrlOption = GRAPH,
    ca_file: CaFileOption = None,
    json_output: JsonOption = False,
) -> None:
    """Every Conditional Access policy: state, users, target resources, conditions, grant and session
    controls, and the gaps found (no MFA for admins, legacy authentication, many exclusions,
    break-glass account, forgotten report-only policies, deleted groups or locations).

    Exit code: 0 no gap found, 3 something could not be read, 4 gaps found.
    """
    if ctx.invoked_subcommand is not None:
        return
    console = console_for(json_output)
    data = _load(console, demo, snapshot, tenant, client_id, authority, graph_url, ca_file)
    result = ca_overview(data, default_catalog())
    tenant_name = data.tenant.domain or data.tenant.display_name or "tenant"
    if json_output:
        print(json.dumps(overview_json(result, tenant_name), indent=2, ensure_ascii=False))
    else:
        table = Table(title=f"Conditional Access — {escape(tenant_name)} ({len(result.policies)} policies)")
        for header in ("Policy", "State", "Users", "Target resources", "Conditions", "Grant", "Session"):
            table.add_column(header, overflow="fold")
        for p in result.policies:
            table.add_row(
                escape(p.name),
                escape(p.state_label),
                escape(p.users),
                escape(p.resources),
                escape(p.conditions),
                escape(p.grant) or "—",
                escape(p.session) or "—",
            )
        console.print(table)
        for finding in result.findings:
            about = f" [bold]{escape(finding.policy_name)}[/]:" if finding.policy_name else ""
            console.print(f"[yellow]⚠ {escape(finding.kind.value)}[/]{about} {escape(finding.reason)}")
        if not result.findings:
            console.print("[green]No gaps found.[/]")
        for gap in result.gaps:
            console.print(f"[magenta]? Not read: {escape(gap.label)} — {escape(gap.reason)}[/]")
    if result.gaps:
        raise typer.Exit(EXIT_INCOMPLETE)
    raise typer.Exit(EXIT_GAPS if result.findings else EXIT_OK)


@app.command("whatif")
def whatif(
    user: Annotated[str, typer.Option(help="The user signing in (UPN).")],
    app_name: Annotated[
        str | None, typer.Option("--app", help="The app: an application id or a first-party app's name.")
    ] = None,
    platform: Annotated[
        str | None, typer.Option(help="Device platform: android, iOS, windows, windowsPhone, macOS, linux.")
    ] = None,
    location: Annotated[
        str | None,
        typer.Option(
            help="Named location (name or id), IP address, two-letter country code, or 'elsewhere'; "
            "an IP and a country together separated by a comma."
        ),
    ] = None,
    client_app: Annotated[
        str | None,
        typer.Option(help="Client app: browser, mobileAppsAndDesktopClients, exchangeActiveSync, other."),
    ] = None,
    role: Annotated[
        list[str] | None, typer.Option(help="A directory role the user holds (name or template id); repeatable.")
    ] = None,
    no_roles: Annotated[bool, typer.Option("--no-roles", help="The user holds no directory role.")] = False,
    user_risk: Annotated[str | None, typer.Option(help="User risk: none, low, medium, high.")] = None,
    sign_in_risk: Annotated[str | None, typer.Option(help="Sign-in risk: none, low, medium, high.")] = None,
    demo: DemoOption = None,
    snapshot: SnapshotOption = None,
    tenant: TenantOption = None,
    client_id: ClientIdOption = None,
    authority: AuthorityOption = None,
    graph_url: GraphUrlOption = GRAPH,
    ca_file: CaFileOption = None,
    json_output: JsonOption = False,
) -> None:
    """Which Conditional Access policies apply to a sign-in, and what they do together, with the
    reason per policy. What isn't given (app, platform, location, client app, roles) leaves the
    policies that look at it unknown.

    Exit code: 0 the result is decided, 3 it is unknown.
    """
    if role and no_roles:
        raise UserError("give --role or --no-roles, not both")
    roles = tuple(role) if role else (() if no_roles else None)
    sign_in = SignIn(user, app_name, platform, location, client_app, roles, user_risk, sign_in_risk)
    console = console_for(json_output)
    data = _load(console, demo, snapshot, tenant, client_id, authority, graph_url, ca_file)
    try:
        result = what_if(data, default_catalog(), sign_in)
    except (SubjectError, WhatIfError) as exc:
        raise UserError(str(exc)) from None
    tenant_name = data.tenant.domain or data.tenant.display_name or "tenant"
    if json_output:
        print(json.dumps(what_if_json(result, tenant_name), indent=2, ensure_ascii=False))
    else:
        table = Table(title=f"What if {escape(result.user_label)} signs in — {escape(tenant_name)}")
        for header in ("Policy", "State", "Verdict", "Controls", "Why"):
            table.add_column(header, overflow="fold")
        for v in result.verdicts:
            table.add_row(
                escape(v.policy_name),
                v.state_label,
                _VERDICT_STYLE[v.verdict.value],
                escape(v.controls) or "—",
                escape(" ".join(v.reasons)),
            )
        console.print(table)
        console.print(f"{_ACCESS_STYLE[result.access]} — {escape(result.reason)}")
        for v in result.report_only():
            console.print(f"[dim]Report-only, enforces nothing: {escape(v.policy_name)} ({v.label}).[/]")
        for note in result.notes:
            console.print(f"[dim]{escape(note)}[/]")
    raise typer.Exit(EXIT_INCOMPLETE if result.access is Access.UNKNOWN else EXIT_OK)


def register(root: typer.Typer) -> None:
    """Add ``ca`` and ``ca whatif`` to ``root``."""
    root.add_typer(app, name="ca")
