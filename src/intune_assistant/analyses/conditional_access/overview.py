"""Every Conditional Access policy in words, and the gaps found in them.

The words are the documentation's (``analyses.settings`` rows of the policy): users, groups,
roles and named locations by name, one source for the page, the CLI and every export.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from intune_assistant.analyses.assignments import Directory, type_gap
from intune_assistant.analyses.settings import (
    References,
    SettingDefinitions,
    SettingRow,
    policy_rows,
    snapshot_definitions,
)
from intune_assistant.catalog import Catalog
from intune_assistant.catalog.conditional_access import CA_STATES
from intune_assistant.snapshot import Snapshot

from .findings import find_gaps
from .model import CaOverview, PolicyOverview

__all__ = ["CA_TYPES", "ca_overview", "ca_policies", "policies_in_words", "policy_overview"]

# The types the overview and what-if read (a collection for them needs nothing else).
CA_TYPES = ("conditionalAccessPolicies", "namedLocations", "users", "groups")
_PARTS = {
    "Users": "users",
    "Target resources": "resources",
    "Conditions": "conditions",
    "Grant": "grant",
    "Session": "session",
}


def _summary(rows: list[SettingRow], category: str) -> str:
    shown = [r for r in rows if r.category == category]
    if category == "Grant":
        return "; ".join(r.value for r in shown)
    return "; ".join(f"{r.name}: {r.value}" for r in shown)


def policy_overview(
    obj: Mapping[str, Any],
    catalog: Catalog,
    snapshot: Snapshot,
    references: References,
    definitions: SettingDefinitions,
) -> PolicyOverview:
    """One policy in words (``references`` and ``definitions`` read once per snapshot by the caller:
    ``References.from_snapshot``, ``snapshot_definitions``)."""
    record = catalog["conditionalAccessPolicies"]
    rows = policy_rows(record, obj, definitions, snapshot.names, references)
    state = str(obj.get("state") or "")
    parts = {field: _summary(rows, category) for category, field in _PARTS.items()}
    modified = obj.get("modifiedDateTime") or obj.get("createdDateTime")
    return PolicyOverview(
        id=str(obj.get("id") or ""),
        name=str(obj.get("displayName") or obj.get("id") or ""),
        state=state,
        state_label=CA_STATES.get(state, state or "Unknown"),
        users=parts["users"],
        resources=parts["resources"],
        conditions=parts["conditions"],
        grant=parts["grant"],
        session=parts["session"],
        modified=str(modified) if isinstance(modified, str) else None,
        rows=tuple(r for r in rows if r.category in _PARTS or r.name == "State"),
    )


def ca_policies(snapshot: Snapshot) -> list[dict[str, Any]]:
    """The snapshot's CA policies, by name."""
    policies = snapshot.read_objects("conditionalAccessPolicies") or []
    return sorted(policies, key=lambda p: str(p.get("displayName") or "").casefold())


def policies_in_words(snapshot: Snapshot, catalog: Catalog) -> tuple[PolicyOverview, ...]:
    """Every CA policy of the snapshot in words, by name."""
    references = References.from_snapshot(snapshot)
    definitions = snapshot_definitions(snapshot)
    return tuple(policy_overview(p, catalog, snapshot, references, definitions) for p in ca_policies(snapshot))


def ca_overview(snapshot: Snapshot, catalog: Catalog, directory: Directory | None = None) -> CaOverview:
    """Every CA policy in words, the gaps found, and the types the snapshot lacks."""
    directory = directory if directory is not None else Directory(snapshot)
    policies = ca_policies(snapshot)
    overviews = policies_in_words(snapshot, catalog)
    findings, break_glass = find_gaps(snapshot, directory, policies)
    gaps = tuple(g for g in (type_gap(snapshot, key, catalog) for key in CA_TYPES) if g is not None)
    return CaOverview(overviews, findings, gaps, break_glass)
