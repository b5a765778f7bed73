"""The reports' reducers: pure functions from one tenant to its rows (analyses reused, nothing new).

Each returns a few rows; the snapshot they read is dropped by the caller right after, so a report
over hundreds of tenants holds rows, never snapshots.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from intune_assistant.analyses.assignments import Directory, assignment_overview, hygiene
from intune_assistant.analyses.compare import ObjectStatus, compare_baseline, compare_tenants
from intune_assistant.analyses.conflicts import conflicts_report
from intune_assistant.baselines import BUILTIN, UnknownBaselineError, builtin_baseline
from intune_assistant.catalog.model import Kind
from intune_assistant.customers.model import EXPIRY_WARNING_DAYS
from intune_assistant.snapshot import Snapshot, TypeStatus

from .model import Report, ReportInput, Row

__all__ = [
    "BASELINE_REPORT",
    "DRIFT",
    "REPORTS",
    "REPORT_NAMES",
    "UnknownReportError",
    "baseline_names",
    "drift_report",
    "report_named",
]

# Types that are reference data (setting definitions) or the partner's own (GDAP): not inventory.
_NOT_INVENTORY = frozenset({Kind.REFERENCE, Kind.PARTNER})
# How many names a hygiene row shows beside its count (the tenant's own pages list them all).
_EXAMPLES = 3
_STATUS_WORDS = {
    TypeStatus.OK: "read",
    TypeStatus.PARTIAL: "partly read",
    TypeStatus.FAILED: "not read",
    TypeStatus.NOT_COLLECTED: "not read",
}


class UnknownReportError(KeyError):
    """A report or baseline name that does not exist; the message lists the known ones."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown report"


def _snapshot(found: ReportInput) -> Snapshot:
    if found.snapshot is None:
        raise ValueError("this report reads the tenant: a snapshot is needed")
    return found.snapshot


def inventory_rows(found: ReportInput) -> list[Row]:
    """Objects per type, in catalog order, with whether the type was read (and why not)."""
    snapshot = _snapshot(found)
    rows: list[Row] = []
    for record in found.catalog:
        result = snapshot.results.get(record.key)
        if result is None or record.kind in _NOT_INVENTORY:
            continue
        read = result.status in (TypeStatus.OK, TypeStatus.PARTIAL)
        rows.append((record.label, result.count if read else "", _STATUS_WORDS[result.status], result.error or ""))
    return rows


def _names(items: Iterable[str]) -> str:
    listed = list(items)
    shown = ", ".join(listed[:_EXAMPLES])
    return shown + (f" and {len(listed) - _EXAMPLES} more" if len(listed) > _EXAMPLES else "")


def hygiene_rows(found: ReportInput) -> list[Row]:
    """The Assignments page's hygiene lists as counts, with a few names each."""
    snapshot = _snapshot(found)
    directory = Directory(snapshot)
    report = hygiene(assignment_overview(snapshot, found.catalog, directory=directory), directory)
    used_empty = [e for e in report.empty_groups if e.assignments]
    rows: list[Row] = [
        ("Empty groups that assignments target", len(used_empty), _names(e.group.name for e in used_empty)),
        ("Empty groups", len(report.empty_groups), _names(e.group.name for e in report.empty_groups)),
        ("Unassigned objects", len(report.unassigned), _names(o.name for o in report.unassigned)),
        (
            "Assignments to deleted groups",
            len(report.deleted_group_assignments),
            _names(r.object.name for r in report.deleted_group_assignments),
        ),
        ("Filters used by nothing", len(report.unused_filters), _names(f.name for f in report.unused_filters)),
        (
            "Mixed user/device exclusions",
            len(report.mixed_exclusions),
            _names(m.object.name for m in report.mixed_exclusions),
        ),
        (
            "Objects whose assignments could not be read",
            len(report.assignments_unknown),
            _names(p.object.name for p in report.assignments_unknown),
        ),
    ]
    rows += [("Note", "", note) for note in report.notes]
    return rows


def conflict_rows(found: ReportInput) -> list[Row]:
    """The Conflicts page's three lists as counts: conflicting settings, duplicate policies, deprecated settings."""
    snapshot = _snapshot(found)
    report = conflicts_report(snapshot, found.catalog)
    rows: list[Row] = [
        ("Conflicting settings", len(report.conflicts), _names(c.name for c in report.conflicts)),
        (
            "Duplicate policies",
            len(report.duplicates),
            _names(" = ".join(p.name for p in d.policies) for d in report.duplicates),
        ),
        ("Deprecated settings in use", len(report.deprecated), _names(d.name for d in report.deprecated)),
    ]
    rows += [("Note", "", note) for note in report.notes]
    rows += [("Note", "", f"Not read completely: {gap.label}") for gap in report.gaps]
    return rows


_DRIFT_COLUMNS = ("Type", "Only in the golden tenant", "Only in this customer", "Different", "Same", "Note")


def drift_report(golden: Snapshot, golden_label: str) -> Report:
    """Drift of each customer against the golden tenant ``golden``: objects per type by how they compare.

    The golden snapshot is read once and shared (never changed); each customer's comparison
    matches objects by name and type as the Compare page does, never by id.
    """

    def rows(found: ReportInput) -> list[Row]:
        comparison = compare_tenants(golden, _snapshot(found), catalog=found.catalog, left_label=golden_label)
        by_type: dict[str, dict[ObjectStatus, int]] = {}
        for diff in comparison.objects:
            label = found.catalog[diff.type_key].label if diff.type_key in found.catalog else diff.type_key
            counts = by_type.setdefault(label, {})
            counts[diff.status] = counts.get(diff.status, 0) + 1
        found_rows: list[Row] = []
        for label, counts in by_type.items():
            unsure = counts.get(ObjectStatus.UNCONFIRMED, 0)
            note = f"{unsure} not confirmed (a side read the type partly)" if unsure else ""
            found_rows.append(
                (
                    label,
                    counts.get(ObjectStatus.ONLY_LEFT, 0),
                    counts.get(ObjectStatus.ONLY_RIGHT, 0),
                    counts.get(ObjectStatus.DIFFERENT, 0),
                    counts.get(ObjectStatus.SAME, 0),
                    note,
                )
            )
        found_rows += [(n.type_label, "", "", "", "", f"not compared: {n.reason}") for n in comparison.not_compared]
        return found_rows

    return replace(DRIFT, title=f"Drift against {golden_label}", reduce=rows)


def _needs_golden(found: ReportInput) -> list[Row]:
    raise ValueError("the drift report needs a golden tenant: build it with drift_report(golden, label)")


DRIFT = Report(
    name="drift",
    title="Drift against a golden tenant",
    description="Each customer's objects against a golden tenant's: only there, only here, different, same.",
    columns=_DRIFT_COLUMNS,
    reduce=_needs_golden,
)


def baseline_reducer(baseline: str) -> Report:
    """The baseline-score report against the built-in baseline ``baseline``."""
    if baseline not in BUILTIN:
        raise UnknownBaselineError(f"unknown built-in baseline {baseline!r}; known: {', '.join(BUILTIN)}")

    def rows(found: ReportInput) -> list[Row]:
        # Built per tenant: a few dozen policies, cheaper than sharing one across threads.
        comparison = compare_baseline(builtin_baseline(baseline), _snapshot(found), catalog=found.catalog)
        scored: list[Row] = [
            (score.scope, score.name, score.matched, score.expected, score.percent)
            for score in comparison.scores
            if score.scope in ("overall", "area")
        ]
        scored += [("not compared", n.type_label, "", "", n.reason) for n in comparison.not_compared]
        return scored

    return Report(
        name="baseline-score",
        title=f"Baseline score: {baseline}",
        description=f"Share of the built-in {baseline} baseline's settings each customer matches, overall and by area.",
        columns=("Scope", "Name", "Matched", "Expected", "Score %"),
        reduce=rows,
    )


def expiry_rows(found: ReportInput) -> list[Row]:
    """Each GDAP relationship with the customer: status, end, days left, your roles, and a warning."""
    customer = found.customer
    rows: list[Row] = []
    for relationship in customer.relationships:
        end: datetime | None = relationship.end
        days = customer.days_left if relationship.end == customer.end else None
        if relationship.status == "expired":
            warning = "expired"
        elif relationship.status == "active" and days is not None and days < EXPIRY_WARNING_DAYS:
            warning = f"ends in under {EXPIRY_WARNING_DAYS} days"
        else:
            warning = ""
        rows.append(
            (
                relationship.name,
                relationship.status,
                f"{end:%Y-%m-%d}" if end is not None else "",
                days if days is not None else "",
                ", ".join(customer.role_names),
                warning,
            )
        )
    return rows


INVENTORY = Report(
    name="inventory",
    title="Inventory",
    description="How many objects of each type every customer holds, and which types could not be read.",
    columns=("Type", "Objects", "Read", "Reason"),
    reduce=inventory_rows,
)
HYGIENE = Report(
    name="hygiene",
    title="Assignment hygiene",
    description="Empty groups, unassigned objects, deleted groups, unused filters and mixed exclusions per customer.",
    columns=("Finding", "Count", "Examples"),
    reduce=hygiene_rows,
)
CONFLICTS = Report(
    name="conflicts",
    title="Conflicts",
    description="Settings configured differently on overlapping targets, duplicate policies and deprecated settings.",
    columns=("Finding", "Count", "Examples"),
    reduce=conflict_rows,
)
GDAP_EXPIRY = Report(
    name="gdap-expiry",
    title="GDAP expiry",
    description="Every customer's GDAP relationships: status, end date and days left (read from your partner tenant).",
    columns=("Relationship", "Status", "Ends", "Days left", "Your roles", "Warning"),
    reduce=expiry_rows,
    reads_tenant=False,
)
REPORT_NAMES = ("inventory", "hygiene", "conflicts", "baseline-score", "drift", "gdap-expiry")
BASELINE_REPORT = "baseline-score"


def baseline_names() -> tuple[str, ...]:
    """The built-in baselines a baseline-score report can use."""
    return tuple(BUILTIN)


def report_named(name: str, *, baseline: str | None = None) -> Report:
    """The report ``name`` (``baseline-score`` against ``baseline``, default the first built-in one).

    ``drift`` comes without its golden tenant (its name and columns only): ``drift_report`` makes it.
    """
    fixed = {r.name: r for r in (INVENTORY, HYGIENE, CONFLICTS, DRIFT, GDAP_EXPIRY)}
    if name in fixed:
        return fixed[name]
    if name == "baseline-score":
        return baseline_reducer(baseline or baseline_names()[0])
    raise UnknownReportError(f"unknown report {name!r}; known: {', '.join(REPORT_NAMES)}")


REPORTS: tuple[Report, ...] = (
    INVENTORY,
    HYGIENE,
    CONFLICTS,
    baseline_reducer(baseline_names()[0]),
    DRIFT,
    GDAP_EXPIRY,
)
"""Every report (the baseline score against the first built-in baseline), in the order pages list them."""
