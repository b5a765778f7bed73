"""``intune-assistant report NAME --tenants all|LIST``: a cross-tenant report over an MSP's customers.

Runs the web app's fan-out in this process: the partner's GDAP customers are read and assessed,
then each chosen customer is collected with a token issued by that customer, at most
``--concurrency`` at once, reduced to its rows as soon as it is read (its snapshot dropped), and
reported ok / partial / failed with the reason. ``--demo`` reads the demo partner's customers in
the emulator, in this process. Nothing is written but the file ``--output`` names.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import httpx
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.customers.assess import assess, no_consent_problem
from intune_assistant.customers.model import Customer
from intune_assistant.customers.read import GdapUnreadable, read_gdap
from intune_assistant.graph import GraphClient, StaticTokenProvider, TokenProvider
from intune_assistant.reports.export import report_csv, report_json, report_xlsx
from intune_assistant.reports.fanout import (
    DEFAULT_CONCURRENCY,
    TenantReader,
    choose_customers,
    run_report,
    tenant_state,
)
from intune_assistant.reports.model import Report, TenantRefused, TenantResult, TenantState
from intune_assistant.reports.reading import collecting_reader
from intune_assistant.reports.reducers import DRIFT, REPORT_NAMES, UnknownReportError, drift_report, report_named

from .common import EXIT_INCOMPLETE, EXIT_OK, GRAPH, UserError, console_for

_PARTNER_EXTRA = ("Group.Read.All", "Directory.AccessAsUser.All")
# Entra's "no consent for these scopes in this tenant".
_AADSTS_CONSENT = 65001


def _results_table(report: Report, results: list[TenantResult]) -> Table:
    table = Table(title=report.title)
    for column in ("Customer", "State", *report.columns, "Reason"):
        table.add_column(column, overflow="fold")
    blank = [""] * len(report.columns)
    for result in results:
        head = [escape(result.name), result.state.value]
        reason = escape(" ".join(p for p in (result.reason, f"Fix: {result.fix}" if result.fix else "") if p))
        if not result.rows:
            table.add_row(*head, *blank, reason)
        for index, row in enumerate(result.rows):
            table.add_row(
                *(head if index == 0 else ["", ""]), *(escape(str(c)) for c in row), reason if not index else ""
            )
    return table


def _write(path: Path, report: Report, results: list[TenantResult]) -> None:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        data = report_csv(report, results)
    elif suffix == ".xlsx":
        data = report_xlsx(report, results)
    else:
        data = json.dumps(report_json(report, results), indent=2).encode("utf-8")
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise UserError(f"could not write {path}: {exc.strerror or exc}") from None


async def _demo_report(
    report: Report, tenants: str, golden: str | None, customers_count: int, concurrency: int, console: Console
) -> tuple[Report, list[TenantResult]]:
    from intune_assistant.emulator.demo import build_demo
    from intune_assistant.emulator.entra.errors import EntraError

    catalog = default_catalog()
    tenancy = build_demo(("contoso", "fabrikam", "partner"), customers=customers_count, catalog=catalog)
    partner = tenancy.tenants["partner"]
    admin = next(o for o in partner.operators if o.role == "admin" and o.enabled and not o.mfa_required)
    transport = httpx.ASGITransport(app=tenancy.app)
    scopes = (*catalog.partner_scopes(), *_PARTNER_EXTRA)
    token = tenancy.token("partner", scopes=scopes)
    async with GraphClient(StaticTokenProvider(token), GRAPH, scopes=scopes, transport=transport) as client:
        data = await read_gdap(client, admin.user_id)
    found = assess(data, {}, {}, partner_tenant_id=partner.tenant_id, now=datetime.now(UTC))
    try:
        chosen = choose_customers(found, tenants)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    read_scopes = catalog.read_scopes()

    async def provider_for(customer: Customer) -> TokenProvider:
        # What On-Behalf-Of at the customer's authority answers for the partner admin (GDAP).
        try:
            return StaticTokenProvider(
                tenancy.entra.issue_graph_token_for(customer.tenant_id, admin.user_id, read_scopes)
            )
        except EntraError as exc:
            if exc.code == _AADSTS_CONSENT:
                problem = no_consent_problem(customer.name)
                raise TenantRefused(problem.code, problem.reason, problem.fix) from None
            raise TenantRefused("refused", f"Entra ID refused a token for {customer.name}: {exc}") from None

    def client_for(provider: TokenProvider) -> GraphClient:
        return GraphClient(provider, GRAPH, scopes=read_scopes, transport=transport)

    def progress(result: TenantResult) -> None:
        console.print(f"{escape(result.name)}: {result.state.value} ({result.seconds:.1f} s)")

    reader = collecting_reader(provider_for, client_for, catalog)
    if report.name == DRIFT.name:
        report = await _golden(golden, found, reader, catalog)
    return report, await run_report(report, chosen, reader, catalog, concurrency=concurrency, on_result=progress)


async def _golden(golden: str | None, customers: list[Customer], reader: TenantReader, catalog: Catalog) -> Report:
    """The drift report against the customer ``golden``, read once before the others."""
    if not golden:
        raise UserError("the drift report needs --golden CUSTOMER (the golden tenant, by name, domain or id)")
    try:
        (customer,) = choose_customers(customers, golden)
    except ValueError as exc:
        raise UserError(f"--golden: {exc}") from None
    if customer.problem is not None:
        raise UserError(f"--golden: {customer.problem.reason}")
    try:
        collected = await reader(customer)
    except TenantRefused as exc:
        raise UserError(f"--golden: {exc.reason}") from None
    state, why = tenant_state(collected.snapshot, catalog)
    if state is TenantState.FAILED:
        raise UserError(f"--golden {customer.name} could not be read: {why}")
    return drift_report(collected.snapshot, customer.name)


def report(
    name: Annotated[str, typer.Argument(help=f"The report: {', '.join(REPORT_NAMES)}.")],
    tenants: Annotated[
        str, typer.Option(help="'all', or customers by name, domain or tenant id, comma-separated.")
    ] = "all",
    demo: Annotated[bool, typer.Option("--demo", help="The demo partner (Northwind) and its customers.")] = False,
    demo_customers: Annotated[
        int, typer.Option("--customers", help="With --demo: customers besides Contoso and Fabrikam.", min=0)
    ] = 3,
    baseline: Annotated[str | None, typer.Option(help="baseline-score: the built-in baseline.")] = None,
    golden: Annotated[str | None, typer.Option(help="drift: the golden tenant (a customer).")] = None,
    concurrency: Annotated[int, typer.Option(help="Customers read at once.", min=1)] = DEFAULT_CONCURRENCY,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the report (.csv, .xlsx or .json).")
    ] = None,
    json_output: bool = typer.Option(False, "--json", help="Print the report as JSON on stdout."),
) -> None:
    """A report over the MSP's customers: inventory, hygiene, conflicts, baseline-score, drift or gdap-expiry.

    Exit code: 0 every customer was read, 3 some customer was read partly or not at all.
    """
    console = console_for(json_output)
    try:
        chosen_report = report_named(name, baseline=baseline)
    except (UnknownReportError, KeyError) as exc:
        raise UserError(str(exc).strip("'\"")) from None
    if output is not None and output.suffix.lower() not in (".csv", ".xlsx", ".json"):
        raise UserError(f"--output {output}: the file name must end in .csv, .xlsx or .json")
    if not demo:
        raise UserError(
            "give --demo: the CLI reads customer tenants of the demo partner; for your own customers use the "
            "web app's Cross-tenant reports page or its JSON API (each customer's token comes from On-Behalf-Of)"
        )
    try:
        chosen_report, results = asyncio.run(
            _demo_report(chosen_report, tenants, golden, demo_customers, concurrency, console)
        )
    except GdapUnreadable as exc:
        raise UserError(f"the GDAP relationships could not be read: {exc.error.describe()}") from None
    if output is not None:
        _write(output, chosen_report, results)
        console.print(f"Wrote {escape(str(output))}")
    if json_output:
        print(json.dumps(report_json(chosen_report, results), indent=2))
    else:
        console.print(_results_table(chosen_report, results))
    complete = all(r.state is TenantState.OK for r in results)
    raise typer.Exit(EXIT_OK if complete else EXIT_INCOMPLETE)


def register(app: typer.Typer) -> None:
    """Add this module's command to ``app``."""
    app.command("report")(report)
