"""The catalog is the single source of truth: check it is complete and self-consistent."""

from __future__ import annotations

from pathlib import Path

import pytest

from intune_assistant.catalog import AssignmentRead, default_catalog
from intune_assistant.catalog.permissions import BEGIN, END, generated_block, replace_block

ROOT = Path(__file__).resolve().parents[2]

# What the foundation issue asks the catalog to cover, as (catalog key, Graph path).
REQUIRED = {
    "settingsCatalog": "deviceManagement/configurationPolicies",
    "deviceConfigurations": "deviceManagement/deviceConfigurations",
    "updateRings": "deviceManagement/deviceConfigurations",
    "compliancePolicies": "deviceManagement/deviceCompliancePolicies",
    "complianceSettingsPolicies": "deviceManagement/compliancePolicies",
    "administrativeTemplates": "deviceManagement/groupPolicyConfigurations",
    "securityIntents": "deviceManagement/intents",
    "securityTemplates": "deviceManagement/templates",
    "powershellScripts": "deviceManagement/deviceManagementScripts",
    "shellScripts": "deviceManagement/deviceShellScripts",
    "remediations": "deviceManagement/deviceHealthScripts",
    "customAttributeScripts": "deviceManagement/deviceCustomAttributeShellScripts",
    "mobileApps": "deviceAppManagement/mobileApps",
    "appConfigManagedDevices": "deviceAppManagement/mobileAppConfigurations",
    "appConfigManagedApps": "deviceAppManagement/targetedManagedAppConfigurations",
    "appProtectionIos": "deviceAppManagement/iosManagedAppProtections",
    "appProtectionAndroid": "deviceAppManagement/androidManagedAppProtections",
    "appProtectionWindows": "deviceAppManagement/windowsManagedAppProtections",
    "autopilotProfiles": "deviceManagement/windowsAutopilotDeploymentProfiles",
    "enrollmentConfigurations": "deviceManagement/deviceEnrollmentConfigurations",
    "featureUpdateProfiles": "deviceManagement/windowsFeatureUpdateProfiles",
    "qualityUpdateProfiles": "deviceManagement/windowsQualityUpdateProfiles",
    "driverUpdateProfiles": "deviceManagement/windowsDriverUpdateProfiles",
    "assignmentFilters": "deviceManagement/assignmentFilters",
    "scopeTags": "deviceManagement/roleScopeTags",
    "roleDefinitions": "deviceManagement/roleDefinitions",
    "roleAssignments": "deviceManagement/roleAssignments",
    "notificationTemplates": "deviceManagement/notificationMessageTemplates",
    "deviceCategories": "deviceManagement/deviceCategories",
    "conditionalAccessPolicies": "identity/conditionalAccess/policies",
    "namedLocations": "identity/conditionalAccess/namedLocations",
    "groups": "groups",
    "users": "users",
    "managedDevices": "deviceManagement/managedDevices",
    "gdapRelationships": "tenantRelationships/delegatedAdminRelationships",
    "gdapCustomers": "tenantRelationships/delegatedAdminCustomers",
    "settingDefinitions": "deviceManagement/configurationSettings",
}


def test_every_required_type_has_a_record_with_its_graph_path() -> None:
    catalog = default_catalog()
    for key, path in REQUIRED.items():
        assert catalog[key].path == path


def test_beta_only_types_are_not_claimed_on_v1() -> None:
    # graph-entra.md §1: these exist in beta only; the emulator must not serve them on v1.0.
    beta_only = {
        "settingsCatalog",
        "administrativeTemplates",
        "securityIntents",
        "powershellScripts",
        "shellScripts",
        "remediations",
        "autopilotProfiles",
        "assignmentFilters",
        "scopeTags",
        "appProtectionWindows",
        "settingDefinitions",
    }
    catalog = default_catalog()
    for key in beta_only:
        assert catalog[key].api_version == "beta" and not catalog[key].in_v1, key


def test_no_write_scope_is_requested_for_reading() -> None:
    catalog = default_catalog()
    assert not [s for s in catalog.read_scopes() if "ReadWrite" in s]
    for record in catalog:
        assert record.read_scope != record.write_scope


def test_assignable_types_declare_how_to_assign() -> None:
    for record in default_catalog():
        if record.assignments in (AssignmentRead.LIST_EXPAND, AssignmentRead.PER_ITEM):
            write = record.write
            assert write.assign_body_key or write.assign_by_post or write.assign_by_update, record.key
        if record.assignments is AssignmentRead.LIST_EXPAND:
            assert "assignments" in record.list_expand, record.key
            assert record.list_params()["$expand"].startswith("assignments")


def test_lists_read_newest_first_are_assignable() -> None:
    # A refresh reads an object below the newest pages again through /{id}/assignments only.
    ordered = [r for r in default_catalog() if r.modified_order]
    assert ordered
    for record in ordered:
        assert record.assignments in (AssignmentRead.LIST_EXPAND, AssignmentRead.PER_ITEM), record.key


def test_paths_split_by_filter_do_not_overlap() -> None:
    catalog = default_catalog()
    shared = catalog.for_path("beta", "deviceManagement/deviceConfigurations")
    assert {r.key for r in shared} == {"deviceConfigurations", "updateRings"}
    filters = {r.list_filter for r in shared}
    assert "isof('microsoft.graph.windowsUpdateForBusinessConfiguration')" in filters
    assert "not isof('microsoft.graph.windowsUpdateForBusinessConfiguration')" in filters


def test_unknown_key_names_the_known_ones() -> None:
    with pytest.raises(KeyError, match="settingsCatalog"):
        default_catalog()["policies"]


def test_readme_permission_table_is_generated_from_the_catalog() -> None:
    catalog = default_catalog()
    for doc in ("README.md", "docs/permissions.md", "docs/deployment.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        block = text[text.index(BEGIN) : text.index(END) + len(END)]
        assert block == generated_block(catalog), f"{doc} is stale: run intune-assistant permissions --write {doc}"
        assert replace_block(text, catalog) == text
    for record in catalog:
        assert f"`{record.read_scope}`" in generated_block(catalog)
