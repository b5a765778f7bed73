"""A refresh reads only what changed and ends with the same snapshot a full read gives."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.emulator.graph import EmulatorOptions, PageFault, RouteFaults
from intune_assistant.snapshot import Snapshot

from .conftest import GRAPH, collect_demo

WRITE_SCOPES = ["DeviceManagementConfiguration.ReadWrite.All", "Group.ReadWrite.All"]


def _normal(snapshot: Snapshot) -> dict[str, str]:
    """Objects per type, order-free (lists by id, group members by id)."""
    found = {}
    for key, items in snapshot.objects.items():
        copies = []
        for obj in items:
            copy = dict(obj)
            if key == "groups":
                copy["members"] = sorted(copy["members"], key=lambda m: m["id"])
            copies.append(copy)
        found[key] = json.dumps(sorted(copies, key=lambda o: str(o.get("id"))), sort_keys=True)
    return found


async def _change(demo: DemoTenancy, first: Snapshot) -> dict[str, Any]:
    """Rename a settings-catalog policy and an administrative template, delete a device
    configuration, add a group member and remove another, through the emulator's write routes."""
    tenant_id = demo.tenants["contoso"].tenant_id
    demo.entra.grant_consent(tenant_id, WRITE_SCOPES)  # as activating a write module would
    token = demo.token("contoso", scopes=[*demo.catalog.read_scopes(), *WRITE_SCOPES])
    policy = first.objects_of("settingsCatalog")[0]
    template = first.objects_of("administrativeTemplates")[0]
    gone = first.objects_of("deviceConfigurations")[0]
    static = [g for g in first.objects_of("groups") if "DynamicMembership" not in g.get("groupTypes", [])]
    grows, shrinks = static[0], next(g for g in static[1:] if g["members"])
    newcomer = next(u["id"] for u in first.objects_of("users") if u["id"] not in {m["id"] for m in grows["members"]})
    leaver = shrinks["members"][0]["id"]
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=demo.app), base_url=GRAPH, headers={"Authorization": f"Bearer {token}"}
    ) as graph:
        answers = [
            await graph.patch(
                f"/beta/deviceManagement/configurationPolicies/{policy['id']}", json={"name": "Renamed policy"}
            ),
            await graph.patch(
                f"/beta/deviceManagement/groupPolicyConfigurations/{template['id']}",
                json={"displayName": "Renamed template"},
            ),
            await graph.delete(f"/beta/deviceManagement/deviceConfigurations/{gone['id']}"),
            await graph.post(
                f"/v1.0/groups/{grows['id']}/members/$ref",
                json={"@odata.id": f"{GRAPH}/v1.0/directoryObjects/{newcomer}"},
            ),
            await graph.delete(f"/v1.0/groups/{shrinks['id']}/members/{leaver}/$ref"),
        ]
    assert [a.status_code for a in answers] == [204, 204, 204, 204, 204], [a.text for a in answers]
    return {"policy": policy["id"], "gone": gone["id"], "grows": (grows["id"], newcomer), "shrinks": shrinks["id"]}


def test_a_refresh_reads_less_and_matches_a_full_read() -> None:
    demo = build_demo(["contoso"], options=EmulatorOptions(throttling=False))
    first, first_client = asyncio.run(collect_demo(demo, "contoso"))
    assert first.delta_links.keys() == {"groups", "users", "entraDevices"}
    changed = asyncio.run(_change(demo, first))
    refreshed, refresh_client = asyncio.run(collect_demo(demo, "contoso", previous=first))
    full, _ = asyncio.run(collect_demo(demo, "contoso"))
    assert _normal(refreshed) == _normal(full)
    assert refreshed.names == full.names and refreshed.setting_definitions == full.setting_definitions
    # The changes are there.
    assert any(p["name"] == "Renamed policy" for p in refreshed.objects_of("settingsCatalog"))
    assert changed["gone"] not in {o["id"] for o in refreshed.objects_of("deviceConfigurations")}
    group_id, newcomer = changed["grows"]
    grows = next(g for g in refreshed.objects_of("groups") if g["id"] == group_id)
    assert newcomer in {m["id"] for m in grows["members"]}
    # Less was read, and each type says whether it kept unchanged objects.
    assert refresh_client.stats.sub_requests < first_client.stats.sub_requests
    assert not refreshed.results["groups"].read_in_full
    assert not refreshed.results["administrativeTemplates"].read_in_full
    assert all(r.read_in_full for r in first.results.values())


def test_users_and_devices_are_listed_once_then_refreshed_from_their_delta_link() -> None:
    # Users and devices change in Entra, not through this product: the emulated tenant changes.
    demo = build_demo(["contoso"], options=EmulatorOptions(throttling=False))
    types = ["users", "entraDevices"]
    first, _ = asyncio.run(collect_demo(demo, "contoso", types=types))
    assert first.results["users"].requests == 2  # the list ($top=999) and the deltaLink from now
    entra = demo.tenants["contoso"].objects
    entra["users"][0]["displayName"] = "Renamed in Entra"
    added = {**entra["users"][1], "id": "00000000-0000-0000-0000-00000000beef", "userPrincipalName": "new@contoso"}
    entra["users"].append(added)
    gone = entra["entraDevices"].pop(0)["id"]
    refreshed, _ = asyncio.run(collect_demo(demo, "contoso", previous=first, types=types))
    full, _ = asyncio.run(collect_demo(demo, "contoso", types=types))
    assert _normal(refreshed) == _normal(full)
    assert "Renamed in Entra" in {u["displayName"] for u in refreshed.objects_of("users")}
    assert added["id"] in {u["id"] for u in refreshed.objects_of("users")}
    assert gone not in {d["id"] for d in refreshed.objects_of("entraDevices")}
    assert [refreshed.results[k].requests for k in types] == [1, 1]
    assert not any(refreshed.results[k].read_in_full for k in types)


def test_an_unknown_delta_link_lists_users_again() -> None:
    demo = build_demo(["contoso"], options=EmulatorOptions(throttling=False))
    first, _ = asyncio.run(collect_demo(demo, "contoso", types=["users"]))
    first.delta_links["users"] = first.delta_links["users"].replace("deltatoken=", "deltatoken=expired")
    refreshed, _ = asyncio.run(collect_demo(demo, "contoso", previous=first, types=["users"]))
    assert refreshed.results["users"].read_in_full and refreshed.results["users"].requests == 3
    assert _normal(refreshed) == _normal(first)
    assert refreshed.delta_links["users"] != first.delta_links["users"]


def test_a_previous_snapshot_of_another_tenant_is_not_used() -> None:
    demo = build_demo(["contoso", "fabrikam"], options=EmulatorOptions(throttling=False))
    other, _ = asyncio.run(collect_demo(demo, "fabrikam", types=["groups", "administrativeTemplates"]))
    snapshot, _ = asyncio.run(
        collect_demo(demo, "contoso", previous=other, types=["groups", "administrativeTemplates"])
    )
    assert all(r.read_in_full for r in snapshot.results.values())
    assert {g["id"] for g in snapshot.objects_of("groups")} == {
        g["id"] for g in demo.tenants["contoso"].objects["groups"]
    }


def test_a_refresh_of_a_type_not_read_completely_reads_it_in_full() -> None:
    demo = build_demo(["contoso"], options=EmulatorOptions(throttling=False))
    first, _ = asyncio.run(collect_demo(demo, "contoso", types=["groups", "users", "administrativeTemplates"]))
    first.results["administrativeTemplates"].status = first.results["administrativeTemplates"].status.PARTIAL
    refreshed, _ = asyncio.run(
        collect_demo(demo, "contoso", previous=first, types=["groups", "administrativeTemplates"])
    )
    assert refreshed.results["administrativeTemplates"].read_in_full
    assert not refreshed.results["groups"].read_in_full


# --------------------------------------------------------------------------- what a refresh sees

EVERY_WRITE_SCOPE = [
    "DeviceManagementConfiguration.ReadWrite.All",
    "DeviceManagementServiceConfig.ReadWrite.All",
    "Group.ReadWrite.All",
]


def _group_target(group_id: str) -> dict[str, Any]:
    return {"@odata.type": "#microsoft.graph.groupAssignmentTarget", "groupId": group_id}


def _unassigned_group(obj: dict[str, Any], snapshot: Snapshot) -> str:
    assigned = {a.get("target", {}).get("groupId") for a in obj.get("assignments", [])}
    return next(g["id"] for g in snapshot.objects_of("groups") if g["id"] not in assigned)


async def _every_kind_of_change(demo: DemoTenancy, first: Snapshot) -> dict[str, Any]:
    """Through the emulator's write routes: a changed policy (and an administrative template), an
    assignment-only change on two settings-catalog policies (one of an endpoint-security template,
    whose item ``$expand=assignments`` Graph answers with ``[]``), a device configuration and an
    enrollment configuration (read per item), a new policy, and a deleted one. The assigned and
    the deleted policies are among the oldest: below the newest page, only the audit log tells of
    them."""
    tenant_id = demo.tenants["contoso"].tenant_id
    demo.entra.grant_consent(tenant_id, EVERY_WRITE_SCOPE)
    token = demo.token("contoso", scopes=[*demo.catalog.read_scopes(), *EVERY_WRITE_SCOPE])
    policies = sorted(first.objects_of("settingsCatalog"), key=lambda p: str(p["lastModifiedDateTime"]))
    families = [str(p["templateReference"]["templateFamily"]) for p in policies]
    security = next(p for p, f in zip(policies, families, strict=True) if f.startswith("endpointSecurity"))
    other = next(p for p, f in zip(policies, families, strict=True) if not f.startswith("endpointSecurity"))
    gone, changed = [p for p in policies if p is not security and p is not other][:2]
    template = first.objects_of("administrativeTemplates")[0]
    profile = first.objects_of("deviceConfigurations")[1]
    enrollment = first.objects_of("enrollmentConfigurations")[0]
    new = {k: v for k, v in policies[-1].items() if k not in ("id", "assignments", "createdDateTime")}
    new["name"] = "Added policy"
    config = "/beta/deviceManagement"
    assigned = [
        ("settingsCatalog", security, "configurationPolicies", "assignments"),
        ("settingsCatalog", other, "configurationPolicies", "assignments"),
        ("deviceConfigurations", profile, "deviceConfigurations", "assignments"),
        (
            "enrollmentConfigurations",
            enrollment,
            "deviceEnrollmentConfigurations",
            "enrollmentConfigurationAssignments",
        ),
    ]
    targets = {obj["id"]: _unassigned_group(obj, first) for _, obj, _, _ in assigned}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=demo.app), base_url=GRAPH, headers={"Authorization": f"Bearer {token}"}
    ) as graph:
        answers = [
            await graph.patch(f"{config}/configurationPolicies/{changed['id']}", json={"name": "Changed policy"}),
            await graph.patch(
                f"{config}/groupPolicyConfigurations/{template['id']}", json={"displayName": "Changed template"}
            ),
            await graph.post(f"{config}/configurationPolicies", json=new),
            await graph.delete(f"{config}/configurationPolicies/{gone['id']}"),
        ]
        for _, obj, path, body_key in assigned:
            body = {body_key: [{"target": _group_target(targets[obj["id"]])}]}
            answers.append(await graph.post(f"{config}/{path}/{obj['id']}/assign", json=body))
    assert [a.status_code for a in answers] == [204, 204, 201, 204, 200, 200, 200, 204], [a.text for a in answers]
    return {
        "changed": changed["id"],
        "template": template["id"],
        "assigned": [(key, obj["id"], targets[obj["id"]]) for key, obj, _, _ in assigned],
        "added": answers[2].json()["id"],
        "gone": gone["id"],
    }


def _by_id(snapshot: Snapshot, key: str) -> dict[str, dict[str, Any]]:
    return {o["id"]: o for o in snapshot.objects_of(key)}


def _group_ids(obj: dict[str, Any]) -> set[str]:
    return {a["target"].get("groupId") for a in obj.get("assignments", [])}


def test_a_refresh_shows_a_change_an_assignment_an_addition_and_a_deletion() -> None:
    demo = build_demo(["contoso"], options=EmulatorOptions(throttling=False))
    first, first_client = asyncio.run(collect_demo(demo, "contoso"))
    done = asyncio.run(_every_kind_of_change(demo, first))
    refreshed, refresh_client = asyncio.run(collect_demo(demo, "contoso", previous=first))
    full, _ = asyncio.run(collect_demo(demo, "contoso"))
    assert _normal(refreshed) == _normal(full)
    assert _by_id(refreshed, "settingsCatalog")[done["changed"]]["name"] == "Changed policy"
    assert _by_id(refreshed, "administrativeTemplates")[done["template"]]["displayName"] == "Changed template"
    for key, object_id, group_id in done["assigned"]:
        assert _group_ids(_by_id(refreshed, key)[object_id]) == {group_id}, key
    assert _by_id(refreshed, "settingsCatalog")[done["added"]]["name"] == "Added policy"
    assert done["gone"] not in _by_id(refreshed, "settingsCatalog")
    # Read newest first, the rest kept (Contoso's other ordered lists fit on one page: read whole).
    for key in ("settingsCatalog", "enrollmentConfigurations"):
        assert not refreshed.results[key].read_in_full, key
    assert refresh_client.stats.sub_requests * 2 < first_client.stats.sub_requests


def test_a_refresh_reads_in_full_and_says_why_when_the_audit_log_cannot_be_read() -> None:
    # Every audit-log page answers 200 without "value": the log is unreadable, nothing else is.
    options = EmulatorOptions(throttling=False, routes={"auditEvents": RouteFaults(page_fault=PageFault.NO_VALUE)})
    demo = build_demo(["contoso"], options=options)
    first, _ = asyncio.run(collect_demo(demo, "contoso"))
    done = asyncio.run(_every_kind_of_change(demo, first))
    refreshed, _ = asyncio.run(collect_demo(demo, "contoso", previous=first))
    full, _ = asyncio.run(collect_demo(demo, "contoso"))
    assert _normal(refreshed) == _normal(full)
    for key, object_id, group_id in done["assigned"]:
        assert _group_ids(_by_id(refreshed, key)[object_id]) == {group_id}, key
    assert done["gone"] not in _by_id(refreshed, "settingsCatalog")
    for key in ("settingsCatalog", "deviceConfigurations", "compliancePolicies", "enrollmentConfigurations"):
        result = refreshed.results[key]
        assert result.read_in_full and result.status.value == "ok", key
        assert result.full_read_reason is not None and "audit log could not be read" in result.full_read_reason
    # Groups do not depend on the audit log: still read through their delta query.
    assert not refreshed.results["groups"].read_in_full
