"""Settings catalog JSON exported from the Intune admin center."""

from __future__ import annotations

import codecs
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.support import without_timings

from intune_assistant.collect.importers import import_path, import_portal_export
from intune_assistant.snapshot import TypeStatus

T0 = datetime(2026, 1, 1, tzinfo=UTC)
DEFINITION = "device_vendor_msft_policy_config_defender_allowrealtimemonitoring"


def portal_policy(name: str) -> dict[str, Any]:
    return {
        "name": name,
        "description": "",
        "platforms": "windows10",
        "technologies": "mdm",
        "roleScopeTagIds": ["0"],
        "settings": [
            {
                "id": "0",
                "settingInstance": {
                    "@odata.type": "#microsoft.graph.deviceManagementConfigurationChoiceSettingInstance",
                    "settingDefinitionId": DEFINITION,
                    "choiceSettingValue": {
                        "value": f"{DEFINITION}_1",
                        "children": [],
                    },
                },
            }
        ],
    }


def test_single_file(tmp_path: Path) -> None:
    path = tmp_path / "Defender.json"
    path.write_bytes(codecs.BOM_UTF8 + json.dumps(portal_policy("Defender"), indent=2).replace("\n", "\r\n").encode())
    snapshot = import_path(path, taken_at=T0)
    assert snapshot.source == "portal-export"
    (policy,) = snapshot.objects["settingsCatalog"]
    assert policy["name"] == "Defender"
    assert policy["id"]  # synthetic, stable
    assert policy["settings"] == portal_policy("Defender")["settings"]
    # The portal never exports assignments: unknown, said so, not "none".
    assert "assignments" not in policy
    result = snapshot.results["settingsCatalog"]
    assert result.status is TypeStatus.PARTIAL
    assert result.child_errors == ["assignments: not in the export for 1 of 1 object(s)"]
    assert without_timings(import_portal_export(path, taken_at=T0)) == without_timings(snapshot)


def test_folder_of_exports_with_a_stranger(tmp_path: Path) -> None:
    (tmp_path / "A.json").write_text(json.dumps(portal_policy("A")), "utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "B.json").write_bytes(codecs.BOM_UTF16_LE + json.dumps(portal_policy("B")).encode("utf-16-le"))
    (tmp_path / "C.json").write_text(json.dumps({"displayName": "not a policy"}), "utf-8")
    (tmp_path / "D.json").write_text('{"name": "truncated", "settings": [', "utf-8")
    snapshot = import_portal_export(tmp_path, taken_at=T0)
    assert [o["name"] for o in snapshot.objects["settingsCatalog"]] == ["A", "B"]
    problems = {p.path: p.reason for p in snapshot.problems}
    assert problems["C.json"].startswith("not a settings catalog export")
    assert problems["D.json"].startswith("not valid JSON")
    assert snapshot.results["settingsCatalog"].error == "1 file(s) could not be read; see problems"
