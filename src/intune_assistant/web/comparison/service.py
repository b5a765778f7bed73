"""What the Compare pages compute: policy picks, baselines by name, and the three comparisons.

Pure functions over snapshots (the tenant's is the cached collection); nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from starlette.responses import Response

from intune_assistant.analyses.compare import (
    Comparison,
    PolicyPick,
    compare_baseline,
    compare_drift,
    compare_policies,
)
from intune_assistant.analyses.compare.engine import COMPARED_KINDS
from intune_assistant.baselines import BUILTIN, builtin_baseline
from intune_assistant.catalog import Catalog
from intune_assistant.render.compare import default_filename, render_comparison
from intune_assistant.snapshot import Snapshot

from ..csv_export import content_disposition
from ..errors import Link, ProblemPage

BUILTIN_PREFIX = "builtin:"
DEFAULT_BASELINE = BUILTIN_PREFIX + "windows-security"


@dataclass(frozen=True)
class PolicyOption:
    """One policy a user can pick: its id, readable name and type."""

    object_id: str
    name: str
    type_key: str
    type_label: str


def policy_options(snapshot: Snapshot, catalog: Catalog) -> list[tuple[str, list[PolicyOption]]]:
    """Every comparable object with an id, grouped by type label (types in catalog order)."""
    groups: list[tuple[str, list[PolicyOption]]] = []
    for record in catalog:
        if record.kind not in COMPARED_KINDS:
            continue
        options = [
            PolicyOption(str(obj["id"]), snapshot.display_name(record.key, obj, catalog), record.key, record.label)
            for obj in (snapshot.read_objects(record.key) or ())
            if isinstance(obj.get("id"), str) and obj["id"]
        ]
        if options:
            groups.append((record.label, sorted(options, key=lambda o: o.name.casefold())))
    return groups


def find_by_id(snapshot: Snapshot, catalog: Catalog, object_id: str) -> PolicyPick | None:
    """The comparable object with ``object_id``, or None."""
    for record in catalog:
        if record.kind not in COMPARED_KINDS:
            continue
        for obj in snapshot.read_objects(record.key) or ():
            if obj.get("id") == object_id:
                return record, obj
    return None


def policy_comparison(
    snapshot: Snapshot, catalog: Catalog, left_id: str, right_id: str, tenant_label: str
) -> Comparison:
    """Compare two objects of the tenant by id; a ``ProblemPage`` (400) names an unknown id."""
    left = find_by_id(snapshot, catalog, left_id)
    right = find_by_id(snapshot, catalog, right_id)
    missing = [which for which, pick in (("left", left), ("right", right)) if pick is None]
    if left is None or right is None:
        raise ProblemPage(
            400,
            "Policy not found",
            f"The {' and '.join(missing)} policy chosen is not in the tenant's current data.",
            advice="Pick the policies again: one may have been deleted since the link was made.",
            links=[Link("Choose policies", "/compare/policies", primary=True)],
        )
    # The two sides are named after the policies: the tables' column headings.
    left_label = snapshot.display_name(left[0].key, left[1], catalog) or tenant_label
    right_label = snapshot.display_name(right[0].key, right[1], catalog) or tenant_label
    return compare_policies(
        snapshot, left, snapshot, [right], catalog=catalog, left_label=left_label, right_label=right_label
    )


def builtin_names() -> list[str]:
    """The built-in baselines, as ``builtin:NAME`` values."""
    return [BUILTIN_PREFIX + name for name in sorted(BUILTIN)]


def load_builtin(spec: str) -> Snapshot:
    """The built-in baseline ``builtin:NAME``; a ``ProblemPage`` (400) for anything else."""
    if spec not in builtin_names():
        raise ProblemPage(
            400,
            "Unknown baseline",
            f"There is no built-in baseline called {spec!r}.",
            advice=f"Choose one of: {', '.join(builtin_names())}, or upload your own baseline.",
            links=[Link("Choose a baseline", "/compare/baseline", primary=True)],
        )
    return builtin_baseline(spec.removeprefix(BUILTIN_PREFIX))


def baseline_comparison(
    baseline: Snapshot, tenant: Snapshot, catalog: Catalog, baseline_label: str, tenant_label: str
) -> Comparison:
    """The tenant (right) checked against the baseline (left, expected)."""
    return compare_baseline(baseline, tenant, catalog=catalog, baseline_label=baseline_label, tenant_label=tenant_label)


def _refuse_drift(title: str, message: str, advice: str) -> ProblemPage:
    return ProblemPage(
        400, title, message, advice=advice, links=[Link("Upload another file", "/compare/drift", primary=True)]
    )


def drift_comparison(before: Snapshot, now: Snapshot, catalog: Catalog, before_label: str | None = None) -> Comparison:
    """What changed from an earlier snapshot or export of this tenant to its current data.

    A baseline, or a snapshot or export that names another tenant, is refused (a ``ProblemPage``);
    an export that names no tenant (portal JSON, most IntuneManagement exports) is taken as this
    tenant's, as the CLI's ``compare --mode drift`` takes it.
    """
    if before.source == "baseline":
        raise _refuse_drift(
            "This is a baseline, not an earlier state of this tenant",
            "The uploaded file is a baseline. Drift compares a tenant with itself over time.",
            "To check the tenant against it, upload it as a baseline instead.",
        )
    old_id, new_id = (before.tenant.tenant_id or "").lower(), (now.tenant.tenant_id or "").lower()
    old_domain, new_domain = (before.tenant.domain or "").lower(), (now.tenant.domain or "").lower()
    named = bool(old_id) or bool(old_domain)
    same = (bool(old_id) and old_id == new_id) or (bool(old_domain) and old_domain == new_domain)
    if named and not same:
        owner = before.tenant.domain or before.tenant.tenant_id
        raise _refuse_drift(
            "This snapshot is of another tenant",
            f"The uploaded file belongs to {owner}, not to {now.tenant.domain or now.tenant.tenant_id}.",
            "Drift compares a tenant with itself over time. To compare with another tenant's "
            "configuration, upload it as a baseline instead.",
        )
    # An export that names no tenant is told apart by its file name (and its time, as every drift side).
    label = f"{before_label} {before.taken_at:%Y-%m-%d %H:%M} UTC" if before_label and not named else None
    return compare_drift(before, now, catalog=catalog, before_label=label)


def report_response(comparison: Comparison, *, only_differences: bool) -> Response:
    """The self-contained HTML report as a download named by ``default_filename``."""
    body = render_comparison(comparison, "html", only_differences=only_differences)
    name = default_filename(comparison, "html", datetime.now(UTC))
    return Response(
        body,
        media_type="text/html; charset=utf-8",
        headers={"Content-Disposition": content_disposition(name), "Cache-Control": "no-store"},
    )
