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


def drift_comparison(before: Snapshot, now: Snapshot, catalog: Catalog) -> Comparison:
    """What changed from an earlier snapshot of this tenant to its current data."""
    old_id, new_id = (before.tenant.tenant_id or "").lower(), (now.tenant.tenant_id or "").lower()
    old_domain, new_domain = (before.tenant.domain or "").lower(), (now.tenant.domain or "").lower()
    same = (bool(old_id) and old_id == new_id) or (bool(old_domain) and old_domain == new_domain)
    if not same:
        owner = before.tenant.domain or before.tenant.tenant_id or "an unknown tenant"
        raise ProblemPage(
            400,
            "This snapshot is of another tenant",
            f"The uploaded snapshot belongs to {owner}, not to {now.tenant.domain or now.tenant.tenant_id}.",
            advice="Drift compares a tenant with itself over time. To compare with another tenant's "
            "configuration, upload it as a baseline instead.",
            links=[Link("Upload another snapshot", "/compare/drift", primary=True)],
        )
    return compare_drift(before, now, catalog=catalog)


def report_response(comparison: Comparison, *, only_differences: bool) -> Response:
    """The self-contained HTML report as a download named by ``default_filename``."""
    body = render_comparison(comparison, "html", only_differences=only_differences)
    name = default_filename(comparison, "html", datetime.now(UTC))
    return Response(
        body,
        media_type="text/html; charset=utf-8",
        headers={"Content-Disposition": content_disposition(name), "Cache-Control": "no-store"},
    )
