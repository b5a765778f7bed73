"""The built-in Windows security baseline: real setting ids, readable names, a plain snapshot."""

from __future__ import annotations

from pathlib import Path

import pytest

from intune_assistant.analyses.settings import SettingDefinitions, policy_rows
from intune_assistant.baselines import BUILTIN, UnknownBaselineError, builtin_baseline, builtin_definitions
from intune_assistant.catalog import default_catalog
from intune_assistant.emulator.tenants.definitions import catalogue
from intune_assistant.snapshot import TypeStatus, load_snapshot, save_snapshot


def _instances(policy: dict[str, object]) -> list[dict[str, object]]:
    found = []
    stack = [s["settingInstance"] for s in policy["settings"]]  # type: ignore[attr-defined]
    while stack:
        instance = stack.pop()
        found.append(instance)
        values = [instance.get("choiceSettingValue"), *(instance.get("groupSettingCollectionValue") or [])]
        for value in values:
            if value:
                stack.extend(value.get("children") or [])
    return found


def test_every_setting_uses_a_real_definition_id_and_option() -> None:
    # The emulator's catalogue carries Intune's own ids and option item ids.
    real = catalogue().by_id
    baseline = builtin_baseline()
    assert baseline.status_of("settingsCatalog") is TypeStatus.OK
    policies = baseline.objects["settingsCatalog"]
    assert len(policies) >= 5
    for policy in policies:
        assert policy["platforms"] == "windows10" and policy["name"].startswith("Baseline - Windows - ")
        for instance in _instances(policy):
            definition = real[str(instance["settingDefinitionId"])]
            choice = instance.get("choiceSettingValue")
            if isinstance(choice, dict):
                assert choice["value"] in {o["itemId"] for o in definition["options"]}


def test_settings_read_by_name_without_a_tenant() -> None:
    baseline = builtin_baseline()
    definitions = SettingDefinitions.from_graph(builtin_definitions())
    record = default_catalog()["settingsCatalog"]
    for policy in baseline.objects["settingsCatalog"]:
        rows = policy_rows(record, policy, definitions, baseline.names)
        assert rows
        for row in rows:
            assert row.name and not row.name.startswith("device_vendor") and not row.name.startswith("vendor_")
            assert row.value and not str(row.value).startswith(("device_vendor", "vendor_msft"))
    # The snapshot carries the same definitions, so names survive saving and loading.
    assert set(baseline.setting_definitions) == {d["id"] for d in builtin_definitions()}


def test_the_baseline_round_trips_through_the_snapshot_format(tmp_path: Path) -> None:
    baseline = builtin_baseline()
    save_snapshot(baseline, tmp_path / "baseline")
    loaded = load_snapshot(tmp_path / "baseline")
    assert loaded.objects == baseline.objects
    assert loaded.setting_definitions == baseline.setting_definitions


def test_unknown_baseline_names_the_known_ones() -> None:
    with pytest.raises(UnknownBaselineError, match="windows-security"):
        builtin_baseline("cis-level-9")
    assert list(BUILTIN) == ["windows-security"]
