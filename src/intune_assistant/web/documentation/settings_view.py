"""``/settings``: where is a setting configured, and how — search, filters, sort and paging on the server.

The setting rows are an analysis of the collected generation (``SETTING_ROWS``); so is the table
that searches and sorts them (``SETTINGS_TABLE``): built once, off the event loop, and kept only
as long as the snapshot itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from intune_assistant.analyses.settings import SettingRow
from intune_assistant.catalog import Catalog

from ..analyses import SETTING_ROWS
from ..derived import Analysis, Derived
from ..listing import Column, Facet, Listing, Table

ANY_PLATFORM = "All platforms"


def settings_listing(catalog: Catalog, rows: Sequence[SettingRow]) -> Listing[SettingRow]:
    """Setting, value, policy, type, platform, category; filters by type and platform.

    A row without a platform (Conditional Access, web links) applies to every platform, so every
    platform filter keeps it.
    """
    labels = {r.key: r.label for r in catalog}
    platforms = tuple(sorted({r.platform for r in rows if r.platform}))
    return Listing(
        view="settings",
        path="/settings",
        columns=(
            Column("setting", "Setting", lambda r: r.name),
            Column("value", "Value", lambda r: r.value),
            Column("policy", "Policy", lambda r: r.policy_name),
            Column("type", "Type", lambda r: labels.get(r.type_key, r.type_key)),
            Column("platform", "Platform", lambda r: r.platform or ANY_PLATFORM),
            Column("category", "Category", lambda r: r.category),
        ),
        default_sort="setting",
        facets=(
            Facet("type", "Type", lambda r: (r.type_key,), lambda k: labels.get(k, k), "All types"),
            Facet("platform", "Platform", lambda r: (r.platform,) if r.platform else platforms, str, ANY_PLATFORM),
        ),
        search=lambda r: f"{r.name}\n{r.value}\n{r.category}\n{r.policy_name}\n{r.setting_id}",
        noun="settings",
    )


def _settings_table(derived: Derived) -> Table[SettingRow]:
    rows = derived.value(SETTING_ROWS)
    return Table(settings_listing(derived.catalog, rows), rows)


SETTINGS_TABLE: Analysis[Table[SettingRow]] = Analysis("settings table", _settings_table)
"""Every setting row, searchable and sortable (the Settings page, its CSV and API)."""
