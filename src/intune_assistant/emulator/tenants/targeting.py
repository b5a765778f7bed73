"""Scope tags, assignment filters and the assignments that target groups with them."""

from __future__ import annotations

from random import Random
from typing import Any

from .context import GRAPH, Ctx, base_object
from .ids import ALL_DEVICES_ID, ALL_USERS_ID, guid

Obj = dict[str, Any]
NO_FILTER = None

# (name, description) of the named scope tags; "0" Default always exists.
_SCOPE_TAGS = (
    ("EU Devices", "Objects managed by the EU endpoint team."),
    ("US Devices", "Objects managed by the US endpoint team."),
    ("Finance", "Finance-owned devices and apps."),
    ("Kiosk", "Shared and kiosk devices."),
)

# (name, platform, rule, description). The last three are used by nothing (planted "unusedFilters").
FILTERS: tuple[tuple[str, str, str, str], ...] = (
    (
        "Surface devices",
        "windows10AndLater",
        '(device.manufacturer -eq "Microsoft Corporation") and (device.model -startsWith "Surface")',
        "Microsoft Surface hardware.",
    ),
    (
        "Corporate Windows",
        "windows10AndLater",
        '(device.deviceOwnership -eq "Corporate")',
        "Company-owned Windows devices.",
    ),
    (
        "Autopilot user-driven",
        "windows10AndLater",
        '(device.enrollmentProfileName -eq "Autopilot - User Driven")',
        "Devices provisioned with the user-driven Autopilot profile.",
    ),
    ("Windows 11", "windows10AndLater", "(device.operatingSystemVersion -ge 10.0.22000)", "Windows 11 and later."),
    (
        "Corporate iPhones",
        "iOS",
        '(device.deviceOwnership -eq "Corporate") and (device.model -startsWith "iPhone")',
        "Company-owned iPhones.",
    ),
    ("Personal iOS devices", "iOS", '(device.deviceOwnership -eq "Personal")', "BYOD iPhones and iPads."),
    ("Apple silicon Macs", "macOS", '(device.cpuArchitecture -eq "arm64")', "Macs with Apple silicon."),
    ("Zebra scanners", "androidForWork", '(device.manufacturer -eq "Zebra Technologies")', "Rugged scanners."),
    (
        "Virtual machines",
        "windows10AndLater",
        '(device.model -contains "Virtual") or (device.model -startsWith "Cloud PC")',
        "VMs and Cloud PCs.",
    ),
    (
        "Executive devices",
        "windows10AndLater",
        '(device.deviceCategory -eq "Executive Device")',
        "Devices of the executive team.",
    ),
)
USED_FILTERS = 7


def build_scope_tags(ctx: Ctx) -> list[Obj]:
    """Default ("0") plus named tags with string ids "1", "2"...; named tags are assigned to groups."""
    rng = ctx.rng("scopeTags")
    tags: list[Obj] = [
        {
            "@odata.type": GRAPH + "roleScopeTag",
            "id": "0",
            "displayName": "Default",
            "description": "Built-in scope tag.",
            "isBuiltIn": True,
            "assignments": [],
        }
    ]
    for index, (name, description) in enumerate(_SCOPE_TAGS, start=1):
        tag_id = str(index)
        group = rng.choice(ctx.device_group_ids)
        tags.append(
            {
                "@odata.type": GRAPH + "roleScopeTag",
                "id": tag_id,
                "displayName": name,
                "description": description,
                "isBuiltIn": False,
                "assignments": [{"id": f"{tag_id}_{group}", "target": _target("groupAssignmentTarget", group)}],
            }
        )
    ctx.scope_tag_ids = [t["id"] for t in tags]
    return tags


def build_filters(ctx: Ctx) -> list[Obj]:
    """The ten assignment filters."""
    rng = ctx.rng("filters")
    result = []
    for name, platform, rule, description in FILTERS:
        obj = base_object(ctx, rng, "deviceAndAppManagementAssignmentFilter", name, description)
        obj.pop("roleScopeTagIds")
        obj.update(
            {
                "platform": platform,
                "rule": rule,
                "assignmentFilterManagementType": "devices",
                "roleScopeTags": ctx.scope_tags(rng),
            }
        )
        result.append(obj)
    return result


def _target(kind: str, group_id: str | None = None, filter_id: str | None = None, filter_type: str = "none") -> Obj:
    target: Obj = {"@odata.type": GRAPH + kind}
    if group_id is not None:
        target["groupId"] = group_id
    target["deviceAndAppManagementAssignmentFilterId"] = filter_id
    target["deviceAndAppManagementAssignmentFilterType"] = filter_type
    return target


class Targeter:
    """Draws realistic assignment targets for one tenant."""

    def __init__(self, ctx: Ctx, filters: list[Obj]) -> None:
        self.ctx = ctx
        self.filters: dict[str, list[str]] = {}
        for obj in filters[:USED_FILTERS]:
            self.filters.setdefault(obj["platform"], []).append(obj["id"])

    def _filter(self, rng: Random, platform: str | None) -> tuple[str | None, str]:
        options = self.filters.get(platform or "", [])
        if not options or rng.random() < 0.7:
            return NO_FILTER, "none"
        return rng.choice(options), rng.choice(("include", "include", "exclude"))

    def targets(self, rng: Random, platform: str | None, *, filters: bool = True, devices: bool = True) -> list[Obj]:
        """1-4 targets: groups, sometimes All users / All devices with a filter, sometimes exclusions."""
        result: list[Obj] = []
        roll = rng.random()
        if roll < 0.15:
            fid, ftype = self._filter(rng, platform) if filters else (None, "none")
            result.append(_target("allLicensedUsersAssignmentTarget", None, fid, ftype))
        elif roll < 0.3 and devices:
            fid, ftype = self._filter(rng, platform) if filters else (None, "none")
            result.append(_target("allDevicesAssignmentTarget", None, fid, ftype))
        pool = self.ctx.device_group_ids + self.ctx.user_group_ids if devices else self.ctx.user_group_ids
        for group in rng.sample(pool, rng.choice((1, 1, 1, 2, 2, 3)) if not result or rng.random() < 0.4 else 0):
            fid, ftype = self._filter(rng, platform) if filters else (None, "none")
            result.append(_target("groupAssignmentTarget", group, fid, ftype))
        used = {t.get("groupId") for t in result}
        if rng.random() < 0.2:
            candidates = [g for g in pool if g not in used]
            if candidates:
                result.append(_target("exclusionGroupAssignmentTarget", rng.choice(candidates)))
        return result


def assignment(parent_id: str, target: Obj, extras: Obj | None = None) -> Obj:
    """One assignment of ``parent_id`` to ``target``, with the type's extra fields."""
    group = target.get("groupId") or (ALL_USERS_ID if "allLicensed" in target["@odata.type"] else ALL_DEVICES_ID)
    return {"id": f"{parent_id}_{group}", "target": target, **(extras or {})}


def fresh_id(rng: Random) -> str:
    """A new GUID (re-exported for builders that only need targeting helpers)."""
    return guid(rng)


_SOURCED = {
    "settingsCatalog",
    "complianceSettingsPolicies",
    "compliancePolicies",
    "appConfigManagedApps",
    "appProtectionIos",
    "appProtectionAndroid",
    "appProtectionWindows",
}
_DAILY = {
    "@odata.type": GRAPH + "deviceHealthScriptDailySchedule",
    "interval": 1,
    "useUtc": False,
    "time": "09:00:00.0000000",
}


def extras_for(key: str, parent: Obj, rng: Random) -> Obj:
    """The fields an assignment of catalog type ``key`` carries besides ``id`` and ``target``."""
    if key in ("deviceConfigurations", "updateRings"):
        return {"intent": "apply", "source": "direct", "sourceId": None}
    if key in _SOURCED:
        return {"source": "direct", "sourceId": parent["id"]}
    if key == "administrativeTemplates":
        return {"lastModifiedDateTime": parent["lastModifiedDateTime"]}
    if key == "remediations":
        return {"runRemediationScript": rng.random() < 0.85, "runSchedule": dict(_DAILY)}
    return {}


def assign(
    ctx: Ctx,
    targeter: Targeter,
    rng: Random,
    key: str,
    obj: Obj,
    platform: str | None,
    *,
    filters: bool = True,
    devices: bool = True,
    unassigned: float = 0.06,
) -> None:
    """Give ``obj`` its ``assignments``; a few stay unassigned (recorded as planted problems)."""
    if rng.random() < unassigned:
        obj["assignments"] = []
        return
    targets = targeter.targets(rng, platform, filters=filters, devices=devices)
    obj["assignments"] = [assignment(obj["id"], t, extras_for(key, obj, rng)) for t in targets]
