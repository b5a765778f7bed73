"""What a comparison finds: plain, immutable data that every renderer reads.

One shape serves the four comparisons (policy vs policy, tenant vs tenant, tenant vs baseline,
drift over time). ``left`` is the reference side (the first policy, the baseline, the older
snapshot) and ``right`` the side being checked; ``status_label`` gives each status the words an
admin expects in that comparison ("removed" in drift, "missing" against a baseline).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

__all__ = [
    "AlignmentScore",
    "AssignmentDiff",
    "BaselineSetting",
    "BaselineStatus",
    "CompareKind",
    "CompareOptions",
    "Comparison",
    "MatchInfo",
    "NotCompared",
    "ObjectDiff",
    "ObjectRef",
    "ObjectStatus",
    "SettingDiff",
    "SettingStatus",
    "SideInfo",
    "TenantValue",
    "status_label",
]


class CompareKind(StrEnum):
    """Which comparison produced a result."""

    POLICY = "policy"
    TENANTS = "tenants"
    BASELINE = "baseline"
    DRIFT = "drift"


class SettingStatus(StrEnum):
    """One setting (or one assignment target) on both sides."""

    SAME = "same"
    DIFFERENT = "different"
    ONLY_LEFT = "only_left"
    ONLY_RIGHT = "only_right"
    # Baseline only: tenant policies that can reach the same user or device set it differently.
    CONFLICTING = "conflicting"
    # Baseline only: tenant policies set it differently, but none of them reaches what another does.
    NON_OVERLAPPING = "non_overlapping"


class ObjectStatus(StrEnum):
    """One object (policy, app, script...) on both sides."""

    SAME = "same"
    DIFFERENT = "different"
    ONLY_LEFT = "only_left"
    ONLY_RIGHT = "only_right"
    # Found on one side only while the other side's read of the type was partial: it may exist
    # there unseen, so it is neither "removed" nor "added".
    UNCONFIRMED = "unconfirmed"


_LABELS: dict[CompareKind, dict[str, str]] = {
    CompareKind.DRIFT: {
        "same": "unchanged",
        "different": "changed",
        "only_left": "removed",
        "only_right": "added",
        "unconfirmed": "not confirmed",
    },
    CompareKind.BASELINE: {
        "same": "matches",
        "different": "differs",
        "only_left": "missing",
        "only_right": "not in baseline",
        "unconfirmed": "not confirmed",
    },
}
_DEFAULT_LABELS = {
    "same": "same",
    "different": "different",
    "conflicting": "conflicting",
    "non_overlapping": "set differently, no overlap",
    "only_left": "only left",
    "only_right": "only right",
    "unconfirmed": "not confirmed",
}
_SETTING_LABELS: dict[CompareKind, dict[str, str]] = {
    CompareKind.DRIFT: {"only_left": "removed", "only_right": "added", "different": "changed"},
    CompareKind.BASELINE: {
        "only_left": "missing",
        "only_right": "extra",
        "same": "matches",
        "different": "configured differently",
        "conflicting": "conflicting",
        "non_overlapping": "set differently in non-overlapping policies",
    },
}


def status_label(kind: CompareKind, status: ObjectStatus | SettingStatus) -> str:
    """The admin's word for ``status`` in a comparison of ``kind``."""
    if isinstance(status, SettingStatus):
        words = _SETTING_LABELS.get(kind, {})
        return words.get(status.value) or _DEFAULT_LABELS[status.value]
    return _LABELS.get(kind, _DEFAULT_LABELS).get(status.value) or _DEFAULT_LABELS[status.value]


@dataclass(frozen=True)
class CompareOptions:
    """Knobs of a comparison; the defaults are what the CLI and the web app use."""

    # Settings-overlap score (0..1) above which a baseline policy matches a differently named one.
    overlap_threshold: float = 0.5
    # Drift: overlap above which an object removed and one added count as one renamed object.
    rename_threshold: float = 0.8
    # Catalog keys to compare; None = every configuration type (not users, devices, groups).
    types: tuple[str, ...] | None = None
    # Compare description and scope tags besides settings (off against a baseline: a baseline
    # prescribes settings, not how a tenant describes or scopes its copy).
    metadata: bool = True


_SOURCE_WORDS = {
    "graph": ("tenant read through Microsoft Graph", "collected"),
    "emulator": ("demo tenant read through the emulator", "collected"),
    "intunecd": ("IntuneCD backup", "newest file"),
    "intunemanagement": ("IntuneManagement export", "newest file"),
    "portal-export": ("Intune portal export", "newest file"),
    "mixed": ("several exports", "newest file"),
    "baseline": ("built-in baseline", "written"),
}


@dataclass(frozen=True, slots=True)
class SideInfo:
    """Where one side of a comparison came from."""

    label: str
    tenant: str | None = None
    source: str | None = None
    taken_at: datetime | None = None

    @property
    def origin(self) -> str:
        """The source and its own time in words: "IntuneCD backup, newest file 2025-01-31 09:12 UTC".

        A tenant's time is when it was collected; an export's, its newest file's time (when the
        export was made, as far as the files tell); a built-in baseline's, when it was written.
        """
        words, basis = _SOURCE_WORDS.get(self.source or "", (self.source or "unknown source", "taken"))
        if self.taken_at is None:
            return words
        return f"{words}, {basis} {self.taken_at:%Y-%m-%d %H:%M} UTC"


@dataclass(frozen=True, slots=True)
class SettingDiff:
    """One setting, keyed by its definition id (settings catalog) or property path (others)."""

    setting_id: str
    name: str
    category: str
    status: SettingStatus
    # Readable values; None where the side does not configure the setting.
    left: str | None
    right: str | None
    is_secret: bool = False
    deprecated: bool = False
    replacement: str | None = None


@dataclass(frozen=True, slots=True)
class AssignmentDiff:
    """One assignment target (group by name, All users, All devices) on both sides."""

    target: str
    status: SettingStatus
    # Intent, assignment filter (by name, with its mode) and settings of the assignment.
    left: str | None
    right: str | None


@dataclass(frozen=True, slots=True)
class ObjectRef:
    """One object as the report names it; ``type_label`` and ``platform`` in Intune's words (catalog)."""

    type_key: str
    type_label: str
    name: str
    object_id: str | None
    platform: str


@dataclass(frozen=True, slots=True)
class MatchInfo:
    """How a left and a right object were paired: ``id``, ``identity``, ``overlap`` or ``chosen``."""

    method: str
    # Settings overlap (0..1) when the pair was matched by overlap.
    score: float | None = None


@dataclass(frozen=True, slots=True)
class ObjectDiff:
    """One object on both sides, with its setting and assignment differences."""

    type_key: str
    # The admin center's name for the object's type ("Kiosk", "Settings catalog").
    type_label: str
    status: ObjectStatus
    left: ObjectRef | None
    right: ObjectRef | None
    match: MatchInfo | None = None
    settings: tuple[SettingDiff, ...] = ()
    assignments: tuple[AssignmentDiff, ...] = ()
    note: str = ""

    @property
    def name(self) -> str:
        """The object's name (the right side's when it was renamed)."""
        ref = self.right or self.left
        return ref.name if ref is not None else ""

    @property
    def platform(self) -> str:
        """The object's platform, as far as known."""
        ref = self.left or self.right
        return ref.platform if ref is not None else ""

    @property
    def renamed(self) -> bool:
        """True when both sides hold the object under different names."""
        return self.left is not None and self.right is not None and self.left.name != self.right.name

    @property
    def changed_settings(self) -> tuple[SettingDiff, ...]:
        """The settings that are not the same on both sides."""
        return tuple(s for s in self.settings if s.status is not SettingStatus.SAME)

    @property
    def changed_assignments(self) -> tuple[AssignmentDiff, ...]:
        """The assignment targets that are not the same on both sides."""
        return tuple(a for a in self.assignments if a.status is not SettingStatus.SAME)


@dataclass(frozen=True, slots=True)
class NotCompared:
    """A type left out because one side could not read it (its objects are never "removed")."""

    type_key: str
    type_label: str
    reason: str


@dataclass(frozen=True, slots=True)
class AlignmentScore:
    """Share of a baseline's settings the tenant matches, overall or for one platform or area."""

    scope: str  # "overall", "platform" or "area"
    name: str
    matched: int
    expected: int

    @property
    def percent(self) -> float:
        """``matched`` as a percentage of ``expected`` (100 when nothing is expected)."""
        return 100.0 if self.expected == 0 else round(100.0 * self.matched / self.expected, 1)


class BaselineStatus(StrEnum):
    """One baseline setting, looked for in every policy of the tenant."""

    # Configured with the baseline's value, and no tenant policy sets another.
    MATCHES = "matches"
    # Configured, with another value (every tenant policy that sets it agrees on that value).
    DIFFERS = "differs"
    # Tenant policies that can reach the same user or device (or whose reach is unknown) set it
    # to different values: which one such a device gets is not certain.
    CONFLICTING = "conflicting"
    # Tenant policies set it to different values, but no user or device is reached by two of them
    # (one may be assigned to nobody): each gets its own policy's value.
    NON_OVERLAPPING = "non_overlapping"
    MISSING = "missing"

    @property
    def setting_status(self) -> SettingStatus:
        """How this verdict shows among a baseline policy's settings (and is worded by ``status_label``)."""
        return _VERDICT_STATUS[self]


_VERDICT_STATUS = {
    BaselineStatus.MATCHES: SettingStatus.SAME,
    BaselineStatus.DIFFERS: SettingStatus.DIFFERENT,
    BaselineStatus.CONFLICTING: SettingStatus.CONFLICTING,
    BaselineStatus.NON_OVERLAPPING: SettingStatus.NON_OVERLAPPING,
    BaselineStatus.MISSING: SettingStatus.ONLY_LEFT,
}


@dataclass(frozen=True, slots=True)
class TenantValue:
    """Where the tenant configures a baseline setting: the policy and its value."""

    policy: str
    type_label: str
    value: str
    matches: bool
    # Whether the policy is assigned at all (None: the source holds no assignments): a value in a
    # policy nobody gets configures nothing yet.
    assigned: bool | None = None

    @property
    def where(self) -> str:
        """The policy's name, marked when it is not assigned."""
        return f"{self.policy}, not assigned" if self.assigned is False else self.policy


@dataclass(frozen=True, slots=True)
class BaselineSetting:
    """One setting a baseline prescribes, and where and how the tenant configures it."""

    setting_id: str
    name: str
    # The admin center area the setting belongs to ("Defender", "BitLocker", "Firewall"...).
    area: str
    platform: str
    baseline_policy: str
    expected: str
    status: BaselineStatus
    found: tuple[TenantValue, ...] = ()
    is_secret: bool = False

    @property
    def tenant_text(self) -> str:
        """Where and how the tenant sets it: "value (policy)", one per policy; "" when nowhere."""
        return "; ".join(f"{v.value} ({v.where})" for v in self.found)


@dataclass(frozen=True)
class Comparison:
    """The whole result of one comparison."""

    kind: CompareKind
    left: SideInfo
    right: SideInfo
    objects: tuple[ObjectDiff, ...]
    not_compared: tuple[NotCompared, ...] = ()
    scores: tuple[AlignmentScore, ...] = ()
    options: CompareOptions = field(default_factory=CompareOptions)
    # Against a baseline: every baseline setting with its verdict across the tenant's policies.
    baseline_settings: tuple[BaselineSetting, ...] = ()

    def baseline_list(self, status: BaselineStatus) -> tuple[BaselineSetting, ...]:
        """The baseline settings with verdict ``status`` (empty unless this is a baseline comparison)."""
        return tuple(s for s in self.baseline_settings if s.status is status)

    @property
    def differences(self) -> tuple[ObjectDiff, ...]:
        """Objects that are not the same on both sides."""
        return tuple(o for o in self.objects if o.status is not ObjectStatus.SAME or o.renamed)

    @property
    def aligned(self) -> bool:
        """True when nothing differs and every type could be compared.

        Against a baseline, every baseline setting must match; tenant policies the baseline does
        not cover are reported but do not break alignment: the baseline is a floor, not the whole
        tenant.
        """
        if self.not_compared:
            return False
        if self.kind is CompareKind.BASELINE:
            return all(s.status is BaselineStatus.MATCHES for s in self.baseline_settings)
        return not self.differences

    def counts(self) -> dict[str, int]:
        """Number of objects per status value."""
        result: dict[str, int] = {}
        for obj in self.objects:
            result[obj.status.value] = result.get(obj.status.value, 0) + 1
        return result
