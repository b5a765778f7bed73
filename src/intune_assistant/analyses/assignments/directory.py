"""The directory as targeting sees it: groups, nesting, users, devices and filters, indexed once.

Built from one Snapshot and read-only afterwards (it memoises what it computes, per instance;
nothing is global). Membership answers are three-valued: *yes* with the path through nested
groups, *no*, or *unknown* with the reason — a group whose members could not all be read, or a
snapshot without groups, never turns into "not a member".

Paths run from the group the principal is a direct member of up to the asked group, so
``("Intune Pilot Users", "Regional Users - EU", "Intune Managed Users")`` reads "member of Pilot
Users, which is nested in Regional Users - EU, which is nested in Intune Managed Users".
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from intune_assistant.analyses.filters import FilterRule, FilterSyntaxError, UnsupportedPlatformError, parse_rule
from intune_assistant.snapshot import GROUP_NAMES_PART, Snapshot, TypeStatus

from .status import failed_children, is_complete, is_usable

__all__ = ["Directory", "GroupKind", "GroupRef", "GroupState", "Membership", "MembershipState", "ParsedFilter"]

MembershipState = Literal["yes", "no", "unknown"]
GroupState = Literal["ok", "deleted", "unknown"]
GroupKind = Literal["users", "devices", "mixed", "empty"]

_USER = "#microsoft.graph.user"
_GROUP = "#microsoft.graph.group"
_DEVICE = "#microsoft.graph.device"
# Snapshot sources that listed the tenant's groups themselves: an unresolved id there is deleted.
_TENANT_SOURCES = frozenset({"graph", "emulator"})


@dataclass(frozen=True)
class GroupRef:
    """A group as shown to an admin: its name first, the id as a secondary detail."""

    id: str
    name: str


@dataclass(frozen=True)
class Membership:
    """Whether a principal is in a group: ``path`` holds group ids, direct group first."""

    state: MembershipState
    path: tuple[str, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class ParsedFilter:
    """An assignment filter and its parsed rule (``rule`` None with ``error`` when unparsable)."""

    id: str
    name: str
    platform: str
    rule_text: str
    rule: FilterRule | None
    error: str | None


def _members(group: Mapping[str, Any]) -> list[Mapping[str, Any]] | None:
    members = group.get("members")
    if not isinstance(members, list):
        return None
    return [m for m in members if isinstance(m, Mapping) and isinstance(m.get("id"), str)]


def _casefold(value: object) -> str | None:
    return value.strip().casefold() if isinstance(value, str) and value.strip() else None


class Directory:
    """Indexes over one snapshot's groups, users, devices and filters (read-only, memoised)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.groups: dict[str, Mapping[str, Any]] = {}
        self._users_of: dict[str, set[str]] = {}
        self._devices_of: dict[str, set[str]] = {}
        self._children: dict[str, list[str]] = {}
        self._parents: dict[str, list[str]] = {}
        self._direct_groups: dict[str, list[str]] = {}
        incomplete: set[str] = set()
        failed = failed_children(snapshot, "groups", "members")
        for raw_group in snapshot.read_objects("groups") or ():
            gid = raw_group.get("id")
            if isinstance(gid, str):
                self.groups[gid] = raw_group
        for gid, group in self.groups.items():
            members = _members(group)
            name = group.get("displayName")
            if members is None or (isinstance(name, str) and name in failed) or gid in failed:
                incomplete.add(gid)
            users, devices, children = set(), set(), []
            for member in members or ():
                member_id = str(member["id"])
                kind = str(member.get("@odata.type") or "")
                if kind == _GROUP:
                    children.append(member_id)
                    self._parents.setdefault(member_id, []).append(gid)
                    if member_id not in self.groups:
                        incomplete.add(gid)  # a nested group we can't see into
                elif kind == _USER:
                    users.add(member_id)
                elif kind == _DEVICE:
                    devices.add(member_id)
                else:
                    incomplete.add(gid)  # a member type we don't model: its effect is unknown
                if kind in (_USER, _DEVICE):
                    self._direct_groups.setdefault(member_id, []).append(gid)
            self._users_of[gid], self._devices_of[gid], self._children[gid] = users, devices, children
        self._incomplete = self._close_upwards(incomplete)
        result = snapshot.results.get("groups")
        self._names_failed = result is not None and any(
            problem.part == GROUP_NAMES_PART for problem in result.child_problems
        )

        self.users: dict[str, Mapping[str, Any]] = {}
        self.users_by_upn: dict[str, Mapping[str, Any]] = {}
        for user in snapshot.read_objects("users") or ():
            uid = user.get("id")
            if isinstance(uid, str):
                self.users[uid] = user
                upn = _casefold(user.get("userPrincipalName"))
                if upn:
                    self.users_by_upn[upn] = user

        self.entra_by_device_id: dict[str, Mapping[str, Any]] = {}
        for device in snapshot.read_objects("entraDevices") or ():
            device_id = _casefold(device.get("deviceId"))
            if device_id and isinstance(device.get("id"), str):
                self.entra_by_device_id[device_id] = device

        self.devices: dict[str, Mapping[str, Any]] = {}
        self.devices_by_name: dict[str, list[Mapping[str, Any]]] = {}
        self.devices_of_user: dict[str, list[str]] = {}
        self._managed_of_entra: dict[str, list[str]] = {}
        for device in snapshot.read_objects("managedDevices") or ():
            mid = device.get("id")
            if not isinstance(mid, str):
                continue
            self.devices[mid] = device
            name = _casefold(device.get("deviceName"))
            if name:
                self.devices_by_name.setdefault(name, []).append(device)
            owner = device.get("userId")
            if isinstance(owner, str) and owner:
                self.devices_of_user.setdefault(owner, []).append(mid)
            entra = self.entra_object_id(mid)
            if entra is not None:
                self._managed_of_entra.setdefault(entra, []).append(mid)

        self.filters: dict[str, Mapping[str, Any]] = {
            str(f["id"]): f for f in snapshot.read_objects("assignmentFilters") or () if isinstance(f.get("id"), str)
        }
        self._parsed: dict[str, ParsedFilter] = {}
        self._ancestors: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {}
        self._transitive: dict[str, tuple[frozenset[str], frozenset[str]]] = {}

    # -- groups ----------------------------------------------------------------------------

    def _close_upwards(self, start: set[str]) -> frozenset[str]:
        seen = set(start)
        queue = deque(start)
        while queue:
            for parent in self._parents.get(queue.popleft(), ()):
                if parent not in seen:
                    seen.add(parent)
                    queue.append(parent)
        return frozenset(seen)

    def group_state(self, group_id: str) -> GroupState:
        """``ok`` (listed), ``deleted`` (a tenant snapshot couldn't resolve it) or ``unknown``."""
        if group_id in self.groups:
            return "ok"
        snapshot = self.snapshot
        if (
            is_complete(snapshot, "groups")
            and not self._names_failed
            and snapshot.source in _TENANT_SOURCES
            and group_id in snapshot.names.unresolved_groups
        ):
            return "deleted"
        return "unknown"

    def group_name(self, group_id: str) -> str:
        """The group's display name; a deleted or unknown group says so (with the id)."""
        group = self.groups.get(group_id)
        name = group.get("displayName") if group is not None else self.snapshot.names.group(group_id)
        if isinstance(name, str) and name and name != group_id:
            return name
        if self.group_state(group_id) == "deleted":
            return f"Deleted group ({group_id})"
        return f"Unknown group ({group_id})"

    def group_ref(self, group_id: str) -> GroupRef:
        """The group as a name/id pair."""
        return GroupRef(group_id, self.group_name(group_id))

    def group_unknown_reason(self, group_id: str) -> str:
        """Why membership of ``group_id`` can't be decided (empty when it can)."""
        snapshot = self.snapshot
        status = snapshot.status_of("groups")
        if status in (TypeStatus.FAILED, TypeStatus.NOT_COLLECTED):
            result = snapshot.results.get("groups")
            why = result.error if result is not None and result.error else status.value.replace("_", " ")
            return f"groups weren't read ({why}), so membership of '{self.group_name(group_id)}' is unknown"
        if group_id not in self.groups:
            if snapshot.source not in _TENANT_SOURCES:
                return f"group {group_id} isn't named in this export, so its members are unknown"
            return f"group {group_id} isn't in the snapshot's group list, so its members are unknown"
        if group_id in self._incomplete:
            return f"the members of '{self.group_name(group_id)}' (or of a group nested in it) couldn't all be read"
        return ""

    def is_dynamic(self, group_id: str) -> bool:
        """True for a dynamic-membership group."""
        group = self.groups.get(group_id, {})
        types = group.get("groupTypes")
        return isinstance(types, list) and "DynamicMembership" in types

    def membership_rule(self, group_id: str) -> str | None:
        """The dynamic membership rule, if any."""
        rule = self.groups.get(group_id, {}).get("membershipRule")
        return rule if isinstance(rule, str) and rule else None

    def parents(self, group_id: str) -> tuple[str, ...]:
        """Groups that hold ``group_id`` as a direct member."""
        return tuple(self._parents.get(group_id, ()))

    def children(self, group_id: str) -> tuple[str, ...]:
        """Groups nested directly in ``group_id``."""
        return tuple(self._children.get(group_id, ()))

    def direct_counts(self, group_id: str) -> tuple[int, int, int]:
        """(users, devices, groups) that are direct members of ``group_id``."""
        return (
            len(self._users_of.get(group_id, ())),
            len(self._devices_of.get(group_id, ())),
            len(self._children.get(group_id, ())),
        )

    def membership_complete(self, group_id: str) -> bool:
        """True when every member of ``group_id`` (and of groups nested in it) is known."""
        return group_id in self.groups and group_id not in self._incomplete

    def ancestors(self, group_id: str) -> dict[str, tuple[str, ...]]:
        """Every group ``group_id`` is nested in (transitively) → path from ``group_id`` up to it."""
        return self._walk_up(("group", group_id), [group_id])

    def transitive_members(self, group_id: str) -> tuple[frozenset[str], frozenset[str]]:
        """(user ids, Entra device object ids) in ``group_id``, through nesting (cycle-safe)."""
        cached = self._transitive.get(group_id)
        if cached is not None:
            return cached
        users: set[str] = set()
        devices: set[str] = set()
        seen = {group_id}
        queue = deque([group_id])
        while queue:
            current = queue.popleft()
            users |= self._users_of.get(current, set())
            devices |= self._devices_of.get(current, set())
            for child in self._children.get(current, ()):
                if child not in seen:
                    seen.add(child)
                    queue.append(child)
        result = (frozenset(users), frozenset(devices))
        self._transitive[group_id] = result
        return result

    def group_kind(self, group_id: str) -> GroupKind:
        """What the group holds, through nesting: users, devices, both, or nothing."""
        users, devices = self.transitive_members(group_id)
        if users and devices:
            return "mixed"
        if users:
            return "users"
        return "devices" if devices else "empty"

    # -- principals ------------------------------------------------------------------------

    def _walk_up(self, key: tuple[str, str], start: list[str]) -> dict[str, tuple[str, ...]]:
        cached = self._ancestors.get(key)
        if cached is not None:
            return cached
        # Breadth-first, so each group is reached by its shortest nesting path.
        paths: dict[str, tuple[str, ...]] = {}
        queue: deque[tuple[str, tuple[str, ...]]] = deque()
        for gid in start:
            if key[0] == "group":
                for parent in self._parents.get(gid, ()):
                    if parent not in paths:
                        paths[parent] = (gid, parent)
                        queue.append((parent, (gid, parent)))
            elif gid not in paths:
                paths[gid] = (gid,)
                queue.append((gid, (gid,)))
        while queue:
            current, path = queue.popleft()
            for parent in self._parents.get(current, ()):
                if parent not in paths:
                    paths[parent] = (*path, parent)
                    queue.append((parent, (*path, parent)))
        self._ancestors[key] = paths
        return paths

    def groups_of_member(self, member_id: str) -> dict[str, tuple[str, ...]]:
        """Groups a user or Entra device object is in, directly or through nesting → path."""
        return self._walk_up(("member", member_id), sorted(self._direct_groups.get(member_id, ())))

    def membership(self, groups_of: Mapping[str, tuple[str, ...]], group_id: str) -> Membership:
        """Whether the principal whose groups are ``groups_of`` is in ``group_id``."""
        path = groups_of.get(group_id)
        if path is not None:
            return Membership("yes", path)
        state = self.group_state(group_id)
        if state == "deleted":
            return Membership("no", reason=f"'{self.group_name(group_id)}' no longer exists")
        reason = self.group_unknown_reason(group_id)
        if reason:
            return Membership("unknown", reason=reason)
        return Membership("no")

    def entra_object_id(self, managed_device_id: str) -> str | None:
        """The Entra device object id (what group members reference) of a managed device."""
        device = self.devices.get(managed_device_id, {})
        entra = self.entra_by_device_id.get(_casefold(device.get("azureADDeviceId")) or "")
        return str(entra["id"]) if entra is not None else None

    def device_groups(self, managed_device_id: str) -> tuple[dict[str, tuple[str, ...]] | None, str]:
        """(groups → path, "") for a managed device, or (None, reason) when they can't be known."""
        entra = self.entra_object_id(managed_device_id)
        if entra is not None:
            return self.groups_of_member(entra), ""
        if not is_usable(self.snapshot, "entraDevices"):
            return None, "Entra ID devices weren't read, so the device's group memberships are unknown"
        if not is_complete(self.snapshot, "entraDevices"):
            return None, "the device's Entra ID object wasn't among the devices read, so its groups are unknown"
        # Enrolled without an Entra object (e.g. userless enrollments): it can be in no group.
        return {}, "the device has no Entra ID device object, so it is in no group"

    def managed_devices_of_entra(self, entra_object_id: str) -> tuple[str, ...]:
        """Managed device ids enrolled as the Entra device object ``entra_object_id``."""
        return tuple(self._managed_of_entra.get(entra_object_id, ()))

    def user_label(self, user_id: str) -> str:
        """The user's UPN (or display name, or id)."""
        user = self.users.get(user_id, {})
        for field in ("userPrincipalName", "displayName"):
            value = user.get(field)
            if isinstance(value, str) and value:
                return value
        return user_id

    def device_label(self, managed_device_id: str) -> str:
        """The device's name (or id)."""
        name = self.devices.get(managed_device_id, {}).get("deviceName")
        return name if isinstance(name, str) and name else managed_device_id

    # -- filters ---------------------------------------------------------------------------

    def filter_name(self, filter_id: str) -> str:
        """The filter's display name (``Unknown filter (id)`` when not in the snapshot)."""
        obj = self.filters.get(filter_id)
        name = obj.get("displayName") if obj is not None else self.snapshot.names.filter(filter_id)
        return name if isinstance(name, str) and name and name != filter_id else f"Unknown filter ({filter_id})"

    def parsed_filter(self, filter_id: str) -> ParsedFilter | None:
        """The filter with its parsed rule; None when the filter isn't in the snapshot."""
        if filter_id in self._parsed:
            return self._parsed[filter_id]
        obj = self.filters.get(filter_id)
        if obj is None:
            return None
        rule_text = obj.get("rule")
        platform = obj.get("platform")
        rule: FilterRule | None = None
        error: str | None = None
        if not isinstance(rule_text, str) or not isinstance(platform, str):
            error = "the filter has no rule or platform in the snapshot"
        else:
            try:
                rule = parse_rule(rule_text, platform)
            except (FilterSyntaxError, UnsupportedPlatformError) as exc:
                error = f"its rule can't be read: {exc}"
        parsed = ParsedFilter(
            filter_id,
            self.filter_name(filter_id),
            platform if isinstance(platform, str) else "",
            rule_text if isinstance(rule_text, str) else "",
            rule,
            error,
        )
        self._parsed[filter_id] = parsed
        return parsed
