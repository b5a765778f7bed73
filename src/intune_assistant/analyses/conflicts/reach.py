"""Tenant-wide reach of each policy: which users and managed devices its targets cover.

Sets are Python ints used as bitsets (bit i = the i-th user or device), so comparing every pair
of policies that set one setting stays cheap in a tenant with thousands of each.

A policy reaches a device through a device group (or All devices) it includes, or through the
device's primary user in a user group (or All users) it includes: user-targeted settings land on
the devices their users sign in to, and the primary user is the one the snapshot knows.
Exclusions remove only their own kind (reference §4). Filters are applied per assignment: an
Include filter keeps matching devices, an Exclude filter drops them, and a device whose filter
result is unknown is kept as *possibly* reached. (Across two assignments of one policy reaching
the same device, Intune's mode precedence could differ from this per-assignment reading; for
finding overlaps that is close enough, and the troubleshoot analysis is exact per device.)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from intune_assistant.analyses.assignments import Directory, FilterMode, TargetKind, is_usable, object_targets
from intune_assistant.analyses.filters import device_properties, evaluate
from intune_assistant.catalog import DevicePlatform, Templates, device_platform, object_platform

__all__ = ["PolicyReach", "Reach", "bits"]


def bits(value: int) -> Iterator[int]:
    """The positions of the set bits of ``value``, lowest first."""
    while value:
        low = value & -value
        yield low.bit_length() - 1
        value ^= low


@dataclass(frozen=True)
class PolicyReach:
    """Users and devices a policy reaches (bitsets), and whether that is certain."""

    users: int
    devices: int
    certain: bool
    doubts: tuple[str, ...] = ()


class Reach:
    """Bitset indexes over one snapshot's users, devices, groups and filters (memoised)."""

    def __init__(self, directory: Directory, templates: Templates | None = None) -> None:
        self.directory = directory
        self.templates = templates or {}
        self.user_ids = sorted(directory.users)
        self.device_ids = sorted(directory.devices)
        self._user_bit = {uid: i for i, uid in enumerate(self.user_ids)}
        self._device_bit = {did: i for i, did in enumerate(self.device_ids)}
        self.all_users = (1 << len(self.user_ids)) - 1
        self.all_devices = (1 << len(self.device_ids)) - 1
        self._devices_of_user: dict[int, int] = {}
        self._platform: dict[DevicePlatform, int] = {}
        for did, device in directory.devices.items():
            bit = 1 << self._device_bit[did]
            owner = device.get("userId")
            if isinstance(owner, str) and owner in self._user_bit:
                index = self._user_bit[owner]
                self._devices_of_user[index] = self._devices_of_user.get(index, 0) | bit
            platform = device_platform(device)
            if platform is not None:
                self._platform[platform] = self._platform.get(platform, 0) | bit
        self._groups: dict[str, tuple[int, int, int]] = {}
        self._filters: dict[str, tuple[int, int]] = {}
        self._properties: dict[str, dict[str, object]] = {}
        self._owned_all = 0
        for value in self._devices_of_user.values():
            self._owned_all |= value

    def user_label(self, index: int) -> str:
        """The UPN of user bit ``index``."""
        return self.directory.user_label(self.user_ids[index])

    def device_label(self, index: int) -> str:
        """The name of device bit ``index``."""
        return self.directory.device_label(self.device_ids[index])

    def platform_devices(self, platform: DevicePlatform) -> int:
        """Devices running ``platform``."""
        return self._platform.get(platform, 0)

    def devices_of_users(self, users: int) -> int:
        """Devices whose primary user is in ``users``."""
        if users == self.all_users:
            return self._owned_all
        result = 0
        for index in bits(users):
            result |= self._devices_of_user.get(index, 0)
        return result

    def group(self, group_id: str) -> tuple[int, int, int]:
        """(users, devices, devices of those users) in the group, through nesting."""
        cached = self._groups.get(group_id)
        if cached is None:
            user_ids, entra_ids = self.directory.transitive_members(group_id)
            users = 0
            for uid in user_ids:
                if uid in self._user_bit:
                    users |= 1 << self._user_bit[uid]
            devices = 0
            for entra in entra_ids:
                for did in self.directory.managed_devices_of_entra(entra):
                    devices |= 1 << self._device_bit[did]
            cached = (users, devices, self.devices_of_users(users))
            self._groups[group_id] = cached
        return cached

    def filter_bits(self, filter_id: str) -> tuple[int, int]:
        """(devices the filter matches, devices it can't decide for)."""
        cached = self._filters.get(filter_id)
        if cached is None:
            parsed = self.directory.parsed_filter(filter_id)
            if parsed is None or parsed.rule is None:
                cached = (0, self.all_devices)
            else:
                matched = unknown = 0
                for did, device in self.directory.devices.items():
                    properties = self._properties.get(did)
                    if properties is None:
                        properties = self._properties[did] = device_properties(device)
                    outcome = evaluate(parsed.rule, properties).outcome
                    bit = 1 << self._device_bit[did]
                    if outcome == "match":
                        matched |= bit
                    elif outcome == "unknown":
                        unknown |= bit
                cached = (matched, unknown)
            self._filters[filter_id] = cached
        return cached

    def policy(self, type_key: str, obj: Mapping[str, Any]) -> PolicyReach:
        """Whom ``obj`` reaches, tenant-wide."""
        directory = self.directory
        targets = object_targets(type_key, obj)
        if targets is None:
            return PolicyReach(0, 0, False, ("its assignments aren't in the snapshot",))
        doubts: list[str] = []

        def group_bits(group_id: str) -> tuple[int, int, int]:
            state = directory.group_state(group_id)
            if state == "deleted":
                return 0, 0, 0
            if not directory.membership_complete(group_id):
                doubts.append(directory.group_unknown_reason(group_id) or f"members of {group_id} unknown")
            return self.group(group_id)

        excluded_users = excluded_devices = 0
        for target in targets:
            if target.exclude and target.group_id:
                users, devices, _ = group_bits(target.group_id)
                excluded_users |= users
                excluded_devices |= devices
        excluded_owned = self.devices_of_users(excluded_users)
        reached_users = reached_devices = 0
        for target in targets:
            if target.exclude:
                continue
            if target.kind is TargetKind.ALL_USERS:
                users, devices, owned = self.all_users, 0, self._owned_all
            elif target.kind is TargetKind.ALL_DEVICES:
                users, devices, owned = 0, self.all_devices, 0
            elif target.kind is TargetKind.GROUP and target.group_id:
                users, devices, owned = group_bits(target.group_id)
            else:
                doubts.append(f"target type {target.odata_type} isn't modelled")
                continue
            users &= ~excluded_users
            # Devices through the user path lose only user exclusions; through the device path,
            # only device exclusions (no mixed exclusions in Intune).
            devices = (devices & ~excluded_devices) | (owned & ~excluded_owned)
            if target.filter_id:
                if not is_usable(directory.snapshot, "assignmentFilters"):
                    doubts.append("assignment filters weren't read")
                matched, unknown = self.filter_bits(target.filter_id)
                if unknown & devices:
                    doubts.append(
                        f"filter '{directory.filter_name(target.filter_id)}' can't be evaluated for some devices"
                    )
                if target.filter_mode is FilterMode.INCLUDE:
                    devices &= matched | unknown
                else:
                    devices &= ~matched
            reached_users |= users
            reached_devices |= devices
        platform = object_platform(type_key, obj, templates=self.templates).family
        if platform is not None:
            reached_devices &= self.platform_devices(platform)
        unique = tuple(dict.fromkeys(doubts))
        return PolicyReach(reached_users, reached_devices, not unique, unique)
