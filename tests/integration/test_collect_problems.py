"""Malformed pages and missing roles, driven through the emulator: typed problems, never "ok, 0"."""

from __future__ import annotations

import asyncio

import pytest

from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.emulator.graph import EmulatorOptions, PageFault, RouteFaults
from intune_assistant.snapshot import INTUNE_READ_ROLE, ProblemKind, TypeStatus

from .conftest import collect_demo

# 30 settings-catalog policies in Contoso, 25 to a page: two pages.
POLICIES = "settingsCatalog"
FIRST_PAGE = 25


def _faulty(fault: PageFault, *, later_pages: bool) -> DemoTenancy:
    route = RouteFaults(page_fault=fault, page_fault_later_pages=later_pages)
    return build_demo(["contoso"], options=EmulatorOptions(throttling=False, routes={POLICIES: route}))


@pytest.mark.parametrize("fault", [PageFault.NO_VALUE, PageFault.VALUE_NOT_LIST, PageFault.NOT_JSON])
def test_a_malformed_first_page_fails_the_type_with_the_reason(fault: PageFault) -> None:
    demo = _faulty(fault, later_pages=False)
    snapshot, _ = asyncio.run(collect_demo(demo, "contoso", types=[POLICIES, "groups"]))
    result = snapshot.results[POLICIES]
    assert result.status is TypeStatus.FAILED and result.count == 0
    assert result.problem is not None and result.problem.kind is ProblemKind.MALFORMED_ANSWER
    assert result.problem.status == 200 and result.problem.request_id
    assert snapshot.read_objects(POLICIES) is None  # unknown, not "no policies"
    assert snapshot.results["groups"].status is TypeStatus.OK


@pytest.mark.parametrize(
    "fault",
    [
        PageFault.NO_VALUE,
        PageFault.VALUE_NOT_LIST,
        PageFault.NOT_JSON,
        PageFault.REPEATED_NEXT_LINK,
        PageFault.FOREIGN_NEXT_LINK,
    ],
)
def test_a_malformed_later_page_makes_the_type_partial(fault: PageFault) -> None:
    demo = _faulty(fault, later_pages=True)
    snapshot, _ = asyncio.run(collect_demo(demo, "contoso", types=[POLICIES]))
    result = snapshot.results[POLICIES]
    assert result.status is TypeStatus.PARTIAL
    assert result.problem is not None and result.problem.kind is ProblemKind.MALFORMED_ANSWER
    read = snapshot.read_objects(POLICIES)
    assert read is not None and result.problem.stopped_after == len(read)
    # A bad link on page 2 stops after its (sound) items; a bad page 2 stops after page 1. The
    # looping page is read once: nothing twice.
    links = (PageFault.REPEATED_NEXT_LINK, PageFault.FOREIGN_NEXT_LINK)
    assert len(read) == (30 if fault in links else FIRST_PAGE)
    assert len({o["id"] for o in read}) == len(read)
    assert f"stopped after {len(read)} objects" in (result.error or "")


def test_a_foreign_next_link_on_the_first_page_is_not_followed() -> None:
    demo = _faulty(PageFault.FOREIGN_NEXT_LINK, later_pages=False)
    snapshot, _ = asyncio.run(collect_demo(demo, "contoso", types=[POLICIES]))
    result = snapshot.results[POLICIES]
    assert result.status is TypeStatus.PARTIAL and result.count == FIRST_PAGE
    assert result.problem is not None and result.problem.code == "foreignUrl"
    assert "refused to send the Graph token" in result.problem.message


def test_a_user_without_an_intune_role_gets_one_cause_naming_the_role(demo: DemoTenancy) -> None:
    # The partner tenant's technician has no Intune role in their own tenant.
    snapshot, _ = asyncio.run(collect_demo(demo, "partner", token=demo.token("partner", role="none")))
    failed = {k: r for k, r in snapshot.results.items() if r.status is TypeStatus.FAILED}
    intune = {
        k for k in snapshot.results if demo.catalog[k].path.split("/")[0] in ("deviceManagement", "deviceAppManagement")
    }
    assert intune and set(failed) == intune
    causes = {r.problem.cause for r in failed.values() if r.problem is not None}
    assert causes == {(ProblemKind.MISSING_ROLE.value, INTUNE_READ_ROLE)}
    problem = failed[POLICIES].problem
    assert problem is not None and problem.status == 403 and problem.request_id
    assert problem.scope is None  # the consented scopes are fine: no permission is blamed
    # The directory is readable by every role.
    assert snapshot.results["groups"].status is TypeStatus.OK and snapshot.read_objects("groups")
