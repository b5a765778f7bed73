"""The fan-out over the demo partner's five customers: each ends ok or failed with its reason, at most
``concurrency`` customers are read at once, and no snapshot outlives its customer's reduction."""

from __future__ import annotations

import asyncio
import gc
import weakref

import pytest
from tests.reports.conftest import Partner

from intune_assistant.customers.model import Customer
from intune_assistant.reports.fanout import Collected, choose_customers, run_report
from intune_assistant.reports.model import Report, ReportInput, Row, TenantResult, TenantState
from intune_assistant.reports.reducers import report_named


def test_every_demo_customer_ends_with_its_state_and_reason(partner: Partner) -> None:
    finished: list[str] = []
    results = asyncio.run(
        run_report(
            report_named("hygiene"),
            partner.customers,
            partner.reader(),
            partner.demo.catalog,
            concurrency=3,
            on_result=lambda r: finished.append(r.name),
        )
    )
    by_name = {r.name: r for r in results}
    assert [r.name for r in results] == [c.name for c in partner.customers]
    assert sorted(finished) == sorted(by_name)
    for name in ("Contoso", "Fabrikam", "Woodgrove Bank"):
        assert by_name[name].state is TenantState.OK and by_name[name].rows and by_name[name].requests > 0
    litware, adatum = by_name["Litware Inc."], by_name["Adatum Corporation"]
    assert litware.state is TenantState.FAILED and "expired" in litware.reason and "admin relationship" in litware.fix
    assert adatum.state is TenantState.FAILED and "has not granted admin consent" in adatum.reason
    assert "consent link" in adatum.fix and not adatum.rows and not litware.rows


def test_concurrency_is_bounded_and_each_snapshot_is_dropped_after_its_rows(partner: Partner) -> None:
    usable = [partner.customer(n) for n in ("contoso", "fabrikam", "woodgrove")]
    inner = partner.reader()
    refs: list[weakref.ref[object]] = []
    reading = {"now": 0, "most": 0}
    most_alive: list[int] = []

    async def read(customer: Customer) -> Collected:
        reading["now"] += 1
        reading["most"] = max(reading["most"], reading["now"])
        try:
            collected = await inner(customer)
        finally:
            reading["now"] -= 1
        refs.append(weakref.ref(collected.snapshot))
        return collected

    hygiene = report_named("hygiene")

    def reduce(found: ReportInput) -> list[Row]:
        gc.collect()
        most_alive.append(sum(1 for r in refs if r() is not None))
        return hygiene.reduce(found)

    counting = Report("hygiene", "Hygiene", "", hygiene.columns, reduce)
    results = asyncio.run(run_report(counting, usable * 2, read, partner.demo.catalog, concurrency=2))
    assert [r.state for r in results] == [TenantState.OK] * 2 * len(usable), [r.reason for r in results]
    assert reading["most"] == 2 and max(most_alive) <= 2
    gc.collect()
    assert len(refs) == len(results) and all(r() is None for r in refs)


def test_choosing_customers_by_name_domain_or_id(partner: Partner) -> None:
    contoso, woodgrove = partner.customer("contoso"), partner.customer("woodgrove")
    chosen = choose_customers(partner.customers, f"contoso, {woodgrove.domain or woodgrove.tenant_id.upper()}")
    assert chosen == [contoso, woodgrove]
    assert choose_customers(partner.customers, "ALL") == partner.customers
    with pytest.raises(ValueError, match=r"no customer named nowhere; the customers are: .*Contoso"):
        choose_customers(partner.customers, "contoso,nowhere")
    with pytest.raises(ValueError, match="concurrency"):
        asyncio.run(run_report(report_named("hygiene"), [], partner.reader(), partner.demo.catalog, concurrency=0))


def test_a_report_from_the_partners_own_data_reads_no_customer(partner: Partner) -> None:
    async def never(customer: Customer) -> Collected:
        raise AssertionError(f"{customer.name} was read")

    results: list[TenantResult] = asyncio.run(
        run_report(report_named("gdap-expiry"), partner.customers, never, partner.demo.catalog)
    )
    assert all(r.state is TenantState.OK and len(r.rows) == 1 for r in results)
