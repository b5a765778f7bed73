"""Group membership in bulk: users and devices added to or removed from one static group. Pure.

Members are named as admins have them: a user by UPN, display name or id; a device by its name
(the Entra ID device, or the Intune device's Entra object) or id (the Entra ID object's, or the
Intune device's, which the Devices page ticks) — from a typed list, a CSV (``members_from_text``:
the first column, or the column headed UPN / user / device / name / id), the Devices, Groups or
Troubleshoot page. One item per member (``POST groups/{id}/members/$ref`` or
``DELETE groups/{id}/members/{member}/$ref``), so each has its own result.

Refused before anything is planned, with the reason: a group with dynamic membership (Entra ID
computes its members from its rule), a group synchronised from on-premises Active Directory
(changed there), a device for a Microsoft 365 group (Entra ID accepts only users there). A name
several users or devices share is refused naming the candidates. Already a member (add) or not a
direct member (remove) is a note, not an item, so planning again after an apply is empty.
"""

from __future__ import annotations

import contextlib
import csv
import io
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

from intune_assistant.analyses.assignments import Directory, ObjectRef
from intune_assistant.catalog import Catalog, default_catalog
from intune_assistant.snapshot import Snapshot

from .edits import edit_plan
from .model import GraphRequest, Operation, Plan, PlanItem, Precondition, RejectedChange
from .names import NameNotResolved
from .objects import close_names, target_by_name

__all__ = ["MemberAction", "MembershipRefused", "members_from_text", "plan_members", "static_group_problem"]

_HEADERS = {"upn", "userprincipalname", "user", "users", "device", "devices", "devicename", "name", "id", "member"}
_SHOWN = 5
_MAX_MEMBERS = 5000


class MembershipRefused(ValueError):
    """The group can't have its members changed here (dynamic, synchronised, unknown); says why."""


class MemberAction(StrEnum):
    """Add to or remove from the group."""

    ADD = "add"
    REMOVE = "remove"


def members_from_text(text: str) -> list[str]:
    """Member names from a typed list or a CSV: one per line, the first column (or the column whose
    header names members: UPN, user, device, name, id); blank lines and a header row skipped."""
    sample = text.lstrip("\ufeff")
    dialect: type[csv.Dialect] | csv.Dialect = csv.excel
    with contextlib.suppress(csv.Error):  # one column, or too little to tell: plain CSV
        dialect = csv.Sniffer().sniff(sample[:2048], delimiters=",;\t")
    rows = [r for r in csv.reader(io.StringIO(sample), dialect) if any(c.strip() for c in r)]
    if not rows:
        return []
    column = 0
    header = [c.strip().casefold().replace(" ", "") for c in rows[0]]
    named = [i for i, h in enumerate(header) if h in _HEADERS]
    if named:
        column, rows = named[0], rows[1:]
    names = [r[column].strip() for r in rows if len(r) > column and r[column].strip()]
    return list(dict.fromkeys(names))


def static_group_problem(group: Mapping[str, Any]) -> str | None:
    """Why ``group``'s members can't be changed by adding or removing them, or None."""
    types = group.get("groupTypes")
    if isinstance(types, list) and "DynamicMembership" in types:
        rule = group.get("membershipRule")
        shown = f" ({rule})" if isinstance(rule, str) and rule else ""
        return (
            f"it has dynamic membership: Entra ID computes its members from its rule{shown}; "
            "change the rule, or use a static group"
        )
    if group.get("onPremisesSyncEnabled") is True:
        return "it is synchronised from on-premises Active Directory: change its members there"
    return None


def _ambiguous(kind: str, name: str, matches: Sequence[Mapping[str, Any]]) -> str:
    shown = ", ".join(
        f"'{m.get('displayName') or m.get('deviceName')}' ({m.get('userPrincipalName') or m.get('id')})"
        for m in matches[:_SHOWN]
    )
    more = f" and {len(matches) - _SHOWN} more" if len(matches) > _SHOWN else ""
    return f"{len(matches)} {kind}s are named '{name}': {shown}{more}; give the UPN or the id instead"


def _member_ref(kind: str, obj: Mapping[str, Any]) -> ObjectRef:
    user = kind == "user"
    name = obj.get("userPrincipalName") if user else obj.get("displayName")
    return ObjectRef(
        type_key="users" if user else "entraDevices",
        type_label="User" if user else "Device",
        kind="directory",
        id=str(obj["id"]),
        name=str(name or obj.get("displayName") or obj["id"]),
        platform="" if user else str(obj.get("operatingSystem") or ""),
    )


def _resolve_member(name: str, directory: Directory, devices: Sequence[Mapping[str, Any]]) -> ObjectRef | str:
    """The user or device ``name`` names, or why none (or several) does."""
    wanted = name.strip().casefold()
    if name in directory.users:
        return _member_ref("user", directory.users[name])
    by_id = [d for d in devices if d.get("id") == name]
    if by_id:
        return _member_ref("device", by_id[0])
    managed = directory.devices.get(name)
    if managed is not None:
        # An Intune device id (the Devices page ticks them): its Entra ID object is the member.
        entra = directory.entra_object_id(name)
        match = next((d for d in devices if d.get("id") == entra), None) if entra else None
        if match is not None:
            return _member_ref("device", match)
        return (
            f"the Intune device '{managed.get('deviceName') or name}' has no Entra ID device object among the "
            "devices read (not registered in Entra ID, or Entra ID devices weren't read), so it can't be a group member"
        )
    user = directory.users_by_upn.get(wanted)
    if user is not None:
        return _member_ref("user", user)
    users = [u for u in directory.users.values() if str(u.get("displayName") or "").strip().casefold() == wanted]
    found = [d for d in devices if str(d.get("displayName") or "").strip().casefold() == wanted]
    if not found:
        # An Intune device name: its Entra ID object is what group members reference.
        for managed in directory.devices_by_name.get(wanted, []):
            entra = directory.entra_object_id(str(managed.get("id")))
            match = next((d for d in devices if d.get("id") == entra), None)
            if match is not None and match not in found:
                found.append(match)
    if len(users) + len(found) == 1:
        return _member_ref("user", users[0]) if users else _member_ref("device", found[0])
    if users and found:
        return f"'{name}' is both a user's and a device's name; give the UPN or the device id"
    if len(users) > 1:
        return _ambiguous("user", name, users)
    if len(found) > 1:
        return _ambiguous("device", name, found)
    candidates = [str(u.get("userPrincipalName") or "") for u in directory.users.values()]
    candidates += [str(d.get("displayName") or "") for d in devices]
    similar = close_names(name, candidates)
    hint = f"; did you mean {', '.join(repr(s) for s in similar)}?" if similar else ""
    return f"no user or device named '{name}' in the tenant{hint}"


def _given_name(name: str, directory: Directory) -> str:
    """How a refusal names what was given: an Intune device id by the device's name (names, not ids)."""
    managed = directory.devices.get(name)
    device_name = managed.get("deviceName") if managed is not None else None
    return f"{device_name} ({name})" if isinstance(device_name, str) and device_name else name


def plan_members(
    snapshot: Snapshot,
    group: str,
    names: Sequence[str],
    action: MemberAction,
    *,
    catalog: Catalog | None = None,
    directory: Directory | None = None,
) -> Plan:
    """The plan that adds ``names`` to (or removes them from) ``group`` (its name or id); no I/O.

    Raises:
        MembershipRefused: the group is unknown, ambiguous, dynamic or synchronised (nothing is
            planned), or the list is empty or too long.
    """
    catalog = catalog or default_catalog()
    directory = directory or Directory(snapshot)
    if not names:
        raise MembershipRefused("no users or devices were given")
    if len(names) > _MAX_MEMBERS:
        raise MembershipRefused(f"{len(names)} members at once is more than {_MAX_MEMBERS}; split the list")
    if snapshot.read_objects("groups") is None:
        raise MembershipRefused("groups weren't read, so the group's members are unknown")
    try:
        target = target_by_name(group, directory)
    except NameNotResolved as exc:
        raise MembershipRefused(str(exc)) from None
    if target.group_id is None:
        raise MembershipRefused(f"'{group}' is not a group whose members can be changed")
    group_obj = directory.groups[target.group_id]
    group_name = str(group_obj.get("displayName") or target.group_id)
    problem = static_group_problem(group_obj)
    if problem:
        raise MembershipRefused(f"the members of '{group_name}' can't be changed here: {problem}")
    members = group_obj.get("members")
    if not isinstance(members, list):
        raise MembershipRefused(f"the members of '{group_name}' weren't read, so what to change is unknown")
    direct = {str(m.get("id")) for m in members if isinstance(m, Mapping)}
    unified = "Unified" in (group_obj.get("groupTypes") or [])
    devices = list(snapshot.read_objects("entraDevices") or ())
    record = catalog["groups"]
    group_ref = ObjectRef(
        type_key="groups", type_label="Group", kind="directory", id=target.group_id, name=group_name, platform=""
    )
    base = f"{record.path}/{target.group_id}"
    items: list[PlanItem] = []
    rejected: list[RejectedChange] = []
    notes: list[str] = []
    summary = f"{action.value} {'to' if action is MemberAction.ADD else 'from'} '{group_name}'"
    for name in dict.fromkeys(n.strip() for n in names if n.strip()):
        member = _resolve_member(name, directory, devices)
        given = _given_name(name, directory)
        if isinstance(member, str):
            rejected.append(RejectedChange(given, summary, member))
            continue
        if unified and member.type_key == "entraDevices":
            rejected.append(RejectedChange(given, summary, "a Microsoft 365 group can have users only, not devices"))
            continue
        present = member.id in direct
        if action is MemberAction.ADD and present:
            notes.append(f"{member.name}: already a member of '{group_name}'")
            continue
        if action is MemberAction.REMOVE and not present:
            notes.append(f"{member.name}: not a direct member of '{group_name}'; nothing to remove")
            continue
        if action is MemberAction.ADD:
            reference = {"@odata.id": f"https://graph.microsoft.com/v1.0/directoryObjects/{member.id}"}
            request = GraphRequest("POST", f"{base}/members/$ref", reference, record.api_version)
            words = f"add {member.type_label.lower()} '{member.name}' to '{group_name}'"
            operation = Operation.ADD_MEMBER
        else:
            request = GraphRequest("DELETE", f"{base}/members/{member.id}/$ref", None, record.api_version)
            words = f"remove {member.type_label.lower()} '{member.name}' from '{group_name}'"
            operation = Operation.REMOVE_MEMBER
        items.append(
            PlanItem(
                object=group_ref,
                operation=operation,
                requests=(request,),
                before=(),
                after=(),
                expected=(),
                precondition=Precondition(f"{base}/members", ()),
                changes=(words,),
                member=member,
            )
        )
    return edit_plan(snapshot, items, rejected, notes)
