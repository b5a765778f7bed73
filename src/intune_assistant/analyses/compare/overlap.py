"""Can two policies of the tenant reach the same user or device? What makes a baseline setting
set differently by two policies "conflicting" rather than set apart.

With the tenant's users, managed devices and groups read, each policy's reach is worked out as
the Conflicts analysis does (``conflicts.Reach``: groups through nesting, exclusions, filters,
the policy's platform, devices through their primary user): two policies meet when they reach a
user or a device in common, and certainly do not when both reaches are certain and disjoint.
Without them (an export, a baseline), only the targets tell: both All users, both All devices,
All users beside All devices, or one group included by both meet; anything else is unknown. In
both cases a policy assigned to nobody meets no other, and one whose assignments are not in the
source is unknown. Unknown counts as meeting: a conflict is reported unless it is ruled out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from intune_assistant.analyses.assignments import Directory, TargetKind, is_usable, object_targets, template_platforms
from intune_assistant.analyses.conflicts.reach import PolicyReach, Reach
from intune_assistant.snapshot import Snapshot

__all__ = ["Overlaps"]

Policy = tuple[str, Mapping[str, Any]]
# What a reach needs: who is there, and which groups they are in.
_DIRECTORY_TYPES = ("users", "managedDevices", "groups")


class Overlaps:
    """Whether two policies of one snapshot can reach the same user or device (memoised per policy)."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._knows_members = all(is_usable(snapshot, key) for key in _DIRECTORY_TYPES)
        self._reach: Reach | None = None
        self._reaches: dict[int, PolicyReach] = {}

    def _reach_of(self, policy: Policy) -> PolicyReach:
        found = self._reaches.get(id(policy[1]))
        if found is None:
            if self._reach is None:
                self._reach = Reach(Directory(self._snapshot), template_platforms(self._snapshot))
            found = self._reaches[id(policy[1])] = self._reach.policy(policy[0], policy[1])
        return found

    def meet(self, first: Policy, second: Policy) -> bool | None:
        """True when both reach a user or device in common, False when they cannot, None when unknown."""
        targets = [object_targets(key, obj) for key, obj in (first, second)]
        if any(t is None for t in targets):
            return None
        includes = [[t for t in found or () if not t.exclude] for found in targets]
        if not all(includes):
            return False  # a policy assigned to nobody applies nowhere
        if self._knows_members:
            a, b = self._reach_of(first), self._reach_of(second)
            if a.users & b.users or a.devices & b.devices:
                return True
            return False if a.certain and b.certain else None
        kinds = [{t.kind for t in found} for found in includes]
        groups = [{t.group_id for t in found if t.kind is TargetKind.GROUP and t.group_id} for found in includes]
        users, devices = TargetKind.ALL_USERS, TargetKind.ALL_DEVICES
        both_everyone = kinds[0] & kinds[1] & {users, devices}
        # A user's devices are among All devices.
        crossed = (users in kinds[0] and devices in kinds[1]) or (devices in kinds[0] and users in kinds[1])
        return True if both_everyone or crossed or groups[0] & groups[1] else None
