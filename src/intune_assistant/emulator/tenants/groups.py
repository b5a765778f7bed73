"""Entra groups: dynamic user and device groups, assigned groups, nested groups and empty ones.

Dynamic groups carry a real membership rule and get the members that rule selects (evaluated here
with a small Python predicate beside each rule, since the emulator does not evaluate rules).
"""

from __future__ import annotations

from collections.abc import Callable
from random import Random
from typing import Any

from .context import GRAPH, Ctx
from .ids import created_modified, guid

Obj = dict[str, Any]
Pred = Callable[[Obj], bool]

# (name, rule, predicate over the Entra device)
_DYNAMIC_DEVICE: tuple[tuple[str, str, Pred], ...] = (
    ("All Windows Devices", '(device.deviceOSType -eq "Windows")', lambda d: d["operatingSystem"] == "Windows"),
    ("All macOS Devices", '(device.deviceOSType -eq "MacMDM")', lambda d: d["operatingSystem"] == "MacMDM"),
    (
        "All iOS Devices",
        '(device.deviceOSType -eq "iPhone") or (device.deviceOSType -eq "iPad") or (device.deviceOSType -eq "iOS")',
        lambda d: d["operatingSystem"] == "iOS",
    ),
    (
        "All Android Enterprise Devices",
        '(device.deviceOSType -eq "AndroidForWork")',
        lambda d: d["operatingSystem"] == "AndroidForWork",
    ),
    (
        "Autopilot Devices",
        '(device.devicePhysicalIDs -any (_ -startsWith "[ZTDid]"))',
        lambda d: bool(d["physicalIds"]),
    ),
    (
        "Windows Corporate Devices",
        '(device.deviceOwnership -eq "Company") and (device.deviceOSType -eq "Windows")',
        lambda d: d["deviceOwnership"] == "Company" and d["operatingSystem"] == "Windows",
    ),
    ("Surface Devices", '(device.deviceModel -startsWith "Surface")', lambda d: d["model"].startswith("Surface")),
    (
        "Kiosk Devices",
        '(device.enrollmentProfileName -eq "Kiosk Autopilot")',
        lambda d: d["enrollmentProfileName"] == "Kiosk Autopilot",
    ),
)


def _dept(name: str) -> Pred:
    return lambda u: u.get("department") == name


_DYNAMIC_USER: tuple[tuple[str, str, Pred], ...] = (
    (
        "All Employees",
        '(user.userType -eq "Member") and (user.accountEnabled -eq true)',
        lambda u: u["userType"] == "Member" and u["accountEnabled"],
    ),
    ("Sales Department", '(user.department -eq "Sales")', _dept("Sales")),
    ("Finance Department", '(user.department -eq "Finance")', _dept("Finance")),
    ("Engineering Department", '(user.department -eq "Engineering")', _dept("Engineering")),
    ("Marketing Department", '(user.department -eq "Marketing")', _dept("Marketing")),
    ("Human Resources Department", '(user.department -eq "Human Resources")', _dept("Human Resources")),
    ("IT Department", '(user.department -eq "IT")', _dept("IT")),
    (
        "Executives",
        '(user.jobTitle -contains "Chief") or (user.jobTitle -contains "Vice President")',
        lambda u: any(w in (u.get("jobTitle") or "") for w in ("Chief", "Vice President")),
    ),
)

# (name, members: "users" | "devices" | "empty", size fraction)
_ASSIGNED: tuple[tuple[str, str, float], ...] = (
    ("Intune Pilot Users", "users", 0.1),
    ("Intune Broad Ring Users", "users", 0.5),
    ("Windows Update Ring 0 - IT", "users", 0.05),
    ("Windows Update Ring 1 - Pilot", "users", 0.1),
    ("Windows Update Ring 2 - Broad", "users", 0.6),
    ("App - Adobe Acrobat Users", "users", 0.2),
    ("App - Visual Studio Code Users", "users", 0.15),
    ("Mac Users", "users", 0.12),
    ("Frontline Workers", "users", 0.1),
    ("Contractors", "users", 0.05),
    ("Intune Admins", "users", 0.03),
    ("Helpdesk Operators", "users", 0.05),
    ("BYOD Users", "users", 0.2),
    ("Legacy VPN Users", "empty", 0),
    ("Pilot Devices", "devices", 0.05),
    ("Shared Devices", "devices", 0.04),
    ("Conference Room Devices", "devices", 0.02),
    ("Lab Devices", "empty", 0),
    ("Kiosk Devices - Manual", "devices", 0.02),
    ("Decommissioned Devices", "empty", 0),
)
# Nested groups: (name, member group names); listed parents-last so members exist first.
_NESTED: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Regional Users - EU", ("Intune Pilot Users", "Marketing Department")),
    ("Regional Users - US", ("Sales Department", "Contractors")),
    ("Intune Managed Users", ("Regional Users - EU", "Regional Users - US")),
    ("Security Pilot (All)", ("Intune Pilot Users", "Pilot Devices", "Windows Update Ring 0 - IT")),
)
# Empty assigned groups the policy generator targets (the others stay unassigned).
ASSIGNED_EMPTY = ("Legacy VPN Users", "Lab Devices")
_REGIONS = ("EU", "US", "APAC", "UK", "DACH", "Nordics", "LATAM", "ANZ", "Benelux")
_PURPOSES = ("Users", "Devices", "App Testers", "Pilot", "VIP", "Mac Users", "Mobile Users", "Contractors")


def _group(ctx: Ctx, rng: Random, name: str, description: str, members: list[Obj], rule: str | None = None) -> Obj:
    created, _ = created_modified(rng, 1200)
    return {
        "@odata.type": GRAPH + "group",
        "id": guid(rng),
        "displayName": name,
        "description": description,
        "mailEnabled": False,
        "mailNickname": "".join(c for c in name.lower() if c.isalnum())[:40],
        "securityEnabled": True,
        "groupTypes": ["DynamicMembership"] if rule else [],
        "membershipRule": rule,
        "membershipRuleProcessingState": "On" if rule else None,
        "createdDateTime": created,
        "members": members,
    }


def _refs(kind: str, objs: list[Obj]) -> list[Obj]:
    return [{"@odata.type": GRAPH + kind, "id": o["id"]} for o in objs]


def build_groups(ctx: Ctx, users: list[Obj], entra_devices: list[Obj]) -> list[Obj]:
    """Groups of every kind; records user/device group ids on ``ctx`` for targeting."""
    rng = ctx.rng("groups")
    groups: list[Obj] = []
    by_name: dict[str, Obj] = {}

    def add(group: Obj, device: bool) -> None:
        groups.append(group)
        by_name[group["displayName"]] = group
        (ctx.device_group_ids if device else ctx.user_group_ids).append(group["id"])

    for name, rule, pred in _DYNAMIC_DEVICE:
        members = _refs("device", [d for d in entra_devices if pred(d)])
        add(_group(ctx, rng, name, f"Dynamic: {name.lower()}.", members, rule), True)
    for name, rule, pred in _DYNAMIC_USER:
        add(
            _group(ctx, rng, name, f"Dynamic: {name.lower()}.", _refs("user", [u for u in users if pred(u)]), rule),
            False,
        )
    for name, kind, share in _ASSIGNED:
        pool = entra_devices if kind == "devices" else users
        picked = rng.sample(pool, max(1, int(len(pool) * share))) if kind != "empty" and pool else []
        refs = _refs("device" if kind == "devices" else "user", picked)
        add(
            _group(ctx, rng, name, "Assigned membership, maintained by the Intune team.", refs),
            kind == "devices" or "Devices" in name,
        )
    for name, member_names in _NESTED:
        refs = _refs("group", [by_name[m] for m in member_names])
        refs += _refs("user", rng.sample(users, min(2, len(users))))
        add(_group(ctx, rng, name, "Nested: holds other groups.", refs), False)
    _add_bulk(ctx, rng, users, entra_devices, add, by_name, reserved=1 if ctx.size.big_group else 0)
    if ctx.size.big_group:
        add(_big_group(ctx, entra_devices), True)
    return groups


# The large tenant's biggest group: an assigned device group of exactly ``Size.big_group`` devices.
BIG_GROUP = "Rollout Wave 1 Devices"


def _big_group(ctx: Ctx, devices: list[Obj]) -> Obj:
    """An assigned device group of exactly ``ctx.size.big_group`` devices (fewer if there aren't that many).

    Its own random stream, added last: the other groups, and what targets them, stay as they were.
    """
    rng = ctx.rng("big group")
    picked = rng.sample(devices, min(len(devices), ctx.size.big_group))
    members = _refs("device", sorted(picked, key=lambda d: str(d["id"])))
    return _group(ctx, rng, BIG_GROUP, "Assigned membership: the devices of the first rollout wave.", members)


def _add_bulk(
    ctx: Ctx,
    rng: Random,
    users: list[Obj],
    devices: list[Obj],
    add: Callable[[Obj, bool], None],
    by_name: dict[str, Obj],
    *,
    reserved: int = 0,
) -> None:
    """Fill up to the profile's group count (less ``reserved``) with department/region groups (large tenants)."""
    departments = sorted({u["department"] for u in users if u.get("department")})
    combos = [(d, r, p) for p in _PURPOSES for r in _REGIONS for d in departments]
    rng.shuffle(combos)
    for department, region, purpose in combos:
        if len(by_name) >= ctx.size.groups - reserved:
            return
        device = purpose == "Devices"
        name = f"{'WIN - ' if device else ''}{department} - {region} - {purpose}"
        if device:
            refs = _refs("device", rng.sample(devices, min(len(devices), rng.randrange(1, 40))))
        else:
            staff = [u for u in users if u.get("department") == department]
            refs = _refs("user", rng.sample(staff, min(len(staff), rng.randrange(1, 25))))
        if rng.random() < 0.08 and by_name:
            # Some regional groups include an existing group: more nesting in big directories.
            refs.append({"@odata.type": GRAPH + "group", "id": rng.choice(list(by_name.values()))["id"]})
        add(_group(ctx, rng, name, f"{purpose} of {department} in {region}.", refs), device)
