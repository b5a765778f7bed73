"""Verdicts and their reason chains, for one user, one device, or a user on a device.

Targeting is not delivery: ``applies`` means "Intune targets this at the subject", never "it was
applied" — the product reads configuration, not device check-in results. ``unknown`` is its own
verdict, always with the reason (DESIGN §3, UX rule 5).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from intune_assistant.analyses.assignments import FilterRef, GroupRef, ObjectRef, TypeGap

__all__ = [
    "VERDICT_LABELS",
    "EffectiveAssignment",
    "EffectiveAssignments",
    "Step",
    "StepKind",
    "SubjectInfo",
    "Verdict",
]


class Verdict(StrEnum):
    """How an object stands towards the subject."""

    APPLIES = "applies"
    EXCLUDED = "excluded"
    FILTERED_OUT = "filtered_out"
    NOT_APPLICABLE = "not_applicable"
    NOT_TARGETED = "not_targeted"
    UNKNOWN = "unknown"


# The words shown to admins: "Targeted", never "Applied" (targeting is not delivery).
VERDICT_LABELS: dict[Verdict, str] = {
    Verdict.APPLIES: "Targeted",
    Verdict.EXCLUDED: "Excluded",
    Verdict.FILTERED_OUT: "Filtered out",
    Verdict.NOT_APPLICABLE: "Not applicable (platform)",
    Verdict.NOT_TARGETED: "Not targeted",
    Verdict.UNKNOWN: "Unknown",
}


class StepKind(StrEnum):
    """What one step of a reason chain is about."""

    PLATFORM = "platform"
    TARGETED = "targeted"
    NOT_REACHED = "not_reached"
    EXCLUDED = "excluded"
    MIXED_EXCLUSION = "mixed_exclusion"
    INTENT = "intent"
    FILTER_PRECEDENCE = "filter_precedence"
    FILTER = "filter"
    UNKNOWN = "unknown"
    NOTE = "note"


@dataclass(frozen=True)
class Step:
    """One link of a reason chain, in words, with the facts behind it.

    Attributes:
        kind: what the step is about.
        text: one sentence for an administrator.
        group: the group concerned (target or exclusion).
        path: nesting path, from the subject's direct group up to ``group``.
        via: ``user`` or ``device``: which of the subject the step is about.
        filter: the filter concerned; ``filter_mode`` its mode; ``filter_outcome`` match/no_match/unknown.
        values: (property, value seen) pairs that decided the filter.
    """

    kind: StepKind
    text: str
    group: GroupRef | None = None
    path: tuple[GroupRef, ...] = ()
    via: str | None = None
    filter: FilterRef | None = None
    filter_mode: str | None = None
    filter_outcome: str | None = None
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class EffectiveAssignment:
    """One object's verdict for the subject, with its reason chain.

    Attributes:
        object: the policy, app or script.
        verdict: applies (targeted), excluded, filtered out, not applicable, not targeted, unknown.
        summary: the verdict in one line.
        steps: the reason chain, in evaluation order.
        intent: for apps, the resolved install intent (e.g. ``required``, ``requiredAndAvailable``).
        reached: True when at least one inclusion reaches the subject (before exclusions and filters).
        warnings: things an admin should fix or know (mixed exclusions, filters on unsupported workloads).
    """

    object: ObjectRef
    verdict: Verdict
    summary: str
    steps: tuple[Step, ...]
    intent: str | None = None
    reached: bool = False
    warnings: tuple[str, ...] = ()

    __json_properties__ = ("label",)

    @property
    def label(self) -> str:
        """The verdict as shown to admins."""
        return VERDICT_LABELS[self.verdict]


@dataclass(frozen=True)
class SubjectInfo:
    """Who the verdicts are for (names first, ids secondary) and how they were chosen."""

    user_id: str | None
    user: str | None
    device_id: str | None
    device: str | None
    device_platform: str | None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class EffectiveAssignments:
    """Every assignable object's verdict for one subject, and what the snapshot couldn't tell."""

    subject: SubjectInfo
    items: tuple[EffectiveAssignment, ...]
    gaps: tuple[TypeGap, ...]

    def with_verdict(self, *verdicts: Verdict) -> tuple[EffectiveAssignment, ...]:
        """The items with one of ``verdicts``."""
        return tuple(item for item in self.items if item.verdict in verdicts)

    def relevant(self) -> tuple[EffectiveAssignment, ...]:
        """Items that reach the subject or can't be decided (what "explain" lists by default)."""
        return tuple(i for i in self.items if i.reached or i.verdict is Verdict.UNKNOWN)

    def find(self, name: str) -> tuple[EffectiveAssignment, ...]:
        """Items whose object is named ``name`` (case-insensitive) or has id ``name``."""
        key = name.strip().casefold()
        return tuple(i for i in self.items if i.object.name.casefold() == key or i.object.id.casefold() == key)
