"""Rows of every policy of the demo tenants, collected through the product's own client."""

from __future__ import annotations

import re

import pytest

from intune_assistant.analyses.settings import (
    SECRET,
    SETTINGS_POLICY_TYPES,
    SettingDefinitions,
    documented_types,
    search_settings,
    setting_rows,
)
from intune_assistant.analyses.settings.instances import instances_of
from intune_assistant.catalog import Catalog
from intune_assistant.snapshot import Snapshot

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.IGNORECASE)


def test_every_documented_object_gives_rows(demo_snapshots: dict[str, Snapshot], catalog: Catalog) -> None:
    for name, snapshot in demo_snapshots.items():
        rows = setting_rows(snapshot, catalog)
        with_rows = {(r.type_key, r.policy_id) for r in rows}
        for record in documented_types(catalog):
            for obj in snapshot.objects_of(record.key):
                if record.key in ("scopeTags", "deviceCategories", "appCategories"):
                    continue  # a name and a description: nothing configured
                assert (record.key, obj["id"]) in with_rows, f"{name}: {record.key} {obj.get('id')} has no rows"


def test_collection_keeps_the_definitions_policies_use(contoso: Snapshot) -> None:
    used = {
        str(i["settingDefinitionId"])
        for key in SETTINGS_POLICY_TYPES
        for policy in contoso.objects_of(key)
        for i in instances_of(policy)
    }
    assert used and used <= set(contoso.setting_definitions)


def test_no_row_shows_a_bare_definition_or_option_id(demo_snapshots: dict[str, Snapshot], catalog: Catalog) -> None:
    for snapshot in demo_snapshots.values():
        definitions = SettingDefinitions.from_graph(snapshot.setting_definitions.values())
        ids = set(snapshot.setting_definitions)
        option_ids = {o["itemId"] for d in definitions for o in d.get("options") or ()}
        for row in setting_rows(snapshot, catalog):
            for text in (row.name, row.value, row.category):
                parts = {text, *text.split(", "), *text.split(" > ")}
                assert not parts & ids, row
                assert not parts & option_ids, row
            assert not GUID.match(row.name), row
            if row.setting_id in ids:
                # With definitions at hand, names are exactly the portal's display names.
                assert row.name == definitions.display_name(row.setting_id)


def test_definitions_give_option_labels(contoso: Snapshot, catalog: Catalog) -> None:
    realtime = search_settings(setting_rows(contoso, catalog), "realtime monitoring", types=["settingsCatalog"])
    assert {r.value for r in realtime} >= {"Allowed", "Not allowed"}
    standard = [r for r in realtime if r.policy_name == "WIN - Defender Antivirus - Standard"]
    assert standard and standard[0].value == "Allowed"


def test_deprecated_settings_are_flagged_with_replacement(
    demo_snapshots: dict[str, Snapshot], catalog: Catalog, demo: object
) -> None:
    contoso = demo_snapshots["contoso"]
    rows = setting_rows(contoso, catalog)
    deprecated = [r for r in rows if r.deprecated]
    planted = set(demo.tenants["contoso"].planted["deprecated"])  # type: ignore[attr-defined]
    assert {r.policy_name for r in deprecated} == planted
    ips = next(r for r in deprecated if r.setting_id.endswith("allowintrusionpreventionsystem"))
    assert ips.replacement == "Enable Network Protection"
    assert "Deprecated" not in ips.name


def test_secrets_are_never_shown(demo_snapshots: dict[str, Snapshot], catalog: Catalog) -> None:
    redacted = 0
    for snapshot in demo_snapshots.values():
        rows = setting_rows(snapshot, catalog)
        keys = [
            obj["preSharedKey"]
            for obj in snapshot.objects_of("deviceConfigurations")
            if isinstance(obj.get("preSharedKey"), str)
        ]
        for row in rows:
            assert not any(k in row.value or k in str(row.raw_value) for k in keys)
        wifi = [r for r in rows if r.setting_id == "preSharedKey"]
        assert all(r.value == SECRET and r.raw_value is None and r.is_secret for r in wifi)
        redacted += len(wifi)
    assert redacted


def test_conditional_access_in_words(contoso: Snapshot, catalog: Catalog) -> None:
    rows = [r for r in setting_rows(contoso, catalog) if r.type_key == "conditionalAccessPolicies"]
    by = {(r.policy_name, r.name): r.value for r in rows}
    assert by[("CA001 - Require MFA for admins", "Include roles")] == "Global Administrator, Intune Administrator"
    assert (
        by[("CA001 - Require MFA for admins", "Grant controls")] == "Grant access: Require multifactor authentication"
    )
    assert by[("CA002 - Block legacy authentication", "Grant controls")] == "Block access"
    assert by[("CA004 - Require MFA for all users", "State")] == "Report-only"
    assert by[("CA006 - Sign-in frequency on unmanaged devices", "Sign-in frequency")] == "Every 12 hours"
    assert "Contoso Headquarters" in by[("CA004 - Require MFA for all users", "Exclude locations")]
    excluded = by[("CA001 - Require MFA for admins", "Exclude users")]
    assert "@contoso.onmicrosoft.com" in excluded and not GUID.match(excluded)
    assert all(not GUID.search(v) for v in by.values())


def test_compliance_actions_and_scripts(contoso: Snapshot, catalog: Catalog) -> None:
    rows = setting_rows(contoso, catalog)
    actions = [r for r in rows if r.type_key == "compliancePolicies" and r.category == "Actions for noncompliance"]
    assert any(r.name == "Mark device noncompliant" and r.value == "Immediately" for r in actions)
    assert any("message template: Noncompliant device" in r.value for r in actions)
    script = next(r for r in rows if r.type_key == "powershellScripts" and r.setting_id == "scriptContent")
    assert "\n" in script.value or script.value.startswith(("Set-", "$", "#", "Get-"))


@pytest.mark.parametrize(
    ("text", "types", "expected_type"),
    [
        ("bitlocker", None, "settingsCatalog"),
        ("bitlocker", ["deviceConfigurations"], "deviceConfigurations"),
        ("password minimum length", ["compliancePolicies"], "compliancePolicies"),
    ],
)
def test_search_finds_where_a_setting_is_configured(
    contoso: Snapshot, catalog: Catalog, text: str, types: list[str] | None, expected_type: str
) -> None:
    found = search_settings(setting_rows(contoso, catalog), text, types=types)
    assert found and expected_type in {r.type_key for r in found}
    if types:
        assert {r.type_key for r in found} == set(types)


def test_search_by_platform_keeps_rows_for_any_platform(contoso: Snapshot, catalog: Catalog) -> None:
    rows = setting_rows(contoso, catalog)
    mac = search_settings(rows, "", platforms=["macos"])
    assert {r.platform for r in mac} <= {"macOS", None}
    assert any(r.type_key == "conditionalAccessPolicies" for r in mac)
    assert not search_settings(rows, "zzz-no-such-setting")
