"""`intune-assistant audit`: Intune's audit events for the last days — who changed what, when, with what result.

Read live from Graph (audit events are not part of a snapshot) with the default read scopes.
Exit codes: 0 the log was read, 3 Graph refused or failed to answer (the reason is printed), 1 the
command itself failed.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import httpx
import typer
from rich.markup import escape
from rich.table import Table

from intune_assistant.analyses.audit import AuditRow, audit_rows, what_changed
from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.catalog.modules import default_read_scopes
from intune_assistant.graph import GraphClient, ListResult, StaticTokenProvider, TokenProvider
from intune_assistant.snapshot import Snapshot, TenantInfo

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
from .docs import DemoOption

__all__ = ["register"]


async def _read(
    provider: TokenProvider,
    catalog: Catalog,
    since: datetime,
    *,
    base_url: str,
    transport: httpx.AsyncBaseTransport | None,
    verify: Any,
) -> ListResult:
    record = catalog["auditEvents"]
    stamp = since.strftime("%Y-%m-%dT%H:%M:%SZ")
    async with GraphClient(
        provider, base_url, scopes=default_read_scopes(catalog), transport=transport, verify=verify
    ) as client:
        return await client.list_all(
            record.path, version=record.api_version, params={"$filter": f"activityDateTime ge {stamp}"}
        )


def _row_json(row: AuditRow) -> dict[str, Any]:
    return {
        "when": row.when.isoformat().replace("+00:00", "Z") if row.when else None,
        "actor": row.actor,
        "app": row.app,
        "activity": row.activity,
        "operation": row.operation,
        "result": row.result,
        "category": row.component,
        "objects": [{"id": o.id, "name": o.name, "type": o.type} for o in row.objects],
    }


def audit(
    demo: DemoOption = None,
    tenant: TenantOption = None,
    client_id: ClientIdOption = None,
    authority: AuthorityOption = None,
    graph_url: GraphUrlOption = GRAPH,
    ca_file: CaFileOption = None,
    days: Annotated[int, typer.Option(min=1, max=30, help="How many days back (1 to 30).")] = 7,
    actor: Annotated[str | None, typer.Option(help="Only events initiated by this user (UPN) or app.")] = None,
    json_output: bool = typer.Option(False, "--json", help="Print the events as JSON on stdout."),
) -> None:
    """Intune audit events of the last --days: date, who (and through which app), activity, result, objects.

    Exit code: 0 the log was read, 3 Graph refused or failed (the reason is printed).
    """
    if (demo is None) == (tenant is None):
        raise UserError("give exactly one of --demo NAME or --tenant DOMAIN (audit events are read live)")
    console = console_for(json_output)
    catalog = default_catalog()
    since = datetime.now(UTC).replace(microsecond=0) - timedelta(days=days)
    if demo is not None:
        from intune_assistant.emulator.demo import build_demo

        try:
            built = build_demo([demo.lower()], catalog=catalog)
        except ValueError as exc:
            raise UserError(str(exc)) from None
        data = built.tenants[demo.lower()]
        info = TenantInfo(data.tenant_id, data.domain, data.display_name)
        provider: TokenProvider = StaticTokenProvider(built.token(demo.lower(), scopes=default_read_scopes(catalog)))
        transport: httpx.AsyncBaseTransport | None = httpx.ASGITransport(app=built.app)
        result = asyncio.run(_read(provider, catalog, since, base_url=GRAPH, transport=transport, verify=True))
    else:
        assert tenant is not None
        info = TenantInfo(None, tenant, tenant)
        provider = device_code_sign_in(tenant, client_id, authority, ca_file, console)
        result = asyncio.run(
            _read(
                provider, catalog, since, base_url=graph_url.rstrip("/"), transport=None, verify=graph_verify(ca_file)
            )
        )
    if result.error is not None:
        error = result.error
        console.print(f"[yellow]The audit log could not be read:[/] {error.status or ''} {escape(error.message)}")
        raise typer.Exit(EXIT_INCOMPLETE)
    # No snapshot: objects keep the names and types the events give them.
    empty = Snapshot(tenant=info, source="graph", taken_at=datetime.now(UTC), objects={})
    rows = audit_rows(result.items, empty, catalog)
    if actor is not None:
        rows = [r for r in rows if r.actor.casefold() == actor.casefold()]
    name = info.domain or "tenant"
    if json_output:
        changed = what_changed(rows)
        body = {
            "tenant": name,
            "since": since.isoformat().replace("+00:00", "Z"),
            "events": [_row_json(r) for r in rows],
            "changed": [
                {
                    "id": c.object.id,
                    "name": c.object.name,
                    "type": c.object.type,
                    "changes": c.changes,
                    "actors": list(c.actors),
                }
                for c in changed
            ],
        }
        print(json.dumps(body, indent=2, ensure_ascii=False))
    else:
        table = Table(title=f"Intune audit events — {escape(name)} since {since:%Y-%m-%d %H:%M} UTC")
        for header in ("Date", "Initiated by", "Application", "Activity", "Result", "Objects"):
            table.add_column(header, overflow="fold")
        for row in rows:
            table.add_row(
                f"{row.when:%Y-%m-%d %H:%M}" if row.when else "—",
                escape(row.actor),
                escape(row.app),
                escape(row.activity),
                escape(row.result),
                escape(row.object_text),
            )
        console.print(table)
        console.print(f"{len(rows)} events, {len(what_changed(rows))} objects changed")
    raise typer.Exit(EXIT_OK)


def register(app: typer.Typer) -> None:
    """Add this module's command to ``app``."""
    app.command("audit")(audit)
