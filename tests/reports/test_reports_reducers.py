"""The reports' reducers over one customer's snapshot: what the demo generator planted, a tenant that
is the baseline itself, a type that failed, and the GDAP relationships' end dates."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
from tests.reports.conftest import Partner

from intune_assistant.baselines import builtin_baseline
from intune_assistant.reports.fanout import Collected, tenant_state
from intune_assistant.reports.model import ReportInput, TenantState
from intune_assistant.reports.reducers import UnknownReportError, drift_report, report_named
from intune_assistant.snapshot import Snapshot, TypeResult, TypeStatus
from intune_assistant.snapshot.problems import Problem, ProblemKind


@pytest.fixture(scope="module")
def contoso(partner: Partner) -> Snapshot:
    collected: Collected = asyncio.run(partner.reader()(partner.customer("contoso")))
    return collected.snapshot


def _rows(partner: Partner, name: str, snapshot: Snapshot | None, customer: str = "contoso") -> list[tuple]:
    found = ReportInput(partner.customer(customer), snapshot, partner.demo.catalog)
    return [tuple(r) for r in report_named(name).reduce(found)]


def test_hygiene_counts_what_the_generator_planted(partner: Partner, contoso: Snapshot) -> None:
    rows = {row[0]: row for row in _rows(partner, "hygiene", contoso)}
    planted = partner.demo.tenants["contoso"].planted
    assert rows["Unassigned objects"][1] == len(planted["unassigned"])
    assert rows["Filters used by nothing"][1] == len(planted["unusedFilters"])
    assert rows["Empty groups that assignments target"][1] == len(set(planted["emptyGroups"]))
    assert rows["Assignments to deleted groups"][1] >= len(planted["deletedGroupAssignments"]) > 0
    assert rows["Objects whose assignments could not be read"][1] == 0
    first = sorted(planted["unusedFilters"])[0]
    assert first in rows["Filters used by nothing"][2] or "more" in rows["Filters used by nothing"][2]


def test_inventory_counts_each_type_and_names_one_not_read(partner: Partner, contoso: Snapshot) -> None:
    rows = {row[0]: row for row in _rows(partner, "inventory", contoso)}
    label = partner.demo.catalog["settingsCatalog"].label
    assert rows[label][1:3] == (len(contoso.objects_of("settingsCatalog")), "read")
    problem = Problem(ProblemKind.MISSING_SCOPE, "403", status=403, scope="DeviceManagementScripts.Read.All")
    broken = replace(
        contoso,
        results={
            **contoso.results,
            "powershellScripts": TypeResult("powershellScripts", TypeStatus.FAILED, 0, 0.0, problem=problem),
        },
    )
    scripts = next(
        r for r in _rows(partner, "inventory", broken) if r[0] == partner.demo.catalog["powershellScripts"].label
    )
    assert scripts[1:3] == ("", "not read") and "DeviceManagementScripts.Read.All" in scripts[3]
    state, reason = tenant_state(broken, partner.demo.catalog)
    assert state is TenantState.PARTIAL and "DeviceManagementScripts.Read.All" in reason
    assert tenant_state(contoso, partner.demo.catalog)[0] is TenantState.OK


def test_a_tenant_configured_as_the_baseline_scores_100(partner: Partner, contoso: Snapshot) -> None:
    itself = _rows(partner, "baseline-score", builtin_baseline())
    overall = next(r for r in itself if r[0] == "overall")
    assert overall[2] == overall[3] > 0 and overall[4] == 100.0
    demo = next(r for r in _rows(partner, "baseline-score", contoso) if r[0] == "overall")
    assert demo[3] == overall[3] and demo[2] < demo[3]
    assert all(r[0] in ("overall", "area") for r in itself)


def test_gdap_expiry_reads_the_relationship_not_the_tenant(partner: Partner) -> None:
    (litware,) = _rows(partner, "gdap-expiry", None, customer="litware")
    assert litware[1] == "expired" and litware[5] == "expired" and litware[2]
    (contoso,) = _rows(partner, "gdap-expiry", None, customer="contoso")
    assert contoso[1] == "active" and isinstance(contoso[3], int) and contoso[3] > 30 and contoso[5] == ""


def test_unknown_names_list_the_known_ones() -> None:
    with pytest.raises(
        UnknownReportError, match="known: inventory, hygiene, conflicts, baseline-score, drift, gdap-expiry"
    ):
        report_named("compliance")
    with pytest.raises(KeyError, match="known: windows-security"):
        report_named("baseline-score", baseline="cis-level-9")


def test_conflicts_count_what_the_generator_planted(partner: Partner, contoso: Snapshot) -> None:
    rows = {row[0]: row for row in _rows(partner, "conflicts", contoso)}
    planted = partner.demo.tenants["contoso"].planted
    assert rows["Conflicting settings"][1] > 0
    duplicates = rows["Duplicate policies"]
    assert duplicates[1] >= 1 and all(name in duplicates[2] for name in planted["duplicates"][:2])
    assert rows["Deprecated settings in use"][1] >= len(set(planted["deprecated"])) > 0


def test_drift_of_a_tenant_against_itself_and_another(partner: Partner, contoso: Snapshot) -> None:
    itself = drift_report(contoso, "Contoso").reduce(
        ReportInput(partner.customer("contoso"), contoso, partner.demo.catalog)
    )
    label = partner.demo.catalog["settingsCatalog"].label
    row = next(r for r in itself if r[0] == label)
    assert row[1:5] == (0, 0, 0, len(contoso.objects_of("settingsCatalog")))
    fabrikam = asyncio.run(partner.reader()(partner.customer("fabrikam"))).snapshot
    other = drift_report(contoso, "Contoso").reduce(
        ReportInput(partner.customer("fabrikam"), fabrikam, partner.demo.catalog)
    )
    assert any(r[1] or r[2] or r[3] for r in other)
    with pytest.raises(ValueError, match="golden tenant"):
        report_named("drift").reduce(ReportInput(partner.customer("contoso"), contoso, partner.demo.catalog))
