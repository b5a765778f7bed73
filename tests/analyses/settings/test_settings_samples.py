"""Rows of real exports nobody on this project wrote: an IntuneCD backup and an IntuneManagement export."""

from __future__ import annotations

import re

from intune_assistant.analyses.settings import setting_rows
from intune_assistant.catalog import Catalog
from intune_assistant.snapshot import Snapshot

GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def test_intunecd_settings_catalog_names_are_never_bare_ids(
    sample_snapshots: dict[str, Snapshot], catalog: Catalog
) -> None:
    snapshot = sample_snapshots["intunecd-backup"]
    assert not snapshot.setting_definitions  # IntuneCD keeps no definitions: names are shipped or derived
    rows = [r for r in setting_rows(snapshot, catalog) if r.type_key == "settingsCatalog"]
    assert len(rows) > 1000
    for row in rows:
        assert row.name and row.name != row.setting_id and "_" not in row.name, row
        option_id = isinstance(row.raw_value, str) and row.raw_value.startswith(f"{row.setting_id}_")
        assert not (option_id and row.value == row.raw_value), row
    assert {r.policy_name for r in rows} == {p["name"] for p in snapshot.objects_of("settingsCatalog")}


def test_intunecd_every_type_gives_rows(sample_snapshots: dict[str, Snapshot], catalog: Catalog) -> None:
    snapshot = sample_snapshots["intunecd-backup"]
    rows = setting_rows(snapshot, catalog)
    kinds = {r.type_key for r in rows}
    for key in ("deviceConfigurations", "compliancePolicies", "shellScripts", "enrollmentConfigurations"):
        assert key in kinds
    shell = [r for r in rows if r.type_key == "shellScripts" and r.setting_id == "scriptContent"]
    assert shell and all("\n" in r.value for r in shell)  # decoded, not base64


def test_conditional_access_export_names_groups_and_roles(
    sample_snapshots: dict[str, Snapshot], catalog: Catalog
) -> None:
    snapshot = sample_snapshots["intunemanagement-export"]
    rows = [r for r in setting_rows(snapshot, catalog) if r.type_key == "conditionalAccessPolicies"]
    assert {r.policy_name for r in rows} == {p["displayName"] for p in snapshot.objects_of("conditionalAccessPolicies")}
    groups = [r for r in rows if r.name in ("Include groups", "Exclude groups")]
    assert groups and all(not GUID.search(r.value) for r in groups)
    roles = [r for r in rows if r.name == "Exclude roles"]
    assert any("Directory Synchronization Accounts" in r.value for r in roles)
    agents = [r for r in rows if r.policy_name.startswith("CA504") and r.category.startswith("Conditions")]
    assert any("agent" in r.name.lower() for r in agents)  # conditions newer than this code still show
