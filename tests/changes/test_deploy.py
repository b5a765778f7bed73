"""Deploy and restore through the emulator over the real path: plan_deploy → apply_plan → read again."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import httpx
from tests.integration.conftest import collect_demo

from intune_assistant.analyses.compare import ObjectStatus, compare_tenants
from intune_assistant.catalog.modules import write_scopes
from intune_assistant.changes.apply import ItemStatus, apply_plan
from intune_assistant.changes.deploy import RESTORE, AssignMode, DeployOptions, plan_deploy
from intune_assistant.collect.importers import import_path
from intune_assistant.emulator.demo import DemoTenancy, build_demo
from intune_assistant.emulator.graph import EmulatorOptions
from intune_assistant.graph import GraphClient, StaticTokenProvider
from intune_assistant.snapshot import Snapshot

GRAPH = "https://graph.microsoft.com"
SAMPLE = Path(__file__).parents[1] / "fixtures" / "samples" / "intunecd-backup"


async def _fast(seconds: float) -> None:
    await asyncio.sleep(0)


def _writable(*names: str, options: EmulatorOptions | None = None) -> DemoTenancy:
    demo = build_demo(list(names), options=options or EmulatorOptions())
    for name in names:
        demo.entra.grant_consent(demo.tenants[name].tenant_id, write_scopes(demo.catalog)["deploy-baseline"])
    return demo


def _token(demo: DemoTenancy, name: str) -> str:
    return demo.token(name, scopes=[*demo.catalog.read_scopes(), *write_scopes(demo.catalog)["deploy-baseline"]])


def _client(demo: DemoTenancy, name: str) -> GraphClient:
    transport = httpx.ASGITransport(app=demo.app)
    return GraphClient(StaticTokenProvider(_token(demo, name)), base_url=GRAPH, transport=transport, sleep=_fast)


def _name(obj: dict[str, object]) -> object:
    return obj.get("displayName", obj.get("name"))


async def _read(demo: DemoTenancy, name: str) -> Snapshot:
    snapshot, _ = await collect_demo(demo, name, token=_token(demo, name))
    return snapshot


async def test_intunecd_backup_into_fabrikam_then_nothing_left_to_do() -> None:
    demo = _writable("fabrikam")
    source = import_path(SAMPLE)
    plan = plan_deploy(source, await _read(demo, "fabrikam"))
    operations = Counter(i.operation for i in plan.items)
    assert operations["create"] >= 100
    # The default enrollment configuration Fabrikam lacks is listed with the reason, not created; so
    # are the role definition and the Default scope tag's description (Intune RBAC: another module).
    reasons = {(r.summary, r.reason.split(":")[0]) for r in plan.rejected}
    assert reasons == {
        ("All users and all devices", "not deployable"),
        ("POC_U_Role_IntuneRoleAdmin", "not written by the deploy-baseline module"),
        ("Default", "not written by the deploy-baseline module"),
    }
    async with _client(demo, "fabrikam") as graph:
        report = await apply_plan(plan, graph)
    assert [(r.key, r.reason) for r in report.results if r.status is not ItemStatus.APPLIED] == []

    after = await _read(demo, "fabrikam")
    comparison = compare_tenants(source, after)
    created = {(i.object.type_key, i.object.name) for i in plan.items}
    # Created unassigned (the default), so assignments are the one listed difference.
    differing = [
        (d.type_key, d.name, [s.setting_id for s in d.changed_settings][:3])
        for d in comparison.objects
        if (d.type_key, d.name) in created and d.changed_settings
    ]
    assert differing == []
    # Assignments differ only where the plan said they would not be deployed.
    warned = {(i.object.type_key, i.object.name) for i in plan.items if any("not deployed" in w for w in i.warnings)}
    unassigned = {
        (d.type_key, d.name) for d in comparison.objects if (d.type_key, d.name) in created and d.changed_assignments
    }
    assert unassigned and unassigned <= warned
    # What is only in the source is exactly what the plan listed as not deployable.
    missing = {d.name for d in comparison.objects if d.status is ObjectStatus.ONLY_LEFT}
    assert missing == {"All users and all devices", "POC_U_Role_IntuneRoleAdmin"}
    again = plan_deploy(source, after)
    assert again.items == ()


async def test_contoso_into_fabrikam_maps_assignments_and_references_by_name() -> None:
    demo = _writable("contoso", "fabrikam")
    contoso = await _read(demo, "contoso")
    fabrikam = await _read(demo, "fabrikam")
    plan = plan_deploy(contoso, fabrikam, DeployOptions(assign=AssignMode.SOURCE))
    assert plan.items
    fabrikam_groups = {g["id"]: g["displayName"] for g in fabrikam.objects_of("groups")}
    contoso_groups = {g["id"] for g in contoso.objects_of("groups")}
    # Anything whose group or filter Fabrikam lacks (or Contoso's deleted group) is flagged, not planned.
    flagged = [r for r in plan.rejected if "not mapped" in r.reason]
    known = ("no group of that name", "no filter of that name", "the source does not name it")
    assert [r.reason for r in flagged if not any(k in r.reason for k in known)] == []
    async with _client(demo, "fabrikam") as graph:
        report = await apply_plan(plan, graph)
    failed = [(r.key, r.reason) for r in report.results if r.status is not ItemStatus.APPLIED]
    assert failed == []
    after = await _read(demo, "fabrikam")
    filters = {f["id"] for f in after.objects_of("assignmentFilters")}
    tags = {t["id"] for t in after.objects_of("scopeTags")} | {"0"}
    assigned = 0
    for item in plan.items:
        if not item.creates:
            continue
        made = next(
            o for o in after.objects_of(item.object.type_key) if o.get("displayName", o.get("name")) == item.object.name
        )
        for tag in made.get("roleScopeTagIds") or []:
            assert tag in tags
        for assignment in made.get("assignments") or []:
            target = assignment["target"]
            if target.get("groupId"):
                assert target["groupId"] in fabrikam_groups and target["groupId"] not in contoso_groups
                assigned += 1
            if target.get("deviceAndAppManagementAssignmentFilterType") in ("include", "exclude"):
                assert target["deviceAndAppManagementAssignmentFilterId"] in filters
    assert assigned > 0
    assert plan_deploy(contoso, after, DeployOptions(assign=AssignMode.SOURCE)).items == ()


async def test_restore_twenty_deleted_policies_from_the_backup_of_the_delete() -> None:
    demo = _writable("contoso")
    before = await _read(demo, "contoso")
    # Of every kind of create: settings inline, plain, from a template, definition values posted after.
    chosen = {"settingsCatalog": 10, "deviceConfigurations": 8, "securityIntents": 1, "administrativeTemplates": 1}
    victims = [(key, obj) for key, count in chosen.items() for obj in before.objects_of(key)[:count]]
    assert len(victims) == 20
    async with _client(demo, "contoso") as graph:
        for key, obj in victims:
            response = await graph.request("DELETE", f"{demo.catalog[key].path}/{obj['id']}")
            assert response.error is None
    deleted = await _read(demo, "contoso")
    plan = plan_deploy(before, deleted, DeployOptions(assign=AssignMode.SOURCE, same_tenant=True, module=RESTORE))
    assert Counter(i.operation for i in plan.items) == Counter({"create": 20})
    async with _client(demo, "contoso") as graph:
        report = await apply_plan(plan, graph)
    assert report.all_applied, [r.reason for r in report.results if r.status is not ItemStatus.APPLIED]
    restored = await _read(demo, "contoso")
    comparison = compare_tenants(before, restored)
    changed = [(d.type_key, d.name) for d in comparison.objects if d.status is not ObjectStatus.SAME]
    assert changed == []
