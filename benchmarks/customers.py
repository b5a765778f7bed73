"""Benchmark: read a partner's GDAP customers (the Customers page's Graph part) for many customers.

Builds the demo partner with N customer relationships (the generator's varieties, no customer
tenants served: only the partner is read), serves it in-process with the emulator's latency, and
runs the product's ``read_gdap`` + ``assess`` as the partner admin. Prints, per N: Graph HTTP
requests and sub-requests, pages, wall time and the peak of Python allocations. Consent checks
(one On-Behalf-Of per customer at its authority) are not part of this figure.

    .venv/bin/python benchmarks/customers.py                     # 50 and 200 customers, 150 ms
    .venv/bin/python benchmarks/customers.py --customers 500 --latency 0.05
"""

from __future__ import annotations

import argparse
import asyncio
import time
import tracemalloc
from datetime import UTC, datetime

import httpx

from intune_assistant.catalog import default_catalog
from intune_assistant.customers.assess import assess
from intune_assistant.customers.read import read_gdap
from intune_assistant.emulator.entra import AppRegistrations, EntraOptions, create_entra_app, entra_and_graph
from intune_assistant.emulator.graph import EmulatorOptions, create_graph_app
from intune_assistant.emulator.tenants.generator import tenant_id
from intune_assistant.emulator.tenants.partner import _VARIETY, CustomerSpec, partner_tenant
from intune_assistant.graph import GraphClient, StaticTokenProvider

SCOPES = ("DelegatedAdminRelationship.Read.All", "Group.Read.All", "Directory.AccessAsUser.All")


async def run(count: int, latency: float) -> None:
    specs = []
    for index in range(count):
        domain = f"customer{index + 1:04}.onmicrosoft.com"
        access, consented, ends = _VARIETY[index % len(_VARIETY)]
        specs.append(CustomerSpec(tenant_id(domain), f"Customer {index + 1:04}", domain, access, consented, ends))
    partner = partner_tenant(specs, 7, as_of=datetime.now(UTC))
    catalog = default_catalog()
    by_id = {partner.tenant_id: partner}
    entra_app = create_entra_app(
        by_id,
        registrations=AppRegistrations.demo(catalog=catalog),
        options=EntraOptions(preconsented={partner.tenant_id: SCOPES}),
    )
    entra = entra_app.state.entra
    graph_app = create_graph_app(
        by_id, verifier=entra.graph_verifier(), catalog=catalog, options=EmulatorOptions(latency_s=latency)
    )
    app = entra_and_graph(entra_app, graph_app)
    admin = next(o for o in partner.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    token = entra.issue_graph_token_for(partner.tenant_id, admin.user_id, SCOPES)
    tracemalloc.start()
    started = time.perf_counter()
    async with GraphClient(
        StaticTokenProvider(token),
        "https://graph.microsoft.com",
        scopes=SCOPES,
        transport=httpx.ASGITransport(app=app),
    ) as client:
        data = await read_gdap(client, admin.user_id)
        stats = client.stats
    customers = assess(data, {}, {}, partner_tenant_id=partner.tenant_id, now=datetime.now(UTC))
    wall = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    usable = sum(1 for c in customers if c.usable)
    print(
        f"customers={count:4} latency={latency * 1000:.0f}ms http_requests={stats.http_requests} "
        f"sub_requests={stats.sub_requests} wall={wall:.2f}s peak_alloc={peak / 1e6:.1f}MB "
        f"listed={len(customers)} usable={usable} gaps={len(data.gaps)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, action="append", help="customers (repeatable; default 50, 200)")
    parser.add_argument("--latency", type=float, default=0.15, help="seconds added to every Graph request")
    args = parser.parse_args()
    for count in args.customers or [50, 200]:
        asyncio.run(run(count, args.latency))


if __name__ == "__main__":
    main()
