"""``intune-assistant assign``: plan bulk assignment changes from a CSV, then apply the plan.

The plan file is sealed (encrypted and authenticated, ``changes/document.py``) with a key file the
user holds (``assign key``), bound to the tenant, the signed-in user and an expiry; ``apply`` opens
it only for the same user in the same tenant before it expires, and writes the backup of every
object it will touch beside the plan before the first write.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
import json
import os
import ssl
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.table import Table

from intune_assistant.analyses.assignments import Directory
from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.catalog.modules import write_scopes
from intune_assistant.changes import BULK_ASSIGN, Plan
from intune_assistant.changes.apply import ApplyReport, ItemStatus, apply_plan
from intune_assistant.changes.checks import plan_bulk_assignments
from intune_assistant.changes.csv_input import changes_from_assignments_csv
from intune_assistant.changes.document import DEFAULT_LIFETIME, PlanRefused, PlanSealer
from intune_assistant.collect.collector import collect
from intune_assistant.graph import GraphClient, StaticTokenProvider, TokenProvider
from intune_assistant.snapshot import Snapshot, TenantInfo, save_snapshot

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
    device_code_sign_in,
    graph_verify,
)

FORMAT = "intune-assistant plan"
KEY_ENV = "INTUNE_ASSISTANT_PLAN_KEY_FILE"
# What a plan needs besides the objects' own types: names of groups and filters.
_NAME_TYPES = ("groups", "assignmentFilters", "securityTemplates")

DemoOption = Annotated[
    str | None,
    typer.Option(help="A built-in demo tenant (a fresh in-process copy each run: changes don't persist)."),
]
KeyFileOption = Annotated[
    Path | None, typer.Option(envvar=KEY_ENV, help="Your plan key file (make one with 'assign key').")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print a JSON summary on stdout.")]


@dataclass
class _Connection:
    """Where Graph is and who signs in; ``who()`` is (tenant id, user id) once signed in."""

    provider: TokenProvider
    base_url: str
    transport: httpx.AsyncBaseTransport | None
    verify: ssl.SSLContext | bool
    tenant: TenantInfo
    who: Callable[[], tuple[str, str]]

    def client(self, scopes: tuple[str, ...]) -> GraphClient:
        return GraphClient(
            self.provider, scopes=scopes, base_url=self.base_url, transport=self.transport, verify=self.verify
        )


def _scopes(catalog: Catalog, write: bool) -> tuple[str, ...]:
    extra = write_scopes(catalog)[BULK_ASSIGN] if write else ()
    return tuple(dict.fromkeys([*catalog.read_scopes(), *extra]))


def _demo_connection(name: str, catalog: Catalog) -> _Connection:
    from intune_assistant.emulator.demo import build_demo

    try:
        demo = build_demo([name], catalog=catalog)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    data = demo.tenants[name]
    # The demo tenant's admin activated bulk assignment (consented to its write scopes).
    demo.entra.grant_consent(data.tenant_id, write_scopes(catalog)[BULK_ASSIGN])
    admin = next(o for o in data.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    token = demo.token(name, scopes=_scopes(catalog, write=True))
    return _Connection(
        provider=StaticTokenProvider(token),
        base_url=GRAPH,
        transport=httpx.ASGITransport(app=demo.app),
        verify=True,
        tenant=TenantInfo(data.tenant_id, data.domain, data.display_name),
        who=lambda: (data.tenant_id, admin.user_id),
    )


def _tenant_connection(
    domain: str, client_id: str | None, authority: str | None, graph_url: str, ca_file: Path | None, console: Console
) -> _Connection:
    provider = device_code_sign_in(domain, client_id, authority, ca_file, console)

    def who() -> tuple[str, str]:
        tenant_id, user_id = provider.tenant_id, provider.user_id
        if not tenant_id or not user_id:
            raise UserError("the sign-in did not say which tenant and user it was for")
        return tenant_id, user_id

    return _Connection(
        provider, graph_url.rstrip("/"), None, graph_verify(ca_file), TenantInfo(None, domain, domain), who
    )


def _connect(
    demo: str | None,
    tenant: str | None,
    client_id: str | None,
    authority: str | None,
    graph_url: str,
    ca_file: Path | None,
    catalog: Catalog,
    console: Console,
) -> _Connection:
    if (demo is None) == (tenant is None):
        raise UserError("give exactly one of --demo NAME or --tenant DOMAIN")
    if demo is not None:
        return _demo_connection(demo.lower(), catalog)
    assert tenant is not None
    return _tenant_connection(tenant, client_id, authority, graph_url, ca_file, console)


def _run(work: Awaitable[Any]) -> Any:
    from intune_assistant.identity.device_code import SignInError

    try:
        return asyncio.run(work)  # type: ignore[arg-type]
    except SignInError as exc:
        raise UserError(f"sign-in failed: {exc}") from None


def _read_key(path: Path | None) -> bytes:
    if path is None:
        raise UserError(f"give --key-file (or {KEY_ENV}); make a key once with: intune-assistant assign key -o FILE")
    try:
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"could not read the plan key {path}: {exc}") from None
    try:
        key = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        key = b""
    if len(key) < 32:
        raise UserError(f"{path} is not a plan key (make one with: intune-assistant assign key -o FILE)")
    return key


def key(output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the new key.")]) -> None:
    """Make a plan key: 32 random bytes that seal your plan files. Keep it private (mode 600)."""
    if output.exists():
        raise UserError(f"{output} exists; a key is never overwritten (plans sealed with it would be lost)")
    text = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode("ascii")
    try:
        descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(text + "\n")
    except OSError as exc:
        raise UserError(f"could not write {output}: {exc.strerror or exc}") from None
    Console(stderr=True).print(f"Plan key written to [bold]{output}[/] (readable by you only).")


async def _snapshot_for(connection: _Connection, catalog: Catalog, type_keys: set[str]) -> Snapshot:
    types = [k for k in (*sorted(type_keys), *_NAME_TYPES) if k in catalog]
    async with connection.client(_scopes(catalog, write=False)) as graph:
        return await collect(graph, catalog, connection.tenant, types=types, source="graph")


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


def _plan_summary(plan: Plan) -> dict[str, Any]:
    return {
        "objects": len(plan.items),
        "requests": plan.request_count,
        "rejected": [dataclasses.asdict(r) for r in plan.rejected],
        "notes": list(plan.notes),
    }


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
    sealer = PlanSealer(_read_key(key_file))
    try:
        text = csv_file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"could not read {csv_file}: {exc}") from None
    connection = _connect(demo, tenant, client_id, authority, graph_url, ca_file, catalog, console)
    type_keys = {row.strip() for row in _type_keys(text)}
    snapshot = _run(_snapshot_for(connection, catalog, type_keys))
    tenant_id, user_id = connection.who()
    snapshot.tenant.tenant_id = tenant_id
    directory = Directory(snapshot)
    try:
        changes, refused = changes_from_assignments_csv(text, directory)
    except ValueError as exc:
        raise UserError(f"{csv_file}: {exc}") from None
    # The same checks and planning as the Assignment manager page.
    made = plan_bulk_assignments(snapshot, changes, refused, catalog=catalog, directory=directory)
    now = datetime.now(UTC)
    document = sealer.seal(made, tenant_id=tenant_id, user_id=user_id, now=now, lifetime=timedelta(hours=hours))
    wrapper = {
        "format": FORMAT,
        "version": 1,
        "module": BULK_ASSIGN,
        "tenant": snapshot.tenant.domain,
        "expires": (now + timedelta(hours=hours)).isoformat(),
        "summary": _plan_summary(made),
        "document": document,
    }
    try:
        output.write_text(json.dumps(wrapper, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UserError(f"could not write {output}: {exc.strerror or exc}") from None
    if json_output:
        print(json.dumps({"plan": str(output), **_plan_summary(made)}, indent=2))
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


def _read_plan_file(path: Path) -> str:
    try:
        wrapper = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UserError(f"could not read the plan {path}: {exc}") from None
    if not isinstance(wrapper, dict) or wrapper.get("format") != FORMAT or not isinstance(wrapper.get("document"), str):
        raise UserError(f"{path} is not a plan written by 'intune-assistant assign plan'")
    return str(wrapper["document"])


def _backup_folder(plan_file: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d_%H%M%S")
    return plan_file.with_name(f"{plan_file.stem}_backup_{stamp}")


def _results(report: ApplyReport, console: Console) -> None:
    table = Table(title="Results")
    for column in ("Object", "Type", "Result", "Reason"):
        table.add_column(column)
    styles = {ItemStatus.APPLIED: "green", ItemStatus.SKIPPED: "yellow", ItemStatus.FAILED: "red"}
    for result in report.results:
        status = f"[{styles[result.status]}]{result.status.value}[/]"
        table.add_row(result.object.name, result.object.type_label, status, result.reason)
    console.print(table)
    counts = ", ".join(f"{report.count(s)} {s.value}" for s in ItemStatus)
    console.print(f"{len(report.results)} object(s): {counts}")


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
    sealer = PlanSealer(_read_key(key_file))
    document = _read_plan_file(plan_file)
    connection = _connect(demo, tenant, client_id, authority, graph_url, ca_file, catalog, console)
    backup_to = _backup_folder(plan_file)

    async def work() -> tuple[Plan, ApplyReport]:
        async with connection.client(_scopes(catalog, write=True)) as graph:
            # Signing in (the first token) tells who the user is; the plan opens only for them.
            await connection.provider.get_token(_scopes(catalog, write=True))
            tenant_id, user_id = connection.who()
            try:
                opened = sealer.open(document, tenant_id=tenant_id, user_id=user_id)
            except PlanRefused as exc:
                raise UserError(f"{plan_file}: {exc}") from None

            async def keep(backup: Snapshot) -> None:
                try:
                    await asyncio.to_thread(save_snapshot, backup, backup_to, catalog)
                except OSError as exc:
                    raise UserError(
                        f"could not write the backup to {backup_to}, so nothing was changed: {exc}"
                    ) from None

            return opened, await apply_plan(opened, graph, catalog=catalog, on_backup=keep)

    opened, report = _run(work())
    if json_output:
        summary = {
            "backup": str(backup_to) if report.backup is not None and report.backup.count() else None,
            "results": [
                {"object": r.object.name, "type": r.object.type_key, "id": r.object.id, "status": r.status.value,
                 "reason": r.reason, "requests": r.requests}
                for r in report.results
            ],
        }  # fmt: skip
        print(json.dumps(summary, indent=2))
    else:
        if opened.empty:
            console.print("The plan has nothing to change.")
        _results(report, console)
        if report.backup is not None and report.backup.count():
            console.print(f"Backup of the objects before the change: [bold]{backup_to}[/]")
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
