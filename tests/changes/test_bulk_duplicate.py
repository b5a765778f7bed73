"""Bulk duplicate: copies under new names, built as a deploy builds creates; clashes refused before
anything is written; apply through the emulator creates each copy once (settings and, when asked,
assignments as the original's), and a re-run never makes a second copy."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from intune_assistant.catalog.creation import creation_of
from intune_assistant.changes import ObjectKey, Plan
from intune_assistant.changes.apply import ItemStatus, apply_plan
from intune_assistant.changes.bodies import object_body, same_value
from intune_assistant.changes.duplicates import plan_duplicates
from intune_assistant.changes.renames import RenameKind, RenameRule, RuleError
from intune_assistant.changes.serialize import plan_from_json, plan_to_json

from .conftest import Writable

SUFFIX = RenameRule(RenameKind.SUFFIX, " (copy)")


def _named(writable: Writable, type_key: str, prefix: str) -> list[dict[str, Any]]:
    return [
        o for o in writable.tenant.objects[type_key] if str(o.get("name") or o.get("displayName")).startswith(prefix)
    ]


def _keys(objects: list[dict[str, Any]], type_key: str) -> list[ObjectKey]:
    return [ObjectKey(type_key, str(o["id"])) for o in objects]


async def _apply(writable: Writable, plan: Plan) -> Any:
    async with writable.client() as graph:
        return await apply_plan(plan, graph)


def test_each_copy_is_one_create_named_by_the_rule_with_the_originals_assignments(writable: Writable) -> None:
    originals = _named(writable, "settingsCatalog", "WIN - Defender")
    plan = plan_duplicates(writable.snapshot, _keys(originals, "settingsCatalog"), SUFFIX, assignments=True)
    assert plan.module == "bulk-edit" and plan.rejected == ()
    assert len(plan.items) == len(originals) >= 3
    by_name = {str(o["name"]): o for o in originals}
    for item in plan.items:
        original = by_name[item.object.name.removesuffix(" (copy)")]
        assert (
            item.operation == "create" and item.changes[0] == f"duplicate '{original['name']}' as '{item.object.name}'"
        )
        create, *rest = item.requests
        assert (create.method, create.path) == ("POST", "deviceManagement/configurationPolicies")
        assert create.body["name"] == item.object.name and "id" not in create.body
        assert same_value(create.body["settings"], original["settings"])
        assert item.precondition.absent_name == item.object.name
        if original["assignments"]:
            (assign,) = rest
            assert assign.path == "deviceManagement/configurationPolicies/{new}/assign"
            groups = [a["target"].get("groupId") for a in assign.body["assignments"]]
            assert groups == [a["target"].get("groupId") for a in original["assignments"]]
    assert plan_from_json(json.loads(json.dumps(plan_to_json(plan)))) == plan


def test_without_assignments_the_copy_is_created_unassigned(writable: Writable) -> None:
    original = next(o for o in writable.tenant.objects["deviceConfigurations"] if o["assignments"])
    plan = plan_duplicates(writable.snapshot, [ObjectKey("deviceConfigurations", original["id"])], "Pilot copy")
    (item,) = plan.items
    assert [r.path for r in item.requests] == ["deviceManagement/deviceConfigurations"]
    assert item.requests[0].body["@odata.type"] == original["@odata.type"]
    assert item.changes == (f"duplicate '{original['displayName']}' as 'Pilot copy'",) and item.warnings == ()


def test_one_name_for_several_objects_and_an_unusable_rule_are_refused(writable: Writable) -> None:
    keys = _keys(writable.tenant.objects["settingsCatalog"][:2], "settingsCatalog")
    with pytest.raises(RuleError, match="one new name is for one object"):
        plan_duplicates(writable.snapshot, keys, "Same name")
    with pytest.raises(RuleError, match="invalid regular expression"):
        plan_duplicates(writable.snapshot, keys, RenameRule(RenameKind.REGEX, "(unclosed"))


def test_a_name_the_type_has_or_two_copies_with_one_name_refuse_the_whole_duplicate(writable: Writable) -> None:
    first, second, third = writable.tenant.objects["settingsCatalog"][:3]
    taken = plan_duplicates(writable.snapshot, [ObjectKey("settingsCatalog", first["id"])], second["name"])
    assert taken.items == () and len(taken.rejected) == 1
    assert f"'{second['name']}' (id {second['id']}) has it already" in taken.rejected[0].reason
    # Spacing and case aside, it is the same name.
    loud = plan_duplicates(writable.snapshot, [ObjectKey("settingsCatalog", first["id"])], second["name"].upper())
    assert loud.items == () and "has it already" in loud.rejected[0].reason
    both = [ObjectKey("settingsCatalog", o["id"]) for o in (first, third)]
    merged = plan_duplicates(writable.snapshot, both, RenameRule(RenameKind.REGEX, r"^.*$", "One copy"))
    assert merged.items == () and len(merged.rejected) == 2
    assert all("would be copied to it too" in r.reason for r in merged.rejected)
    assert any("nothing is duplicated while new names clash" in n for n in merged.notes)
    # Another type may have the name: a device configuration is not a settings catalog policy.
    config = writable.tenant.objects["deviceConfigurations"][0]
    other = plan_duplicates(writable.snapshot, [ObjectKey("deviceConfigurations", config["id"])], first["name"])
    assert len(other.items) == 1 and other.rejected == ()


def test_what_cant_be_copied_is_refused_with_the_reason(writable: Writable) -> None:
    win32 = next(o for o in writable.tenant.objects["mobileApps"] if o["@odata.type"].endswith("win32LobApp"))
    group = writable.tenant.objects["groups"][0]
    policy = writable.tenant.objects["settingsCatalog"][0]
    keys = [
        ObjectKey("mobileApps", win32["id"]),
        ObjectKey("groups", group["id"]),
        ObjectKey("settingsCatalog", policy["id"]),
    ]
    plan = plan_duplicates(writable.snapshot, keys, RenameRule(RenameKind.REPLACE, "no such text", "x"))
    assert plan.items == ()
    reasons = [r.reason for r in plan.rejected]
    assert "'Groups' objects can't be duplicated here" in reasons
    assert "the rule leaves its name as it is: the copy would have the same name" in reasons
    app = plan_duplicates(writable.snapshot, keys[:1], "Copy of the app")
    assert [r.reason for r in app.rejected] == [
        "not deployable: needs the app's content (Graph creates it only with an uploaded package)"
    ]


async def test_apply_creates_each_copy_once_as_the_original_and_a_rerun_makes_none(writable: Writable) -> None:
    chosen = {
        "settingsCatalog": _named(writable, "settingsCatalog", "WIN - Defender")[:2],
        "administrativeTemplates": writable.tenant.objects["administrativeTemplates"][:1],
        "compliancePolicies": writable.tenant.objects["compliancePolicies"][:1],
        "securityIntents": writable.tenant.objects["securityIntents"][:1],
    }
    keys = [k for type_key, objects in chosen.items() for k in _keys(objects, type_key)]
    plan = plan_duplicates(writable.snapshot, keys, RenameRule(RenameKind.PREFIX, "[Copy] "), assignments=True)
    assert len(plan.items) == len(keys) == 5 and plan.rejected == ()
    report = await _apply(writable, plan)
    assert [r.status for r in report.results] == [ItemStatus.APPLIED] * 5, report.results

    after = await writable.recollect()
    for type_key, originals in chosen.items():
        record = writable.demo.catalog[type_key]
        creation = creation_of(record)
        assert creation is not None
        current = after.objects_of(type_key)
        names = Counter(record.object_name(o) for o in current)
        for original in originals:
            name = "[Copy] " + record.object_name(original)
            assert names[name] == 1
            copy = next(o for o in current if record.object_name(o) == name)
            assert copy["id"] != original["id"]
            mine = object_body(record, creation, copy).body
            theirs = object_body(record, creation, original).body
            differing = {k for k in {*mine, *theirs} if not same_value(mine.get(k), theirs.get(k))}
            assert differing == {record.name_field}, (type_key, differing)
            targets = Counter(json.dumps(a["target"], sort_keys=True) for a in copy["assignments"])
            assert targets == Counter(json.dumps(a["target"], sort_keys=True) for a in original["assignments"])
    creates = [e for e in writable.tenant.audit_events if e["activityOperationType"] == "Create"]
    rerun = await _apply(writable, plan)
    assert {r.reason for r in rerun.results} == {"already applied: an object of that name exists"}
    assert [e for e in writable.tenant.audit_events if e["activityOperationType"] == "Create"] == creates
    # Planning the same copies again is refused: the names are taken now.
    again = plan_duplicates(after, keys, RenameRule(RenameKind.PREFIX, "[Copy] "))
    assert again.items == () and all("has it already" in r.reason for r in again.rejected)
