"""What the plan-then-apply commands share (``assign``, ``bulk``): where Graph is and who signs
in, the user's plan key, the sealed plan file, and applying it with the backup beside the plan.

The plan file is sealed (encrypted and authenticated, ``changes/document.py``) with a key file the
user holds (``assign key``), bound to the tenant, the signed-in user and an expiry; apply opens it
only for the same user in the same tenant before it expires, and writes the backup of every object
it will touch beside the plan before the first write.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import dataclasses
import json
import os
import ssl
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.table import Table

from intune_assistant.catalog import Catalog
from intune_assistant.catalog.modules import default_read_scopes, optional_write_scopes, write_scopes
from intune_assistant.changes import Plan
from intune_assistant.changes.apply import ApplyReport, ItemStatus, apply_plan
from intune_assistant.changes.document import PlanRefused, PlanSealer
from intune_assistant.collect.collector import collect
from intune_assistant.graph import GraphClient, StaticTokenProvider, TokenProvider
from intune_assistant.snapshot import Snapshot, TenantInfo, save_snapshot

from .common import (
    GRAPH,
    UserError,
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
class Connection:
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


def scopes_for(catalog: Catalog, module: str, *, write: bool, extra: Sequence[str] = ()) -> tuple[str, ...]:
    """The read scopes, and ``module``'s write scopes (plus ``extra``, a plan's own) when ``write``."""
    writes = [*write_scopes(catalog)[module], *extra] if write else []
    return tuple(dict.fromkeys([*default_read_scopes(catalog), *writes]))


def plan_scopes(plan: Plan, catalog: Catalog) -> tuple[str, ...]:
    """The write scopes ``plan``'s items need beyond its module's (a deploy creating groups:
    Group.ReadWrite.All), asked for only when applying this plan."""
    module = set(write_scopes(catalog).get(plan.module, ()))
    needed = (catalog[i.object.type_key].write_scope for i in plan.items if i.object.type_key in catalog)
    return tuple(sorted({s for s in needed if s and s not in module}))


def read_plan_scopes(path: Path, module: str, catalog: Catalog) -> tuple[str, ...]:
    """The extra write scopes a plan file says it needs, limited to those ``module`` may ask for.

    The file's word is only a request for a token: once the sealed plan is open, apply checks what
    it really needs (``apply_plan_file``).
    """
    try:
        wrapper = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        return ()  # read_plan_file says what is wrong with the file
    asked = wrapper.get("scopes") if isinstance(wrapper, dict) else None
    allowed = optional_write_scopes(catalog).get(module, ())
    return tuple(s for s in allowed if isinstance(asked, list) and s in asked)


def _demo_connection(name: str, catalog: Catalog, module: str, extra: Sequence[str] = ()) -> Connection:
    from intune_assistant.emulator.demo import build_demo

    try:
        demo = build_demo([name], catalog=catalog)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    data = demo.tenants[name]
    # The demo tenant's admin activated the module (consented to its write scopes).
    demo.entra.grant_consent(data.tenant_id, [*write_scopes(catalog)[module], *extra])
    admin = next(o for o in data.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    token = demo.token(name, scopes=scopes_for(catalog, module, write=True, extra=extra))
    return Connection(
        provider=StaticTokenProvider(token),
        base_url=GRAPH,
        transport=httpx.ASGITransport(app=demo.app),
        verify=True,
        tenant=TenantInfo(data.tenant_id, data.domain, data.display_name),
        who=lambda: (data.tenant_id, admin.user_id),
    )


def _tenant_connection(
    domain: str, client_id: str | None, authority: str | None, graph_url: str, ca_file: Path | None, console: Console
) -> Connection:
    provider = device_code_sign_in(domain, client_id, authority, ca_file, console)

    def who() -> tuple[str, str]:
        tenant_id, user_id = provider.tenant_id, provider.user_id
        if not tenant_id or not user_id:
            raise UserError("the sign-in did not say which tenant and user it was for")
        return tenant_id, user_id

    return Connection(
        provider, graph_url.rstrip("/"), None, graph_verify(ca_file), TenantInfo(None, domain, domain), who
    )


def connect(
    module: str,
    demo: str | None,
    tenant: str | None,
    client_id: str | None,
    authority: str | None,
    graph_url: str,
    ca_file: Path | None,
    catalog: Catalog,
    console: Console,
    extra: Sequence[str] = (),
) -> Connection:
    """A connection to the ``--demo`` tenant (``module`` activated, and consent to ``extra``, a plan's
    own scopes) or to ``--tenant`` (device-code sign-in)."""
    if (demo is None) == (tenant is None):
        raise UserError("give exactly one of --demo NAME or --tenant DOMAIN")
    if demo is not None:
        return _demo_connection(demo.lower(), catalog, module, extra)
    assert tenant is not None
    return _tenant_connection(tenant, client_id, authority, graph_url, ca_file, console)


def run(work: Awaitable[Any]) -> Any:
    """Run ``work``; a failed sign-in is the user's error, with the reason."""
    from intune_assistant.identity.device_code import SignInError

    try:
        return asyncio.run(work)  # type: ignore[arg-type]
    except SignInError as exc:
        raise UserError(f"sign-in failed: {exc}") from None


def read_key(path: Path | None) -> bytes:
    """The plan key in ``path``."""
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


async def snapshot_for(connection: Connection, catalog: Catalog, type_keys: set[str]) -> Snapshot:
    """The tenant's objects of ``type_keys``, with the names plans show (groups, filters...)."""
    types = [k for k in dict.fromkeys((*sorted(type_keys), *_NAME_TYPES)) if k in catalog]
    async with connection.client(default_read_scopes(catalog)) as graph:
        return await collect(graph, catalog, connection.tenant, types=types, source="graph")


def plan_summary(plan: Plan) -> dict[str, Any]:
    """Counts, refusals and notes of ``plan`` (the plan file's summary and the ``--json`` answer)."""
    return {
        "objects": len(plan.items),
        "requests": plan.request_count,
        "rejected": [dataclasses.asdict(r) for r in plan.rejected],
        "notes": list(plan.notes),
    }


def write_plan(
    made: Plan,
    output: Path,
    sealer: PlanSealer,
    who: tuple[str, str],
    hours: float,
    domain: str | None,
    scopes: Sequence[str] = (),
) -> None:
    """Seal ``made`` for this user and tenant and write the plan file (``scopes``: what applying it
    asks for beyond the module's write scopes, ``plan_scopes``)."""
    tenant_id, user_id = who
    now = datetime.now(UTC)
    document = sealer.seal(made, tenant_id=tenant_id, user_id=user_id, now=now, lifetime=timedelta(hours=hours))
    wrapper = {
        "format": FORMAT,
        "version": 1,
        "module": made.module,
        "tenant": domain,
        "expires": (now + timedelta(hours=hours)).isoformat(),
        "summary": plan_summary(made),
        "scopes": list(scopes),
        "document": document,
    }
    try:
        output.write_text(json.dumps(wrapper, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise UserError(f"could not write {output}: {exc.strerror or exc}") from None


def read_plan_file(path: Path, module: str) -> str:
    """The sealed document of a plan file ``module`` wrote."""
    try:
        wrapper = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UserError(f"could not read the plan {path}: {exc}") from None
    if not isinstance(wrapper, dict) or wrapper.get("format") != FORMAT or not isinstance(wrapper.get("document"), str):
        raise UserError(f"{path} is not a plan written by intune-assistant")
    if wrapper.get("module", "bulk-assign") != module:
        raise UserError(f"{path} is a plan of the '{wrapper.get('module')}' module, not of '{module}'")
    return str(wrapper["document"])


def _backup_folder(plan_file: Path) -> Path:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d_%H%M%S")
    return plan_file.with_name(f"{plan_file.stem}_backup_{stamp}")


def print_results(report: ApplyReport, console: Console) -> None:
    """Every item's result as a table, then the counts."""
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


def apply_plan_file(
    plan_file: Path,
    module: str,
    connection: Connection,
    catalog: Catalog,
    sealer: PlanSealer,
    check: Callable[[Plan], None] | None = None,
    extra: Sequence[str] = (),
) -> tuple[Plan, ApplyReport, Path]:
    """Open the plan for the signed-in user, run ``check`` on it (raise ``UserError`` to stop before
    anything is written), apply it with the backup beside the plan; the plan, report and backup folder."""
    document = read_plan_file(plan_file, module)
    backup_to = _backup_folder(plan_file)
    write = scopes_for(catalog, module, write=True, extra=extra)

    async def work() -> tuple[Plan, ApplyReport]:
        async with connection.client(write) as graph:
            # Signing in (the first token) tells who the user is; the plan opens only for them.
            await connection.provider.get_token(write)
            tenant_id, user_id = connection.who()
            try:
                opened = sealer.open(document, tenant_id=tenant_id, user_id=user_id)
            except PlanRefused as exc:
                raise UserError(f"{plan_file}: {exc}") from None
            missing = [s for s in plan_scopes(opened, catalog) if s not in write]
            if missing:
                raise UserError(f"{plan_file}: the plan needs {', '.join(missing)}, which was not asked for; "
                                "nothing was changed (was the plan file edited?)")  # fmt: skip
            if check is not None:
                check(opened)

            async def keep(backup: Snapshot) -> None:
                try:
                    await asyncio.to_thread(save_snapshot, backup, backup_to, catalog)
                except OSError as exc:
                    raise UserError(
                        f"could not write the backup to {backup_to}, so nothing was changed: {exc}"
                    ) from None

            return opened, await apply_plan(opened, graph, catalog=catalog, on_backup=keep)

    opened, report = run(work())
    return opened, report, backup_to


def report_results(opened: Plan, report: ApplyReport, backup_to: Path, console: Console, json_output: bool) -> None:
    """Print the apply's results (a table, or JSON on stdout)."""
    if json_output:
        summary = {
            "backup": str(backup_to) if report.backup is not None and report.backup.count() else None,
            "results": [
                {"object": r.object.name, "type": r.object.type_key, "id": r.object.id, "key": r.key,
                 "status": r.status.value, "reason": r.reason, "requests": r.requests}
                for r in report.results
            ],
        }  # fmt: skip
        print(json.dumps(summary, indent=2))
        return
    if opened.empty:
        console.print("The plan has nothing to change.")
    print_results(report, console)
    if report.backup is not None and report.backup.count():
        console.print(f"Backup of the objects before the change: [bold]{backup_to}[/]")
