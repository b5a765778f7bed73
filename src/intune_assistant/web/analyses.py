"""The analyses pages share, each a pure function of one collected generation (see ``derived.py``).

Computed once per snapshot in a worker thread, shared by every page and request, gone when the
snapshot goes. ``WARM`` lists the heavy ones, computed right after a collection so that no page
waits for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from intune_assistant.analyses.assignments import AssignmentOverview, Directory, assignment_overview
from intune_assistant.analyses.conflicts import ConflictsReport, conflicts_report
from intune_assistant.analyses.settings import SettingRow, setting_rows
from intune_assistant.analyses.troubleshoot import PreparedObjects, group_rows_by_policy, prepare_objects
from intune_assistant.catalog import Catalog
from intune_assistant.snapshot import Snapshot

from .derived import Analysis, Derived


@dataclass(frozen=True)
class Tenant:
    """One collected snapshot with the indexes every targeting page reads."""

    snapshot: Snapshot
    catalog: Catalog
    directory: Directory
    overview: AssignmentOverview

    @property
    def domain(self) -> str:
        """The tenant's domain, as the collection recorded it."""
        return self.snapshot.tenant.domain or self.snapshot.tenant.tenant_id or ""


def _targeting(derived: Derived) -> Tenant:
    snapshot, catalog = derived.snapshot, derived.catalog
    directory = Directory(snapshot)
    return Tenant(snapshot, catalog, directory, assignment_overview(snapshot, catalog, directory=directory))


SETTING_ROWS: Analysis[list[SettingRow]] = Analysis(
    "setting rows", lambda derived: setting_rows(derived.snapshot, derived.catalog)
)
"""Every configured setting of the snapshot as a readable row (Settings, conflicts, search)."""


TARGETING: Analysis[Tenant] = Analysis("directory and assignment overview", _targeting)
"""Users, devices, groups (with nesting) and filters indexed, and every assignment resolved."""


def _conflicts(derived: Derived) -> ConflictsReport:
    tenant = derived.value(TARGETING)
    rows = derived.value(SETTING_ROWS)
    return conflicts_report(tenant.snapshot, tenant.catalog, directory=tenant.directory, rows=rows)


CONFLICTS: Analysis[ConflictsReport] = Analysis("conflicts", _conflicts)
"""Tenant-wide conflicting settings, duplicate policies and deprecated settings."""


TROUBLESHOOT_OBJECTS: Analysis[PreparedObjects] = Analysis(
    "troubleshoot objects", lambda derived: prepare_objects(derived.snapshot, derived.catalog)
)
"""Every assignable object as a verdict reads it, whoever the subject (Troubleshoot)."""


def _settings_by_policy(derived: Derived) -> dict[tuple[str, str], list[SettingRow]]:
    rows: list[SettingRow] = derived.value(SETTING_ROWS)
    return group_rows_by_policy(rows)


SETTINGS_BY_POLICY: Analysis[dict[tuple[str, str], list[SettingRow]]] = Analysis(
    "setting rows by policy", _settings_by_policy
)
"""The setting rows of each policy: a device's resultant settings combine them."""


WARM: tuple[Analysis[Any], ...] = (TARGETING, SETTING_ROWS, CONFLICTS, TROUBLESHOOT_OBJECTS, SETTINGS_BY_POLICY)
"""Computed right after every collection, before a refreshed generation replaces the old one."""
