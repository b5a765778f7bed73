"""The tenant's collected snapshot and the analyses the targeting pages share.

Every page asks the shared collection service (the one the Policies page uses) for the tenant's
snapshot; while it is being collected the page shows progress. The directory indexes and the
assignment overview are pure functions of the snapshot, so they are kept on the cached inventory
and go when it goes (no store of their own).
"""

from __future__ import annotations

from dataclasses import dataclass

from intune_assistant.analyses.assignments import AssignmentOverview, Directory, assignment_overview
from intune_assistant.catalog import Catalog
from intune_assistant.snapshot import Snapshot

from ..policies.service import Inventory


@dataclass(frozen=True)
class Tenant:
    """One collected snapshot with the indexes every targeting page reads."""

    snapshot: Snapshot
    catalog: Catalog
    directory: Directory
    overview: AssignmentOverview
    domain: str


def analyse(inventory: Inventory, catalog: Catalog, domain: str) -> Tenant:
    """The directory and overview of the inventory's snapshot, computed once per collection."""
    cached = inventory.derived.get("targeting")
    if isinstance(cached, Tenant):
        return cached
    snapshot = inventory.snapshot
    directory = Directory(snapshot)
    tenant = Tenant(snapshot, catalog, directory, assignment_overview(snapshot, catalog, directory=directory), domain)
    inventory.derived["targeting"] = tenant
    return tenant
