"""Policy sets deploy: Contoso's sets into Fabrikam, each item's policy, app or profile translated by
name to Fabrikam's own object (or the one the same plan creates); a set whose payload can't be mapped
is flagged; a re-run plans nothing; the emulator creates items as Intune does."""

from __future__ import annotations

import asyncio

import httpx
from tests.integration.conftest import collect_demo

from intune_assistant.catalog.modules import write_scopes
from intune_assistant.changes.apply import ItemStatus, apply_plan
from intune_assistant.changes.deploy import DeployOptions, plan_deploy
from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.emulator.graph import EmulatorOptions
from intune_assistant.graph import GraphClient, StaticTokenProvider
from intune_assistant.snapshot import Snapshot

GRAPH = "https://graph.microsoft.com"


async def _fast(seconds: float) -> None:
    await asyncio.sleep(0)


def _demo() -> DemoTenancy:
    demo = build_demo(["contoso", "fabrikam"], options=EmulatorOptions())
    demo.entra.grant_consent(demo.tenants["fabrikam"].tenant_id, write_scopes(demo.catalog)["deploy-baseline"])
    # Fabrikam has no policy sets of its own: Contoso's are created.
    demo.tenants["fabrikam"].objects["policySets"] = []
    return demo


def _client(demo: DemoTenancy) -> GraphClient:
    scopes = [*demo.catalog.read_scopes(), *write_scopes(demo.catalog)["deploy-baseline"]]
    transport = httpx.ASGITransport(app=demo.app)
    return GraphClient(StaticTokenProvider(demo.token("fabrikam", scopes=scopes)), base_url=GRAPH,
                       transport=transport, sleep=_fast)  # fmt: skip


async def _read(demo: DemoTenancy, name: str) -> Snapshot:
    snapshot, _ = await collect_demo(demo, name)
    return snapshot


async def test_policy_sets_created_last_with_their_items_mapped_by_name_and_a_rerun_plans_nothing() -> None:
    demo = _demo()
    contoso, fabrikam = await _read(demo, "contoso"), await _read(demo, "fabrikam")
    plan = plan_deploy(contoso, fabrikam)
    sets = [i for i in plan.items if i.object.type_key == "policySets"]
    flagged = [r for r in plan.rejected if r.source == "Policy sets"]
    assert len(sets) + len(flagged) == len(contoso.objects_of("policySets")) and sets
    assert all(i.stage == max(j.stage for j in plan.items) for i in sets)
    for item in sets:
        create, *items = item.requests
        assert (create.method, create.path) == ("POST", "deviceAppManagement/policySets")
        assert "status" not in create.body and "items" not in create.body
        assert items and all(r.path == "deviceAppManagement/policySets/{new}/items" for r in items)
        assert all("id" not in r.body and r.body["payloadId"] for r in items)
    contoso_ids = {str(o["id"]) for objects in contoso.objects.values() for o in objects}
    async with _client(demo) as graph:
        report = await apply_plan(plan, graph)
    assert [(r.key, r.reason) for r in report.results if r.status is not ItemStatus.APPLIED] == []
    after = await _read(demo, "fabrikam")
    names = {str(o["id"]): r for r, objects in after.objects.items() for o in objects}
    by_name = {s["displayName"]: s for s in contoso.objects_of("policySets")}
    for made in after.objects_of("policySets"):
        source = by_name[made["displayName"]]
        assert len(made["items"]) == len(source["items"])
        for item in made["items"]:
            assert item["payloadId"] not in contoso_ids and item["payloadId"] in names
            assert item["errorCode"] == "noError"
        assert sorted(i["displayName"] for i in made["items"]) == sorted(i["displayName"] for i in source["items"])
    assert plan_deploy(contoso, after).items == ()


async def test_a_set_whose_policy_the_target_lacks_and_the_plan_does_not_create_is_flagged() -> None:
    demo = _demo()
    contoso, fabrikam = await _read(demo, "contoso"), await _read(demo, "fabrikam")
    policy_set = contoso.objects_of("policySets")[0]
    # Only the set is deployed: a payload Fabrikam has no object of that name for can't be mapped.
    have = {str(o.get("displayName", o.get("name"))) for objects in fabrikam.objects.values() for o in objects}
    lacking = [i["displayName"] for i in policy_set["items"] if i["displayName"] not in have]
    assert lacking
    plan = plan_deploy(contoso, fabrikam, DeployOptions(only=(policy_set["displayName"],)))
    (refused,) = [r for r in plan.rejected if r.summary == policy_set["displayName"]]
    assert all(f"policy '{name}': not mapped" in refused.reason for name in lacking)
    assert not [i for i in plan.items if i.object.type_key == "policySets"]


async def test_the_emulator_creates_an_item_as_intune_does() -> None:
    demo = _demo()
    policy = demo.tenants["fabrikam"].objects["settingsCatalog"][0]
    async with _client(demo) as graph:
        made = await graph.request("POST", "deviceAppManagement/policySets", json={"displayName": "Set"})
        path = f"deviceAppManagement/policySets/{made.body['id']}/items"
        kind = "#microsoft.graph.deviceManagementConfigurationPolicyPolicySetItem"
        item = await graph.request("POST", path, json={"@odata.type": kind, "payloadId": policy["id"]})
        missing = await graph.request("POST", path, json={"@odata.type": kind, "payloadId": "no-such-id"})
        untyped = await graph.request("POST", path, json={"payloadId": policy["id"]})
    assert item.status == 201 and item.body["displayName"] == policy["name"] and item.body["errorCode"] == "noError"
    assert missing.status == 201 and (missing.body["status"], missing.body["errorCode"]) == ("error", "notFound")
    assert untyped.status == 400 and untyped.error is not None and "@odata.type" in untyped.error.message
