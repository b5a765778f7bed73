"""Group membership in bulk: names resolved the admin's way (UPN, display name, device name, id),
dynamic and synchronised groups refused with the reason, one $ref request per member, applied and
verified through the emulator with the module's group write scope, re-runs are no-ops."""

from __future__ import annotations

from typing import Any

import pytest

from intune_assistant.changes.apply import ItemStatus, apply_plan
from intune_assistant.changes.members import (
    MemberAction,
    MembershipRefused,
    members_from_text,
    plan_members,
)
from intune_assistant.snapshot import Snapshot

from .conftest import Writable

STATIC = "Legacy VPN Users"


def _group(writable: Writable, name: str) -> dict[str, Any]:
    return next(g for g in writable.tenant.objects["groups"] if g["displayName"] == name)


def _member_ids(writable: Writable, name: str) -> set[str]:
    return {m["id"] for m in _group(writable, name).get("members") or []}


def _token(writable: Writable) -> str:
    # The bulk-edit module's group scope (the security overview's; the emulator also takes Graph's
    # least privileged GroupMember.ReadWrite.All, which the product's app doesn't configure).
    writable.demo.entra.grant_consent(writable.tenant.tenant_id, ("Group.ReadWrite.All",))
    return writable.demo.token("contoso", scopes=[*writable.demo.catalog.read_scopes(), "Group.ReadWrite.All"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("a@x.com\nb@x.com\n\n", ["a@x.com", "b@x.com"]),
        ("\ufeffUPN,Department\na@x.com,IT\nb@x.com,HR\na@x.com,IT\n", ["a@x.com", "b@x.com"]),
        ("Owner;Device name\nx;PC-1\ny;PC-2\n", ["PC-1", "PC-2"]),
        ("Alice Smith\nBob Jones\n", ["Alice Smith", "Bob Jones"]),
        ("", []),
    ],
)
def test_member_lists_and_csvs_are_read_the_admins_way(text: str, expected: list[str]) -> None:
    assert members_from_text(text) == expected


def test_users_and_devices_resolve_by_upn_name_device_name_and_id(writable: Writable) -> None:
    users = writable.tenant.objects["users"]
    devices = writable.tenant.objects["entraDevices"]
    names = [users[0]["userPrincipalName"].upper(), users[1]["displayName"], users[2]["id"], devices[1]["displayName"]]
    plan = plan_members(writable.snapshot, STATIC, [*names, "nobody@contoso.onmicrosoft.com"], MemberAction.ADD)
    assert [i.member.id for i in plan.items if i.member] == [users[0]["id"], users[1]["id"], users[2]["id"],
                                                            devices[1]["id"]]  # fmt: skip
    group_id = _group(writable, STATIC)["id"]
    request = plan.items[0].requests[0]
    assert (request.method, request.path) == ("POST", f"groups/{group_id}/members/$ref")
    assert request.body == {"@odata.id": f"https://graph.microsoft.com/v1.0/directoryObjects/{users[0]['id']}"}
    assert [r.source for r in plan.rejected] == ["nobody@contoso.onmicrosoft.com"]
    assert plan.rejected[0].reason.startswith("no user or device named 'nobody@contoso.onmicrosoft.com'")
    assert len({i.key for i in plan.items}) == 4  # one item, one result per member


def test_dynamic_and_synchronised_groups_are_refused_with_the_reason(writable: Writable) -> None:
    user = writable.tenant.objects["users"][0]["userPrincipalName"]
    with pytest.raises(MembershipRefused, match="dynamic membership: Entra ID computes its members from its rule"):
        plan_members(writable.snapshot, "All Employees", [user], MemberAction.ADD)
    with pytest.raises(MembershipRefused, match="no group named 'Nope'"):
        plan_members(writable.snapshot, "Nope", [user], MemberAction.ADD)
    synced = {**_group(writable, STATIC), "onPremisesSyncEnabled": True}
    groups = [synced if g["id"] == synced["id"] else g for g in writable.snapshot.objects_of("groups")]
    snapshot = Snapshot(writable.snapshot.tenant, writable.snapshot.source, writable.snapshot.taken_at,
                        {**writable.snapshot.objects, "groups": groups}, writable.snapshot.results)  # fmt: skip
    with pytest.raises(MembershipRefused, match="synchronised from on-premises Active Directory"):
        plan_members(snapshot, STATIC, [user], MemberAction.ADD)


def test_members_already_there_or_not_there_are_notes_not_items(writable: Writable) -> None:
    pilot = _group(writable, "Intune Pilot Users")
    member = next(u for u in writable.tenant.objects["users"] if u["id"] == pilot["members"][0]["id"])
    outsider = next(
        u for u in writable.tenant.objects["users"] if u["id"] not in _member_ids(writable, pilot["displayName"])
    )
    add = plan_members(writable.snapshot, pilot["displayName"], [member["userPrincipalName"]], MemberAction.ADD)
    remove = plan_members(writable.snapshot, pilot["displayName"], [outsider["userPrincipalName"]], MemberAction.REMOVE)
    assert add.items == () and add.notes == (
        f"{member['userPrincipalName']}: already a member of 'Intune Pilot Users'",
    )
    assert remove.items == () and "not a direct member" in remove.notes[0]


async def test_add_then_remove_applied_verified_backed_up_and_rerun_is_a_no_op(writable: Writable) -> None:
    users = [u["userPrincipalName"] for u in writable.tenant.objects["users"][:3]]
    device = writable.tenant.objects["entraDevices"][0]["displayName"]
    add = plan_members(writable.snapshot, STATIC, [*users, device], MemberAction.ADD)
    backups: list[Snapshot] = []

    async def keep(backup: Snapshot) -> None:
        backups.append(backup)

    async with writable.client(_token(writable)) as graph:
        added = await apply_plan(add, graph, on_backup=keep)
        assert [r.status for r in added.results] == [ItemStatus.APPLIED] * 4, added.results
        assert _member_ids(writable, STATIC) == {i.member.id for i in add.items if i.member}
        (backup,) = backups
        assert [(g["displayName"], g["members"]) for g in backup.objects_of("groups")] == [(STATIC, [])]
        rerun = await apply_plan(add, graph)
        assert [r.reason for r in rerun.results] == ["already a member"] * 4

        remove = plan_members(await writable.recollect(), STATIC, users[:2], MemberAction.REMOVE)
        assert [i.requests[0].method for i in remove.items] == ["DELETE", "DELETE"]
        removed = await apply_plan(remove, graph)
    assert [r.status for r in removed.results] == [ItemStatus.APPLIED] * 2
    assert len(_member_ids(writable, STATIC)) == 2
    events = [e for e in writable.tenant.audit_events if e["activityOperationType"] == "Action"]
    assert len(events) == 6


async def test_without_a_member_write_scope_each_item_fails_naming_the_permission(writable: Writable) -> None:
    plan = plan_members(writable.snapshot, STATIC, [writable.tenant.objects["users"][0]["id"]], MemberAction.ADD)
    async with writable.client() as graph:  # Intune write scopes only
        report = await apply_plan(plan, graph)
    assert report.results[0].status is ItemStatus.FAILED
    assert "403: the sign-in lacks the delegated permission Group.ReadWrite.All" in report.results[0].reason
    assert _member_ids(writable, STATIC) == set()


def test_an_intune_device_id_adds_its_entra_object_and_one_without_is_refused_by_name(writable: Writable) -> None:
    # What the Devices page ticks: Intune's managed device ids, linked to Entra ID by azureADDeviceId.
    managed = [dict(d) for d in writable.tenant.objects["managedDevices"][:2]]
    unregistered = {**managed[1], "id": "md-unregistered", "deviceName": "KIOSK-NO-ENTRA",
                    "azureADDeviceId": "00000000-0000-0000-0000-000000000000"}  # fmt: skip
    snapshot = Snapshot(writable.snapshot.tenant, writable.snapshot.source, writable.snapshot.taken_at,
                        {**writable.snapshot.objects, "managedDevices": [*managed, unregistered]},
                        writable.snapshot.results)  # fmt: skip
    plan = plan_members(snapshot, STATIC, [m["id"] for m in [*managed, unregistered]], MemberAction.ADD)
    entra = {e["deviceId"]: e for e in writable.tenant.objects["entraDevices"]}
    assert [i.member.id for i in plan.items if i.member] == [entra[m["azureADDeviceId"]]["id"] for m in managed]
    assert [i.member.name for i in plan.items if i.member] == [entra[m["azureADDeviceId"]]["displayName"]
                                                              for m in managed]  # fmt: skip
    (refused,) = plan.rejected
    assert refused.source == "KIOSK-NO-ENTRA (md-unregistered)"
    assert refused.reason.startswith("the Intune device 'KIOSK-NO-ENTRA' has no Entra ID device object")
