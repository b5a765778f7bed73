"""``intune-assistant customers``: an MSP's GDAP customers, read from its partner tenant.

Reads the relationships, their access assignments and the customers with
``DelegatedAdminRelationship.Read.All`` in the partner tenant (``--demo`` or ``--tenant``), and
shows per customer the relationship's status and end, the GDAP roles the signed-in user holds
there, which modules they are enough for, and why a customer cannot be used with the fix.
Whether each customer consented to the product's apps is checked by the web app (it asks Entra
for a token from each customer), not here.
"""

from __future__ import annotations

import asyncio
import json
import ssl
from datetime import UTC, datetime
from typing import Annotated

import httpx
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from intune_assistant.catalog import default_catalog
from intune_assistant.customers.assess import assess
from intune_assistant.customers.model import Customer
from intune_assistant.customers.read import GdapData, GdapUnreadable, read_gdap
from intune_assistant.customers.serialize import customer_json
from intune_assistant.graph import GraphClient, StaticTokenProvider, TokenProvider
from intune_assistant.identity.device_code import DeviceCodeTokenProvider

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

# Group names and the user's own memberships are read beside the relationships.
_EXTRA = ("Group.Read.All", "Directory.AccessAsUser.All")


async def _read(
    provider: TokenProvider,
    scopes: tuple[str, ...],
    base_url: str,
    transport: httpx.AsyncBaseTransport | None,
    verify: ssl.SSLContext | bool,
    user_id: str | None,
) -> GdapData:
    if user_id is None and isinstance(provider, DeviceCodeTokenProvider):
        # Sign in first: the account's object id decides which groups (and so roles) are yours.
        await provider.get_token(scopes)
        user_id = provider.user_id
    async with GraphClient(provider, base_url, scopes=scopes, transport=transport, verify=verify) as client:
        return await read_gdap(client, user_id)


def _table(customers: list[Customer]) -> Table:
    table = Table(title="GDAP customers")
    for column in ("Customer", "Relationship", "Ends", "Your roles", "Read", "Write", "State"):
        table.add_column(column)
    for c in customers:
        reads = all(m.enough for m in c.modules if m.module in ("inventory", "document"))
        writes = any(
            m.enough for m in c.modules if m.module not in ("inventory", "document", "compare", "troubleshoot")
        )
        ends = f"{c.end:%Y-%m-%d}" if c.end else ""
        if c.expiring:
            ends += f" ({c.days_left} days!)"
        table.add_row(
            escape(c.name),
            c.status,
            ends,
            escape(", ".join(c.role_names) or "none"),
            "yes" if reads else "no",
            "yes" if writes else "no",
            c.problem.code if c.problem else "usable",
        )
    return table


def customers(
    demo: Annotated[bool, typer.Option("--demo", help="The demo partner tenant (Northwind) in the emulator.")] = False,
    demo_customers: Annotated[
        int, typer.Option("--customers", help="With --demo: how many customers besides Contoso and Fabrikam.", min=0)
    ] = 3,
    tenant: TenantOption = None,
    client_id: ClientIdOption = None,
    authority: AuthorityOption = None,
    graph_url: GraphUrlOption = GRAPH,
    ca_file: CaFileOption = None,
    json_output: bool = typer.Option(False, "--json", help="Print the customers as JSON on stdout."),
) -> None:
    """List an MSP's GDAP customers: relationship status and end, your roles, modules, reason and fix.

    Exit code: 0 everything was read, 3 something (a relationship's assignments, group names) was not.
    """
    console = console_for(json_output)
    catalog = default_catalog()
    scopes = (*catalog.partner_scopes(), *_EXTRA)
    if demo == bool(tenant):
        raise UserError("give exactly one of --demo or --tenant DOMAIN (your partner tenant)")
    if demo:
        from intune_assistant.emulator.demo import build_demo

        tenancy = build_demo(["partner"], customers=demo_customers)
        partner = tenancy.tenants["partner"]
        admin = next(o for o in partner.operators if o.role == "admin" and o.enabled and not o.mfa_required)
        provider: TokenProvider = StaticTokenProvider(tenancy.token("partner", scopes=scopes))
        user_id: str | None = admin.user_id
        transport: httpx.AsyncBaseTransport | None = httpx.ASGITransport(app=tenancy.app)
        base_url, verify = GRAPH, graph_verify(None)
        partner_id = partner.tenant_id
    else:
        assert tenant is not None
        provider = device_code_sign_in(tenant, client_id, authority, ca_file, console)
        transport, base_url, verify = None, graph_url, graph_verify(ca_file)
        user_id = None
    try:
        data = asyncio.run(_read(provider, scopes, base_url, transport, verify, user_id))
    except GdapUnreadable as exc:
        raise UserError(f"the GDAP relationships could not be read: {exc.error.describe()}") from None
    if not demo:
        partner_id = getattr(provider, "tenant_id", None) or str(tenant)
    found = assess(data, {}, {}, partner_tenant_id=partner_id, now=datetime.now(UTC))
    if json_output:
        print(json.dumps({"customers": [customer_json(c) for c in found], "gaps": data.gaps}, indent=2))
    else:
        console.print(_table(found))
        for c in found:
            if c.problem is not None:
                console.print(f"[bold]{escape(c.name)}[/]: {escape(c.problem.reason)} Fix: {escape(c.problem.fix)}")
        for gap in data.gaps:
            console.print(f"[yellow]not read:[/] {escape(gap)}")
        console.print("Consent of each customer is checked by the web app's Customers page.")
    raise typer.Exit(EXIT_INCOMPLETE if data.gaps else EXIT_OK)


def register(app: typer.Typer) -> None:
    """Add this module's command to ``app``."""
    app.command("customers")(customers)


__all__ = ["Console", "customers", "register"]
