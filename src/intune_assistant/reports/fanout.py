"""Running a report over many customers: bounded concurrency, one tenant's snapshot at a time per slot.

``report_tenant`` is one customer's whole part: the reason it cannot be read (its GDAP problem,
or what Entra or Graph answered), else its collection through ``read`` — a fresh Graph client per
tenant, so each tenant has its own throttling window — then the reducer, after which the snapshot
is dropped. The web app runs it once per request (one request per tenant, from the browser);
``run_report`` runs it for many tenants in one process (the CLI, the benchmark), at most
``concurrency`` at once, calling ``on_result`` as each tenant finishes. Memory holds at most
``concurrency`` snapshots, whatever the number of tenants, plus every tenant's rows.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from intune_assistant.catalog import Catalog
from intune_assistant.customers.model import Customer
from intune_assistant.snapshot import Snapshot, TypeStatus
from intune_assistant.snapshot.problems import ProblemKind

from .model import Report, ReportInput, Row, TenantRefused, TenantResult, TenantState

__all__ = [
    "DEFAULT_CONCURRENCY",
    "Collected",
    "TenantReader",
    "choose_customers",
    "report_tenant",
    "run_report",
    "tenant_state",
]

# Tenants read at once by one process. Graph throttles per tenant, so the bound is this process's
# memory (one small snapshot per slot) and CPU, not Graph's limits.
DEFAULT_CONCURRENCY = 16


@dataclass(frozen=True)
class Collected:
    """One tenant's snapshot and the Graph HTTP requests its collection sent."""

    snapshot: Snapshot
    requests: int
    # The tenant's default domain when the reader had to read it (the customer list lacked it).
    domain: str | None = None


TenantReader = Callable[[Customer], Awaitable[Collected]]
"""Collect one customer (raises ``TenantRefused`` when Entra or the product refuses it)."""


def tenant_state(snapshot: Snapshot, catalog: Catalog) -> tuple[TenantState, str]:
    """Ok, partial (with the types not read and why) or failed (nothing could be read, and why).

    A type left out because its optional module is off is not a gap of the report.
    """
    gaps: dict[str, list[str]] = {}
    considered = 0
    for key, result in snapshot.results.items():
        if result.problem is not None and result.problem.kind is ProblemKind.MODULE_OFF:
            continue
        considered += 1
        if result.status is not TypeStatus.OK:
            why = result.error or result.status.value
            gaps.setdefault(why, []).append(catalog[key].label if key in catalog else key)
    if not gaps:
        return TenantState.OK, ""
    reason = "; ".join(f"{', '.join(labels)}: {why}" for why, labels in gaps.items())
    failed = sum(1 for r in snapshot.results.values() if r.status is TypeStatus.FAILED)
    if considered and failed == considered:
        return TenantState.FAILED, f"Nothing could be read. {reason}"
    return TenantState.PARTIAL, f"Not read completely: {reason}"


def _result(
    customer: Customer,
    state: TenantState,
    *,
    rows: Sequence[Row] = (),
    reason: str = "",
    fix: str = "",
    seconds: float = 0.0,
    requests: int = 0,
    domain: str | None = None,
) -> TenantResult:
    found = domain or customer.domain or ""
    return TenantResult(customer.tenant_id, customer.name, found, state, tuple(rows), reason, fix, seconds, requests)


async def report_tenant(
    report: Report,
    customer: Customer,
    read: TenantReader,
    catalog: Catalog,
    *,
    clock: Callable[[], float] = time.perf_counter,
) -> TenantResult:
    """One customer's rows of ``report``, or why it has none."""
    if not report.reads_tenant:
        rows = report.reduce(ReportInput(customer, None, catalog))
        return _result(customer, TenantState.OK, rows=rows)
    if customer.problem is not None:
        return _result(customer, TenantState.FAILED, reason=customer.problem.reason, fix=customer.problem.fix)
    started = clock()
    try:
        collected = await read(customer)
    except TenantRefused as refused:
        return _result(customer, TenantState.FAILED, reason=refused.reason, fix=refused.fix, seconds=clock() - started)
    seconds = clock() - started
    state, why = tenant_state(collected.snapshot, catalog)
    if state is TenantState.FAILED:
        return _result(
            customer, state, reason=why, seconds=seconds, requests=collected.requests, domain=collected.domain
        )
    found = ReportInput(customer, collected.snapshot, catalog)
    # The analyses are CPU work: off the event loop, so other tenants' reads keep flowing.
    rows = await asyncio.to_thread(report.reduce, found)
    return _result(
        customer,
        state,
        rows=rows,
        reason=why,
        seconds=seconds,
        requests=collected.requests,
        domain=collected.domain,
    )


async def run_report(
    report: Report,
    customers: Sequence[Customer],
    read: TenantReader,
    catalog: Catalog,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    on_result: Callable[[TenantResult], None] | None = None,
) -> list[TenantResult]:
    """``report`` over ``customers`` (their order kept), at most ``concurrency`` tenants at once."""
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    slots = asyncio.Semaphore(concurrency)

    async def one(customer: Customer) -> TenantResult:
        async with slots:
            result = await report_tenant(report, customer, read, catalog)
        if on_result is not None:
            on_result(result)
        return result

    return list(await asyncio.gather(*(one(c) for c in customers)))


def choose_customers(customers: Sequence[Customer], wanted: str) -> list[Customer]:
    """``all``, or the customers named in a comma-separated list (name, domain or tenant id, any case).

    ``ValueError`` names what matches no customer (and the customers there are).
    """
    if wanted.strip().lower() == "all":
        return list(customers)
    chosen: list[Customer] = []
    unknown: list[str] = []
    for word in (w.strip().lower() for w in wanted.split(",")):
        if not word:
            continue
        found = next(
            (c for c in customers if word in (c.tenant_id, c.name.lower(), (c.domain or "").lower())),
            None,
        )
        if found is None:
            unknown.append(word)
        elif found not in chosen:
            chosen.append(found)
    if unknown or not chosen:
        known = ", ".join(c.domain or c.name for c in customers) or "none"
        given = f"no customer named {', '.join(unknown)}" if unknown else "no customer given"
        raise ValueError(f"{given}; the customers are: {known}")
    return chosen
