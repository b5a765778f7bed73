"""What the tenant-wide conflicts and hygiene analysis reports."""

from __future__ import annotations

from dataclasses import dataclass

from intune_assistant.analyses.assignments import ObjectRef, TypeGap

from .combine import Resolution

__all__ = [
    "ConflictPair",
    "ConflictsReport",
    "DeprecatedSetting",
    "DuplicateSet",
    "Overlap",
    "SettingConflict",
    "ValueGroup",
]


@dataclass(frozen=True)
class Overlap:
    """Whom two policies both reach.

    Attributes:
        users / devices: how many users and managed devices both reach.
        example_users / example_devices: up to three of them, by name.
        shared_targets: targets that explain the overlap, e.g. the same group, or one group
            nested in the other ("'Pilot Users' is nested in 'Managed Users'").
        certain: False when memberships or filters couldn't all be read (the overlap may differ).
        doubts: why it isn't certain.
    """

    users: int
    devices: int
    example_users: tuple[str, ...]
    example_devices: tuple[str, ...]
    shared_targets: tuple[str, ...]
    certain: bool
    doubts: tuple[str, ...] = ()

    @property
    def scope(self) -> str:
        """The overlap in words."""
        parts = []
        if self.users:
            parts.append(f"{self.users} user(s)")
        if self.devices:
            parts.append(f"{self.devices} device(s)")
        text = " and ".join(parts) or "no one"
        return text if self.certain else f"{text} (uncertain)"


@dataclass(frozen=True)
class ConflictPair:
    """Two policies that set one setting differently and reach the same users or devices."""

    policy_a: ObjectRef
    value_a: str
    policy_b: ObjectRef
    value_b: str
    overlap: Overlap


@dataclass(frozen=True)
class ValueGroup:
    """One value of a setting and the policies that set it."""

    value: str
    policies: tuple[ObjectRef, ...]


@dataclass(frozen=True)
class SettingConflict:
    """A setting configured with different values in policies whose targets overlap.

    ``resolution`` says what Intune does: conflict (configuration vs configuration), most
    restrictive (compliance), or compliance wins (compliance vs configuration). ``pairs`` holds
    the pairs of policies with the largest overlaps; ``pair_count`` counts them all.
    """

    setting_id: str
    name: str
    category: str
    platform: str
    resolution: Resolution
    explanation: str
    values: tuple[ValueGroup, ...]
    pairs: tuple[ConflictPair, ...]
    # Overlapping pairs in all (``pairs`` describes the largest overlaps only).
    pair_count: int = 0


@dataclass(frozen=True)
class DuplicateSet:
    """Policies of one type and platform with exactly the same settings."""

    type_key: str
    type_label: str
    platform: str
    policies: tuple[ObjectRef, ...]
    settings: int


@dataclass(frozen=True)
class DeprecatedSetting:
    """A setting Intune marks deprecated, or whose definition the current catalogue lacks."""

    policy: ObjectRef
    setting_id: str
    name: str
    value: str
    status: str
    replacement: str | None


@dataclass(frozen=True)
class ConflictsReport:
    """Conflicts, duplicates and deprecated settings tenant-wide, with what limits them."""

    conflicts: tuple[SettingConflict, ...]
    duplicates: tuple[DuplicateSet, ...]
    deprecated: tuple[DeprecatedSetting, ...]
    gaps: tuple[TypeGap, ...]
    notes: tuple[str, ...] = ()
