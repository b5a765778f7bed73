"""What is known about one subject, computed once: its groups, platform, and filter results.

Every object's verdict reads this; group paths and filter results are worked out once per
subject, not once per assignment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from intune_assistant.analyses.assignments import Directory, Membership, filter_ref, is_usable
from intune_assistant.analyses.filters import device_properties, evaluate, get_platform
from intune_assistant.catalog import DevicePlatform, device_platform, filter_platform

from .filtering import FilterEvaluation
from .subject import Subject

__all__ = ["SubjectContext", "build_context"]


@dataclass
class SubjectContext:
    """The subject's user and device with their groups (None + reason when unknown)."""

    directory: Directory
    subject: Subject
    user_groups: dict[str, tuple[str, ...]] | None
    user_groups_reason: str
    device_groups: dict[str, tuple[str, ...]] | None
    device_groups_reason: str
    device: dict[str, Any] | None
    platform: DevicePlatform | None
    properties: dict[str, object] | None
    _filters: dict[str, FilterEvaluation] = field(default_factory=dict)

    @property
    def has_user(self) -> bool:
        """True when the subject includes a user."""
        return self.subject.user_id is not None

    @property
    def has_device(self) -> bool:
        """True when the subject includes a device."""
        return self.subject.device_id is not None

    def member(self, via: str, group_id: str) -> Membership:
        """Whether the subject's user (``via="user"``) or device is in ``group_id``."""
        groups, reason = (
            (self.user_groups, self.user_groups_reason)
            if via == "user"
            else (self.device_groups, self.device_groups_reason)
        )
        if groups is None:
            return Membership("unknown", reason=reason)
        return self.directory.membership(groups, group_id)

    def filter_result(self, filter_id: str) -> FilterEvaluation:
        """The filter's result on the subject's device (memoised)."""
        cached = self._filters.get(filter_id)
        if cached is None:
            cached = self._evaluate_filter(filter_id)
            self._filters[filter_id] = cached
        return cached

    def _evaluate_filter(self, filter_id: str) -> FilterEvaluation:
        directory = self.directory
        ref = filter_ref(directory, filter_id)
        if self.properties is None:
            return FilterEvaluation(ref, "unknown", "no device given, and filters evaluate a device's properties")
        snapshot = directory.snapshot
        if not is_usable(snapshot, "assignmentFilters"):
            read = snapshot.results.get("assignmentFilters")
            why = read.error if read is not None and read.error else "not in this snapshot"
            return FilterEvaluation(ref, "unknown", f"assignment filters weren't read ({why})")
        parsed = directory.parsed_filter(filter_id)
        if parsed is None:
            return FilterEvaluation(ref, "unknown", "the filter isn't in the snapshot, so its rule is unknown")
        if parsed.rule is None:
            return FilterEvaluation(ref, "unknown", parsed.error or "its rule can't be read")
        if get_platform(parsed.rule.platform).entity == "app":
            return FilterEvaluation(
                ref,
                "unknown",
                "it's a managed-app filter: it reads properties the app reports, which no snapshot holds",
            )
        platform = filter_platform(parsed.platform)
        family = platform.family if platform is not None else None
        if platform is not None and family is not None and self.platform is not None and family is not self.platform:
            return FilterEvaluation(
                ref, "unknown", f"it's a {platform.label} filter and the device runs {self.platform.value}"
            )
        result = evaluate(parsed.rule, self.properties)
        values = tuple(
            (
                c.clause.property_name,
                "not known" if not c.provided else ("empty" if c.value_seen is None else str(c.value_seen)),
            )
            for c in result.decided_by
        )
        return FilterEvaluation(ref, result.outcome, result.reason, values)


def build_context(directory: Directory, subject: Subject) -> SubjectContext:
    """The subject's groups, platform and filter properties."""
    user_groups: dict[str, tuple[str, ...]] | None = None
    user_reason = ""
    if subject.user_id is not None:
        user_groups = directory.groups_of_member(subject.user_id)
    device: dict[str, Any] | None = None
    device_groups: dict[str, tuple[str, ...]] | None = None
    device_reason = ""
    platform: DevicePlatform | None = None
    properties: dict[str, object] | None = None
    if subject.device_id is not None:
        device = dict(directory.devices.get(subject.device_id, {}))
        device_groups, device_reason = directory.device_groups(subject.device_id)
        platform = device_platform(device)
        properties = device_properties(device)
    return SubjectContext(
        directory=directory,
        subject=subject,
        user_groups=user_groups,
        user_groups_reason=user_reason,
        device_groups=device_groups,
        device_groups_reason=device_reason,
        device=device,
        platform=platform,
        properties=properties,
    )
