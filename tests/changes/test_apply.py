"""apply_plan against the emulator over the product's own client: exactly the plan is written,
untouched assignments stay as they were, a change made after planning is never overwritten, a
re-run finishes only what is left, a read-only admin changes nothing, the backup comes first."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from intune_assistant.changes import (
    AssignmentChange,
    AssignTarget,
    ChangeAction,
    ObjectKey,
    Plan,
    plan_assignments,
)
from intune_assistant.changes.apply import ItemStatus, apply_plan
from intune_assistant.snapshot import Snapshot

from .conftest import Writable


def _obj(writable: Writable, type_key: str, name: str) -> dict[str, Any]:
    return next(o for o in writable.tenant.objects[type_key] if (o.get("displayName") or o.get("name")) == name)


def _group_id(writable: Writable, name: str) -> str:
    return str(next(g["id"] for g in writable.tenant.objects["groups"] if g["displayName"] == name))


def _changes(writable: Writable) -> list[AssignmentChange]:
    sales = AssignTarget.group(_group_id(writable, "Autopilot Devices"))
    return [
        AssignmentChange(
            ObjectKey(
                "settingsCatalog", _obj(writable, "settingsCatalog", "WIN - Defender Antivirus - Standard")["id"]
            ),
            ChangeAction.ADD,
            sales,
        ),
        AssignmentChange(
            ObjectKey("mobileApps", _obj(writable, "mobileApps", "Notepad++ 8.7")["id"]),
            ChangeAction.ADD,
            AssignTarget.all_devices(),
            intent="available",
        ),
        AssignmentChange(
            ObjectKey("autopilotProfiles", _obj(writable, "autopilotProfiles", "Autopilot - User Driven")["id"]),
            ChangeAction.ADD,
            sales,
        ),
        AssignmentChange(
            ObjectKey("powershellScripts", _obj(writable, "powershellScripts", "Map network drives")["id"]),
            ChangeAction.REPLACE_ALL,
            sales,
        ),
    ]


def _stored(writable: Writable) -> str:
    return json.dumps({k: writable.tenant.objects[k] for k in sorted(writable.tenant.objects)}, sort_keys=True)


async def _apply(writable: Writable, plan: Plan, token: str | None = None, **kwargs: Any) -> Any:
    async with writable.client(token) as graph:
        return await apply_plan(plan, graph, **kwargs)


async def test_a_plan_is_applied_verified_and_audited_and_untouched_assignments_stay_byte_identical(
    writable: Writable,
) -> None:
    plan = plan_assignments(writable.snapshot, _changes(writable))
    assert len(plan.items) == 4 and plan.rejected == ()
    notepad = _obj(writable, "mobileApps", "Notepad++ 8.7")
    before = copy.deepcopy(notepad["assignments"])
    audit_before = len(writable.tenant.audit_events)

    report = await _apply(writable, plan)

    assert [r.status for r in report.results] == [ItemStatus.APPLIED] * 4, report.results
    stored = _obj(writable, "mobileApps", "Notepad++ 8.7")["assignments"]
    assert json.dumps(stored[: len(before)], sort_keys=True) == json.dumps(before, sort_keys=True)
    assert len(stored) == len(before) + 1
    events = writable.tenant.audit_events[audit_before:]
    admin = next(o for o in writable.tenant.operators if o.role == "admin")
    assert len(events) == 4 and {e["actor"]["userPrincipalName"] for e in events} == {admin.user_principal_name}
    assert {e["resources"][0]["resourceId"] for e in events} == {i.object.id for i in plan.items}

    again = plan_assignments(await writable.recollect(), _changes(writable))
    assert again.empty and again.rejected == ()


async def test_applying_a_plan_twice_equals_applying_it_once(writable: Writable) -> None:
    plan = plan_assignments(writable.snapshot, _changes(writable))
    await _apply(writable, plan)
    once = _stored(writable)
    events = len(writable.tenant.audit_events)

    report = await _apply(writable, plan)

    assert {(r.status, r.reason, r.requests) for r in report.results} == {(ItemStatus.APPLIED, "already applied", 0)}
    assert _stored(writable) == once and len(writable.tenant.audit_events) == events


async def test_an_object_changed_between_plan_and_apply_is_skipped_and_keeps_the_other_change(
    writable: Writable,
) -> None:
    plan = plan_assignments(writable.snapshot, _changes(writable))
    policy = _obj(writable, "settingsCatalog", "WIN - Defender Antivirus - Standard")
    # Someone else assigns the policy in the portal after the plan was made.
    async with writable.client() as graph:
        response = await graph.request(
            "POST",
            f"deviceManagement/configurationPolicies/{policy['id']}/assign",
            json={"assignments": [*policy["assignments"], {"target": {
                "@odata.type": "#microsoft.graph.allLicensedUsersAssignmentTarget"}}]},
        )  # fmt: skip
    assert response.error is None
    theirs = _stored(writable)

    report = await _apply(writable, plan)

    by_name = {r.object.name: r for r in report.results}
    skipped = by_name["WIN - Defender Antivirus - Standard"]
    assert skipped.status is ItemStatus.SKIPPED and skipped.reason.startswith("changed since plan")
    assert [r.status for n, r in by_name.items() if n != skipped.object.name] == [ItemStatus.APPLIED] * 3
    stored = _obj(writable, "settingsCatalog", "WIN - Defender Antivirus - Standard")["assignments"]
    assert json.dumps(stored, sort_keys=True) in theirs  # their change stands, ours was not written


@pytest.mark.parametrize("who", ["read-only admin", "no write consent"])
async def test_a_user_who_may_not_write_gets_a_clear_403_per_item_and_nothing_changes(
    writable: Writable, who: str
) -> None:
    plan = plan_assignments(writable.snapshot, _changes(writable))
    token = writable.token(role="readOnly") if who == "read-only admin" else writable.token(write=False)
    before = _stored(writable)
    events = len(writable.tenant.audit_events)

    report = await _apply(writable, plan, token)

    assert [r.status for r in report.results] == [ItemStatus.FAILED] * 4
    for result in report.results:
        assert result.reason.startswith("403: ")
        if who == "read-only admin":
            assert "Intune role doesn't allow changing" in result.reason
        else:
            assert "lacks the delegated permission DeviceManagement" in result.reason
            assert "ReadWrite.All" in result.reason
    assert _stored(writable) == before and len(writable.tenant.audit_events) == events


async def test_the_backup_holds_the_touched_objects_as_they_were_before_the_first_write(writable: Writable) -> None:
    plan = plan_assignments(writable.snapshot, _changes(writable))
    seen: list[tuple[Snapshot, int]] = []

    async def keep(backup: Snapshot) -> None:
        seen.append((backup, len(writable.tenant.audit_events)))

    events = len(writable.tenant.audit_events)
    expected = {i.object.id: copy.deepcopy(i.precondition.assignments) for i in plan.items}
    await _apply(writable, plan, on_backup=keep)

    [(backup, events_then)] = seen
    assert events_then == events  # nothing was written yet
    backed = {o["id"]: o for objs in backup.objects.values() for o in objs}
    assert set(backed) == set(expected)
    for object_id, assignments in expected.items():
        assert json.dumps(backed[object_id]["assignments"], sort_keys=True) == json.dumps(
            list(assignments), sort_keys=True
        )
    assert backup.tenant.tenant_id == writable.tenant.tenant_id


async def test_when_the_backup_cannot_be_kept_nothing_is_written(writable: Writable) -> None:
    plan = plan_assignments(writable.snapshot, _changes(writable))
    before = _stored(writable)

    async def fail(_: Snapshot) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        await _apply(writable, plan, on_backup=fail)
    assert _stored(writable) == before
