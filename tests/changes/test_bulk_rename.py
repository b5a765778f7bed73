"""Bulk rename: the rules, the preview, clash refusal before anything is written, and apply through
the emulator (renamed, verified, audited, backed up; a rename made meanwhile is never overwritten;
planning again after an apply is empty) — on Contoso and on 100 policies of the large tenant."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from tests.integration.conftest import collect_demo

from intune_assistant.catalog.modules import write_scopes
from intune_assistant.changes import ObjectKey, Plan
from intune_assistant.changes.apply import ItemStatus, apply_plan
from intune_assistant.changes.renames import RenameKind, RenameRule, RuleError, plan_renames
from intune_assistant.changes.serialize import plan_from_json, plan_to_json
from intune_assistant.emulator.demo import build_demo
from intune_assistant.graph import GraphClient, StaticTokenProvider

from .conftest import Writable


def _keys(writable: Writable, type_key: str, prefix: str) -> list[ObjectKey]:
    return [
        ObjectKey(type_key, str(o["id"]))
        for o in writable.tenant.objects[type_key]
        if str(o.get("name") or o.get("displayName")).startswith(prefix)
    ]


def _names(objects: list[dict[str, Any]]) -> dict[str, str]:
    return {str(o["id"]): str(o.get("name") or o.get("displayName")) for o in objects}


async def _apply(writable: Writable, plan: Plan, **kwargs: Any) -> Any:
    async with writable.client() as graph:
        return await apply_plan(plan, graph, **kwargs)


@pytest.mark.parametrize(
    ("rule", "name", "expected"),
    [
        (RenameRule(RenameKind.PREFIX, "[Old] "), "WIN - Kiosk", "[Old] WIN - Kiosk"),
        (RenameRule(RenameKind.PREFIX, "[Old] "), "[Old] WIN - Kiosk", None),
        (RenameRule(RenameKind.SUFFIX, " (retired)"), "WIN - Kiosk", "WIN - Kiosk (retired)"),
        (RenameRule(RenameKind.SUFFIX, " (retired)"), "WIN - Kiosk (retired)", None),
        (RenameRule(RenameKind.REPLACE, "WIN", "Windows"), "WIN - WIN", "Windows - Windows"),
        (RenameRule(RenameKind.REPLACE, "MAC", "macOS"), "WIN - Kiosk", None),
        (RenameRule(RenameKind.REGEX, r"^WIN - (.*)$", r"Windows: \1"), "WIN - Kiosk", "Windows: Kiosk"),
        (RenameRule(RenameKind.REGEX, r"^(?P<p>\w+) - ", r"\g<p> | "), "iOS - Wi-Fi", "iOS | Wi-Fi"),
        (RenameRule(RenameKind.REGEX, r"^MAC", "macOS"), "WIN - Kiosk", None),
    ],
)
def test_each_rule_makes_the_new_name_or_leaves_it(rule: RenameRule, name: str, expected: str | None) -> None:
    assert rule.new_name(name) == expected


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (RenameRule(RenameKind.REGEX, "(unclosed"), "invalid regular expression"),
        (RenameRule(RenameKind.REGEX, "^(WIN)", r"\2"), "refers to group 2"),
        (RenameRule(RenameKind.REGEX, "^(WIN)", r"\g<os>"), "doesn't name"),
        (RenameRule(RenameKind.PREFIX, ""), "needs its text"),
    ],
)
def test_an_unusable_rule_is_refused_with_the_reason(rule: RenameRule, message: str) -> None:
    with pytest.raises(RuleError, match=message):
        rule.compiled()


def test_the_plan_is_the_preview_with_one_patch_per_renamed_object(writable: Writable) -> None:
    keys = _keys(writable, "settingsCatalog", "WIN - Defender")
    rule = RenameRule(RenameKind.REGEX, r"^WIN - Defender (.*)$", r"Windows - Defender \1")
    plan = plan_renames(writable.snapshot, keys, rule)
    assert plan.module == "bulk-edit" and plan.rejected == ()
    assert len(plan.items) == len(keys) >= 3
    item = plan.items[0]
    name = _names(writable.tenant.objects["settingsCatalog"])[item.object.id]
    new = "Windows - Defender " + name.removeprefix("WIN - Defender ")
    assert item.changes == (f"rename '{name}' to '{new}'",)
    (request,) = item.requests
    assert (request.method, request.path) == ("PATCH", f"deviceManagement/configurationPolicies/{item.object.id}")
    assert request.body["name"] == new
    assert plan_from_json(json.loads(json.dumps(plan_to_json(plan)))) == plan


def test_two_names_becoming_one_refuses_the_whole_rename(writable: Writable) -> None:
    keys = _keys(writable, "settingsCatalog", "WIN - Defender Antivirus")
    rule = RenameRule(RenameKind.REGEX, r"^(WIN - Defender Antivirus) - .*$", r"\1")
    plan = plan_renames(writable.snapshot, keys, rule)
    assert plan.items == ()
    assert len(plan.rejected) == len(keys) >= 2
    assert all(
        "would have the same name" in r.reason and "would be renamed to it too" in r.reason for r in plan.rejected
    )
    assert any("nothing is renamed while new names clash" in n for n in plan.notes)


def test_a_new_name_another_object_of_the_type_has_is_a_clash_but_another_type_is_not(writable: Writable) -> None:
    objects = writable.tenant.objects["settingsCatalog"]
    first, second = objects[0], objects[1]
    keys = [ObjectKey("settingsCatalog", first["id"])]
    clash = plan_renames(writable.snapshot, keys, RenameRule(RenameKind.REPLACE, first["name"], second["name"]))
    assert clash.items == () and len(clash.rejected) == 1
    assert f"'{second['name']}' (id {second['id']}) has it already" in clash.rejected[0].reason
    # A device configuration may share a settings catalog policy's name: they are other types.
    config = writable.tenant.objects["deviceConfigurations"][0]
    other_type = RenameRule(RenameKind.REPLACE, config["displayName"], first["name"])
    plan = plan_renames(writable.snapshot, [ObjectKey("deviceConfigurations", config["id"])], other_type)
    assert len(plan.items) == 1 and plan.rejected == ()


def test_objects_that_cannot_be_renamed_are_refused_with_the_reason(writable: Writable) -> None:
    group = writable.tenant.objects["groups"][0]
    keys = [ObjectKey("groups", group["id"]), ObjectKey("settingsCatalog", "no-such-id"), ObjectKey("nope", "x")]
    plan = plan_renames(writable.snapshot, keys, RenameRule(RenameKind.PREFIX, "X "))
    assert plan.items == ()
    assert [r.reason for r in plan.rejected] == [
        "'Groups' objects can't be renamed here",
        "no 'Settings catalog' object with id no-such-id in the tenant",
        "unknown object type 'nope'",
    ]


async def test_apply_renames_verifies_backs_up_and_a_second_plan_is_empty(writable: Writable) -> None:
    keys = _keys(writable, "deviceConfigurations", "WIN - ")[:5] + _keys(writable, "compliancePolicies", "AND - ")
    plan = plan_renames(writable.snapshot, keys, RenameRule(RenameKind.PREFIX, "[Pilot] "))
    assert len(plan.items) == len(keys) == 8
    before = {
        **_names(writable.tenant.objects["deviceConfigurations"]),
        **_names(writable.tenant.objects["compliancePolicies"]),
    }
    backups: list[Any] = []

    async def keep(backup: Any) -> None:
        backups.append(backup)

    report = await _apply(writable, plan, on_backup=keep)
    assert [r.status for r in report.results] == [ItemStatus.APPLIED] * 8, report.results
    after = {
        **_names(writable.tenant.objects["deviceConfigurations"]),
        **_names(writable.tenant.objects["compliancePolicies"]),
    }
    renamed = {k.id for k in keys}
    assert {i: n for i, n in after.items() if i in renamed} == {i: "[Pilot] " + before[i] for i in renamed}
    assert {i: n for i, n in after.items() if i not in renamed} == {i: n for i, n in before.items() if i not in renamed}
    (backup,) = backups
    backed = {str(o["id"]): o for k in ("deviceConfigurations", "compliancePolicies") for o in backup.objects_of(k)}
    assert {i: str(o["displayName"]) for i, o in backed.items()} == {i: before[i] for i in renamed}
    assert all(isinstance(o["assignments"], list) for o in backed.values())
    patches = [e for e in writable.tenant.audit_events if e["activityOperationType"] == "Patch"]
    assert len(patches) == 8
    again = plan_renames(await writable.recollect(), keys, RenameRule(RenameKind.PREFIX, "[Pilot] "))
    assert again.items == () and again.notes == (
        "8 of the chosen objects keep their names: the rule doesn't change them",
    )


async def test_a_rename_made_after_the_plan_is_never_overwritten_and_a_rerun_reports_it_done(
    writable: Writable,
) -> None:
    keys = _keys(writable, "compliancePolicies", "AND - ")
    plan = plan_renames(writable.snapshot, keys, RenameRule(RenameKind.REPLACE, "AND", "Android"))
    store = writable.tenant.objects["compliancePolicies"]
    meanwhile = next(o for o in store if o["id"] == keys[0].id)
    store[store.index(meanwhile)] = {**meanwhile, "displayName": "Renamed in the portal"}
    report = await _apply(writable, plan)
    assert [r.status for r in report.results] == [ItemStatus.SKIPPED, ItemStatus.APPLIED, ItemStatus.APPLIED]
    assert report.results[0].reason == "changed since plan: it is now called 'Renamed in the portal'; make a new plan"
    assert _names(writable.tenant.objects["compliancePolicies"])[keys[0].id] == "Renamed in the portal"
    rerun = await _apply(writable, plan)
    assert [r.reason for r in rerun.results[1:]] == ["already applied", "already applied"]
    assert all(r.requests == 0 for r in rerun.results)


async def test_100_policies_of_the_large_tenant_renamed_by_a_regular_expression_and_a_clash_writes_nothing() -> None:
    demo = build_demo(["large"])
    tenant = demo.tenants["large"]
    demo.entra.grant_consent(tenant.tenant_id, write_scopes(demo.catalog)["bulk-edit"])
    snapshot, _ = await collect_demo(demo, "large", types=["settingsCatalog"])
    unique: dict[str, str] = {}
    for obj in tenant.objects["settingsCatalog"]:
        if str(obj["name"]).startswith("WIN - "):
            unique.setdefault(str(obj["name"]), str(obj["id"]))
    counts: dict[str, int] = {}
    for obj in tenant.objects["settingsCatalog"]:
        counts[str(obj["name"])] = counts.get(str(obj["name"]), 0) + 1
    chosen = [ObjectKey("settingsCatalog", i) for n, i in unique.items() if counts[n] == 1][:100]
    assert len(chosen) == 100

    clash = RenameRule(RenameKind.REGEX, r"^WIN - ([^-]+?) - .*$", r"WIN - \1")
    refused = plan_renames(snapshot, chosen, clash)
    stored = json.dumps(tenant.objects["settingsCatalog"], sort_keys=True)
    scopes = [*demo.catalog.read_scopes(), *write_scopes(demo.catalog)["bulk-edit"]]
    async with GraphClient(
        StaticTokenProvider(demo.token("large", scopes=scopes)), transport=httpx.ASGITransport(app=demo.app)
    ) as graph:
        nothing = await apply_plan(refused, graph)
        assert refused.items == () and refused.rejected and nothing.results == () and nothing.backup is None
        assert json.dumps(tenant.objects["settingsCatalog"], sort_keys=True) == stored

        rule = RenameRule(RenameKind.REGEX, r"^WIN - (.+)$", r"Windows - \1")
        plan = plan_renames(snapshot, chosen, rule)
        assert (len(plan.items), plan.rejected) == (100, ())
        report = await apply_plan(plan, graph)
    assert report.count(ItemStatus.APPLIED) == 100
    names = _names(tenant.objects["settingsCatalog"])
    assert all(names[k.id].startswith("Windows - ") for k in chosen)
    assert sum(1 for n in names.values() if n.startswith("Windows - ")) == 100
