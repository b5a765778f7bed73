"""Settings-catalog instances of every kind, nested at any depth, with and without definitions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from intune_assistant.analyses.settings import (
    SECRET,
    DefinitionsFileError,
    SettingDefinitions,
    policy_rows,
)
from intune_assistant.catalog import default_catalog
from intune_assistant.snapshot import Names

G = "#microsoft.graph.deviceManagementConfiguration"
ROOT = "vendor_msft_test"


def choice(def_id: str, option: str, children: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "@odata.type": f"{G}ChoiceSettingInstance",
        "settingDefinitionId": def_id,
        "choiceSettingValue": {"value": f"{def_id}_{option}", "children": children or []},
    }


def simple(def_id: str, value: Any, kind: str = "String") -> dict[str, Any]:
    return {
        "@odata.type": f"{G}SimpleSettingInstance",
        "settingDefinitionId": def_id,
        "simpleSettingValue": {"@odata.type": f"{G}{kind}SettingValue", "value": value},
    }


def group(def_id: str, items: list[list[dict[str, Any]]]) -> dict[str, Any]:
    return {
        "@odata.type": f"{G}GroupSettingCollectionInstance",
        "settingDefinitionId": def_id,
        "groupSettingCollectionValue": [{"children": c} for c in items],
    }


POLICY = {
    "id": "p1",
    "name": "Every kind",
    "platforms": "windows10",
    "settings": [
        {"id": "0", "settingInstance": choice(f"{ROOT}_mode", "1", [simple(f"{ROOT}_mode_level", 5, "Integer")])},
        {
            "id": "1",
            "settingInstance": {
                "@odata.type": f"{G}ChoiceSettingCollectionInstance",
                "settingDefinitionId": f"{ROOT}_days",
                "choiceSettingCollectionValue": [
                    {"value": f"{ROOT}_days_mon", "children": []},
                    {"value": f"{ROOT}_days_fri", "children": []},
                ],
            },
        },
        {
            "id": "2",
            "settingInstance": {
                "@odata.type": f"{G}SimpleSettingCollectionInstance",
                "settingDefinitionId": f"{ROOT}_hosts",
                "simpleSettingCollectionValue": [
                    {"@odata.type": f"{G}StringSettingValue", "value": "a.example"},
                    {"@odata.type": f"{G}StringSettingValue", "value": "b.example"},
                ],
            },
        },
        {
            "id": "3",
            "settingInstance": {
                **simple(f"{ROOT}_key", "0f3c-token", "Secret"),
                "simpleSettingValue": {
                    "@odata.type": f"{G}SecretSettingValue",
                    "value": "0f3c-token",
                    "valueState": "encryptedValueToken",
                },
            },
        },
        {
            "id": "4",
            "settingInstance": group(
                f"{ROOT}_rules",
                [
                    [simple(f"{ROOT}_rules_name", "Allow web"), choice(f"{ROOT}_rules_action", "allow")],
                    [
                        simple(f"{ROOT}_rules_name", "Block all"),
                        choice(
                            f"{ROOT}_rules_action",
                            "block",
                            [group(f"{ROOT}_rules_action_log", [[simple(f"{ROOT}_rules_action_log_path", "C:\\log")]])],
                        ),
                    ],
                ],
            ),
        },
    ],
}


def definition(def_id: str, name: str, options: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    result: dict[str, Any] = {"id": def_id, "displayName": name, **extra}
    if options:
        result["options"] = [{"itemId": f"{def_id}_{k}", "displayName": v} for k, v in options.items()]
    return result


DEFINITIONS = [
    definition(f"{ROOT}_mode", "Protection mode", {"0": "Off", "1": "On"}),
    definition(f"{ROOT}_mode_level", "Protection level"),
    definition(f"{ROOT}_days", "Scan days", {"mon": "Monday", "fri": "Friday"}),
    definition(f"{ROOT}_hosts", "Trusted hosts"),
    definition(f"{ROOT}_key", "Enrollment key", valueDefinition={"isSecret": True}),
    definition(f"{ROOT}_rules", "Firewall rules"),
    definition(f"{ROOT}_rules_name", "Rule name"),
    definition(f"{ROOT}_rules_action", "Action", {"allow": "Allow", "block": "Block"}),
    definition(f"{ROOT}_rules_action_log", "Logging"),
    definition(
        f"{ROOT}_rules_action_log_path",
        "Log path (Deprecated)",
        description="Deprecated: use 'Log folder' instead.",
    ),
]


def rows_with(definitions: SettingDefinitions) -> list[Any]:
    return policy_rows(default_catalog()["settingsCatalog"], POLICY, definitions, Names())


def test_every_instance_kind_with_definitions() -> None:
    rows = rows_with(SettingDefinitions.from_graph(DEFINITIONS))
    shown = [(r.category, r.name, r.value) for r in rows]
    assert ("Test", "Protection mode", "On") in shown
    assert ("Test > Protection mode", "Protection level", "5") in shown
    assert ("Test", "Scan days", "Monday, Friday") in shown
    assert ("Test", "Trusted hosts", "a.example, b.example") in shown
    assert ("Test > Firewall rules #1", "Rule name", "Allow web") in shown
    assert ("Test > Firewall rules #2", "Action", "Block") in shown
    # Depth four: group → item → choice → group → item → simple.
    deep = next(r for r in rows if r.setting_id == f"{ROOT}_rules_action_log_path")
    assert deep.category == "Test > Firewall rules #2 > Action > Logging"
    assert (deep.name, deep.value, deep.deprecated, deep.replacement) == ("Log path", "C:\\log", True, "Log folder")
    assert all(r.platform == "Windows 10 and later" and r.policy_name == "Every kind" for r in rows)


def test_secrets_are_redacted_in_value_and_raw_value() -> None:
    rows = rows_with(SettingDefinitions.from_graph(DEFINITIONS))
    secret = next(r for r in rows if r.setting_id == f"{ROOT}_key")
    assert (secret.value, secret.raw_value, secret.is_secret) == (SECRET, None, True)
    assert not any("0f3c-token" in str(r.raw_value) or "0f3c-token" in r.value for r in rows)


def test_without_definitions_names_come_from_ids_never_bare_ids() -> None:
    rows = rows_with(SettingDefinitions.empty())
    for row in rows:
        assert row.name != row.setting_id and "_" not in row.name
        assert not row.value.startswith(ROOT)
    assert ("Test", "Mode", "1") in [(r.category, r.name, r.value) for r in rows]
    assert next(r for r in rows if r.setting_id == f"{ROOT}_key").value == SECRET


def test_raw_values_keep_ids_for_compare() -> None:
    rows = rows_with(SettingDefinitions.from_graph(DEFINITIONS))
    assert next(r for r in rows if r.setting_id == f"{ROOT}_mode").raw_value == f"{ROOT}_mode_1"
    assert next(r for r in rows if r.setting_id == f"{ROOT}_days").raw_value == [f"{ROOT}_days_mon", f"{ROOT}_days_fri"]
    json.dumps([r.raw_value for r in rows])  # JSON-able


@pytest.mark.parametrize(
    "content",
    [
        {"value": DEFINITIONS},
        DEFINITIONS,
        {d["id"]: d for d in DEFINITIONS},
        {"format": "intune-assistant-setting-definitions", "count": len(DEFINITIONS), "value": DEFINITIONS},
    ],
)
def test_definitions_files_in_every_shape(tmp_path: Path, content: Any) -> None:
    path = tmp_path / "defs.json"
    path.write_text(json.dumps(content), encoding="utf-8-sig")
    loaded = SettingDefinitions.from_file(path)
    assert len(loaded) == len(DEFINITIONS)
    assert loaded.option_label(f"{ROOT}_days", f"{ROOT}_days_fri") == "Friday"
    assert loaded.display_name(f"{ROOT}_rules_action_log_path") == "Log path"


@pytest.mark.parametrize(("content", "reason"), [("{", "not valid JSON"), ('{"a": 1}', "holds no setting definitions")])
def test_bad_definitions_files_say_why(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "defs.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DefinitionsFileError, match=reason):
        SettingDefinitions.from_file(path)
    with pytest.raises(DefinitionsFileError, match="could not be read"):
        SettingDefinitions.from_file(tmp_path / "missing.json")


def test_merged_definitions_prefer_their_own() -> None:
    own = SettingDefinitions.from_graph([definition("a", "Own")])
    other = SettingDefinitions.from_graph([definition("a", "Other"), definition("b", "Only other")])
    merged = own.merged(other)
    assert (merged.display_name("a"), merged.display_name("b")) == ("Own", "Only other")
