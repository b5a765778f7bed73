"""Deliberate problems for the analyses to find, and the scan that lists them exactly.

Conflicts and duplicates are planted by name; unassigned objects, empty assigned groups, deleted
group targets, unused filters and deprecated settings are found by scanning the finished tenant,
so ``planted`` names every instance, including those the random generator produced.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from random import Random
from typing import Any

from ...catalog import AssignmentRead, default_catalog
from .context import Ctx
from .definitions import catalogue
from .ids import guid
from .settings_catalog import PROFILES, Profile, settings_policy
from .targeting import assignment, extras_for

Obj = dict[str, Any]
_DEF = "device_vendor_msft_policy_config_defender_"
_BITLOCKER = "device_vendor_msft_bitlocker_requiredeviceencryption"
KINDS = (
    "unassigned",
    "emptyGroups",
    "conflicts",
    "duplicates",
    "deprecated",
    "deletedGroupAssignments",
    "unusedFilters",
)


def _profile(label: str, prefix: str = "WIN") -> Profile:
    return next(p for p in PROFILES if p.label == label and p.prefix == prefix)


def _group_target(group_id: str) -> Obj:
    return {
        "@odata.type": "#microsoft.graph.groupAssignmentTarget",
        "groupId": group_id,
        "deviceAndAppManagementAssignmentFilterId": None,
        "deviceAndAppManagementAssignmentFilterType": "none",
    }


def _assign_to(key: str, obj: Obj, group_ids: list[str], rng: Random) -> None:
    obj["assignments"] = [assignment(obj["id"], _group_target(g), extras_for(key, obj, rng)) for g in group_ids]


def assignable_keys() -> list[str]:
    """Catalog keys whose objects carry an ``assignments`` list."""
    modes = (AssignmentRead.LIST_EXPAND, AssignmentRead.PER_ITEM)
    return [r.key for r in default_catalog().collected() if r.assignments in modes]


def plant_policies(ctx: Ctx, groups_by_name: dict[str, str]) -> list[Obj]:
    """Settings-catalog policies that conflict, duplicate each other or use deprecated settings."""
    rng = ctx.rng("planted")
    key = "settingsCatalog"
    defender, bitlocker, edge = _profile("Defender Antivirus"), _profile("BitLocker"), _profile("Microsoft Edge")
    on, off = f"{_DEF}allowrealtimemonitoring_1", f"{_DEF}allowrealtimemonitoring_0"
    specs: tuple[tuple[Profile, str, dict[str, str], list[str]], ...] = (
        (
            defender,
            "WIN - Defender Antivirus - Standard",
            {f"{_DEF}allowrealtimemonitoring": on},
            ["Intune Managed Users"],
        ),
        (
            defender,
            "WIN - Defender Antivirus - Sales Exception",
            {
                f"{_DEF}allowrealtimemonitoring": off,
                f"{_DEF}allowintrusionpreventionsystem": f"{_DEF}allowintrusionpreventionsystem_1",
            },
            ["Intune Pilot Users"],
        ),
        (bitlocker, "WIN - BitLocker - Require Encryption", {_BITLOCKER: f"{_BITLOCKER}_1"}, ["All Windows Devices"]),
        (
            bitlocker,
            "WIN - BitLocker - Lab Exception",
            {_BITLOCKER: f"{_BITLOCKER}_0"},
            ["All Windows Devices", "Lab Devices"],
        ),
        (edge, "WIN - Microsoft Edge - Security", {}, ["Windows Corporate Devices"]),
    )
    result = []
    for profile, name, forced, targets in specs:
        policy = settings_policy(ctx, rng, key, profile, name, settings=6, forced=forced)
        _assign_to(key, policy, [groups_by_name[t] for t in targets], rng)
        result.append(policy)
    for policy in result[:4]:
        ctx.plant("conflicts", policy["name"])
    original = result[-1]
    duplicate = {**copy.deepcopy(original), "id": guid(rng), "name": ctx.unique(key, f"{original['name']} (EU copy)")}
    _assign_to(key, duplicate, [groups_by_name["Regional Users - EU"]], rng)
    ctx.plant("duplicates", original["name"])
    ctx.plant("duplicates", duplicate["name"])
    return [*result, duplicate]


def plant_targets(ctx: Ctx, groups_by_name: dict[str, str]) -> None:
    """Assignments to an empty group and to a deleted group; a few objects left unassigned."""
    rng = ctx.rng("planted-targets")
    deleted = guid(rng)
    wifi = next(o for o in ctx.objects["deviceConfigurations"] if "Wifi" in o["@odata.type"])
    wifi["assignments"] = [
        *wifi["assignments"],
        assignment(
            wifi["id"], _group_target(groups_by_name["Legacy VPN Users"]), extras_for("deviceConfigurations", wifi, rng)
        ),
    ]
    for key in ("settingsCatalog", "deviceConfigurations", "mobileApps"):
        obj = ctx.objects[key][1]
        extras = extras_for(key, obj, rng)
        if key == "mobileApps":
            extras = {"intent": "required", "settings": None}
        obj["assignments"] = [*obj["assignments"], assignment(obj["id"], _group_target(deleted), extras)]
    for key in ("settingsCatalog", "compliancePolicies", "powershellScripts"):
        ctx.objects[key][-1]["assignments"] = []


def _instances(settings: list[Obj]) -> Iterator[Obj]:
    stack = [s["settingInstance"] for s in settings]
    while stack:
        instance = stack.pop()
        yield instance
        for value in [
            instance.get("choiceSettingValue"),
            *instance.get("groupSettingCollectionValue", []),
            *instance.get("choiceSettingCollectionValue", []),
        ]:
            if value:
                stack.extend(value.get("children", []))


def _name(obj: Obj) -> str:
    return str(obj.get("displayName") or obj.get("name"))


def scan(ctx: Ctx) -> None:
    """Record every unassigned object, empty assigned group, deleted target, unused filter and
    deprecated setting in use (in addition to the conflicts and duplicates planted by name)."""
    groups = {g["id"]: g for g in ctx.objects.get("groups", [])}
    used_groups: set[str] = set()
    used_filters: set[str] = set()
    for key in assignable_keys():
        if key == "scopeTags":
            continue
        for obj in ctx.objects.get(key, []):
            if not obj.get("assignments"):
                ctx.plant("unassigned", _name(obj))
            for item in obj.get("assignments", []):
                target = item["target"]
                if target.get("deviceAndAppManagementAssignmentFilterId"):
                    used_filters.add(target["deviceAndAppManagementAssignmentFilterId"])
                group_id = target.get("groupId")
                if group_id and group_id not in groups:
                    ctx.plant("deletedGroupAssignments", _name(obj))
                elif group_id:
                    used_groups.add(group_id)
    for group_id in sorted(used_groups, key=lambda g: groups[g]["displayName"]):
        if not groups[group_id]["members"]:
            ctx.plant("emptyGroups", groups[group_id]["displayName"])
    for item in ctx.objects.get("assignmentFilters", []):
        if item["id"] not in used_filters:
            ctx.plant("unusedFilters", item["displayName"])
    deprecated = catalogue().deprecated
    for key in ("settingsCatalog", "complianceSettingsPolicies"):
        for obj in ctx.objects.get(key, []):
            if any(i["settingDefinitionId"] in deprecated for i in _instances(obj["settings"])):
                ctx.plant("deprecated", obj["name"])
    for kind in KINDS:
        ctx.planted.setdefault(kind, [])
