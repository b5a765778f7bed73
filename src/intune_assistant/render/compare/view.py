"""What a compare report shows, shared by every format: visible objects, rows and words."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from intune_assistant.analyses.compare import (
    AssignmentDiff,
    BaselineSetting,
    BaselineStatus,
    CompareKind,
    Comparison,
    ObjectDiff,
    ObjectStatus,
    SettingDiff,
    SettingStatus,
    status_label,
)

__all__ = [
    "COLUMNS",
    "BaselineList",
    "ObjectView",
    "baseline_lists",
    "object_status",
    "rows",
    "side_headings",
    "summary_counts",
    "tenant_values",
    "title",
    "uncovered",
    "visible",
]

_TITLES = {
    CompareKind.POLICY: "Policy comparison",
    CompareKind.TENANTS: "Tenant comparison",
    CompareKind.BASELINE: "Baseline comparison",
    CompareKind.DRIFT: "Drift report",
}
# One row per setting or assignment target; every format that is a table uses these columns.
COLUMNS = (
    "Type",
    "Object",
    "Platform",
    "Object status",
    "Matched by",
    "Section",
    "Setting or target",
    "Setting id",
    "Status",
    "Left",
    "Right",
    "Note",
)


@dataclass(frozen=True)
class ObjectView:
    """One object with the settings and assignments a report shows for it."""

    obj: ObjectDiff
    settings: tuple[SettingDiff, ...]
    assignments: tuple[AssignmentDiff, ...]


@dataclass(frozen=True)
class BaselineList:
    """One list of a baseline comparison: its heading, what it means, and its settings."""

    status: BaselineStatus
    heading: str
    meaning: str
    settings: tuple[BaselineSetting, ...]


_LISTS = (
    (BaselineStatus.DIFFERS, "Configured differently", "The tenant sets these to another value than the baseline."),
    (
        BaselineStatus.CONFLICTING,
        "Conflicting",
        "Tenant policies that reach the same users or devices (or may: their reach could not be told) set "
        "these to different values: a device in both gets neither for sure.",
    ),
    (
        BaselineStatus.NON_OVERLAPPING,
        "Set differently in non-overlapping policies",
        "Tenant policies set these to different values, but no user or device gets two of them (one may be "
        "assigned to nobody): each gets its own policy's value.",
    ),
    (BaselineStatus.MISSING, "Missing", "No policy of the tenant configures these."),
    (BaselineStatus.MATCHES, "Matching", "Configured with the baseline's value."),
)


def baseline_lists(comparison: Comparison, only_differences: bool = False) -> list[BaselineList]:
    """The baseline's settings by verdict (matching ones left out with ``only_differences``)."""
    return [
        BaselineList(status, heading, meaning, comparison.baseline_list(status))
        for status, heading, meaning in _LISTS
        if not (only_differences and status is BaselineStatus.MATCHES)
    ]


def uncovered(comparison: Comparison) -> list[ObjectDiff]:
    """Tenant policies that configure none of the baseline's settings."""
    if comparison.kind is not CompareKind.BASELINE:
        return []
    return [o for o in comparison.objects if o.status is ObjectStatus.ONLY_RIGHT]


def summary_counts(comparison: Comparison) -> list[tuple[str, int, str]]:
    """(status key, count, words) for the summary line.

    Against a baseline, settings by verdict and the tenant policies it does not cover; otherwise
    objects by status.
    """
    if comparison.kind is not CompareKind.BASELINE:
        return [
            (key, count, status_label(comparison.kind, ObjectStatus(key)))
            for key, count in sorted(comparison.counts().items())
        ]
    words = {s: h.lower() for s, h, _ in _LISTS}
    result = [(s.value, len(comparison.baseline_list(s)), words[s]) for s, _, _ in _LISTS]
    result = [r for r in result if r[1]]
    extra = len(uncovered(comparison))
    if extra:
        result.append((ObjectStatus.ONLY_RIGHT.value, extra, "tenant policies not covered"))
    return result


def tenant_values(setting: BaselineSetting) -> str:
    """Where the tenant sets a baseline setting: "value (policy)", one per policy; "—" for none."""
    return setting.tenant_text or "\u2014"


def title(comparison: Comparison) -> str:
    """The report's heading."""
    return f"{_TITLES[comparison.kind]}: {comparison.left.label} \u2194 {comparison.right.label}"


def side_headings(comparison: Comparison) -> tuple[str, str]:
    """Column headings for the two sides, in the comparison's words."""
    if comparison.kind is CompareKind.BASELINE:
        return f"Expected ({comparison.left.label})", f"Actual ({comparison.right.label})"
    if comparison.kind is CompareKind.DRIFT:
        return f"Before ({comparison.left.label})", f"After ({comparison.right.label})"
    return comparison.left.label, comparison.right.label


def object_status(comparison: Comparison, obj: ObjectDiff) -> str:
    """The object's status in the comparison's words, "renamed" included."""
    label = status_label(comparison.kind, obj.status)
    if obj.renamed and comparison.kind is not CompareKind.BASELINE:
        return "renamed" if label in ("same", "unchanged") else f"renamed, {label}"
    return label


def visible(comparison: Comparison, only_differences: bool) -> list[ObjectView]:
    """The objects to show, with their settings and assignments (only differences if asked)."""
    result = []
    objects = comparison.differences if only_differences else comparison.objects
    for obj in objects:
        if only_differences:
            settings, assignments = obj.changed_settings, obj.changed_assignments
        else:
            settings, assignments = obj.settings, obj.assignments
        result.append(ObjectView(obj, settings, assignments))
    return result


def _match(obj: ObjectDiff) -> str:
    if obj.match is None:
        return ""
    if obj.match.score is not None:
        return f"{obj.match.method} ({obj.match.score:.0%})"
    return obj.match.method


def _setting_note(setting: SettingDiff) -> str:
    if not setting.deprecated:
        return ""
    return f"deprecated; use {setting.replacement}" if setting.replacement else "deprecated"


def rows(comparison: Comparison, only_differences: bool) -> Iterator[tuple[str, ...]]:
    """Table rows in ``COLUMNS`` order; an object without settings or assignments gets one row."""
    for view in visible(comparison, only_differences):
        obj = view.obj
        head = (obj.type_label, obj.name, obj.platform, object_status(comparison, obj), _match(obj))
        note = obj.note
        if obj.renamed:
            note = "; ".join(n for n in (f"left name: {obj.left.name if obj.left else ''}", note) if n)
        if not view.settings and not view.assignments:
            yield (*head, "", "", "", "", "", "", note)
        for setting in view.settings:
            yield (
                *head,
                "Setting",
                setting.name,
                setting.setting_id,
                status_label(comparison.kind, setting.status),
                setting.left or "",
                setting.right or "",
                "; ".join(n for n in (_setting_note(setting), note) if n),
            )
        for assignment in view.assignments:
            yield (
                *head,
                "Assignment",
                assignment.target,
                "",
                status_label(comparison.kind, assignment.status),
                assignment.left or "",
                assignment.right or "",
                note,
            )


def is_same(status: SettingStatus) -> bool:
    """True for a row that shows no difference."""
    return status is SettingStatus.SAME
