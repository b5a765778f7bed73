"""What IntuneCD rewrote comes back as Graph has it: scope tag ids, payloadJson, deleted groups."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from intune_assistant.collect.importers import import_intunecd, import_path
from intune_assistant.collect.importers.synthetic import synthetic_id

GROUP_TARGET = "#microsoft.graph.groupAssignmentTarget"


def write(path: Path, value: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value), "utf-8")


def test_scope_tag_names_become_the_backups_ids(tmp_path: Path) -> None:
    # IntuneCD's --append-id keeps the real id in the file name; the tag itself is named.
    write(tmp_path / "Scope Tags" / "Helpdesk__5.json", {"displayName": "Helpdesk", "description": ""})
    write(
        tmp_path / "Settings Catalog" / "P_mdm.json",
        {"name": "P", "settings": [], "roleScopeTagIds": ["Default", "Helpdesk", "Elsewhere"], "assignments": []},
    )
    write(
        tmp_path / "Filters" / "Win.json",
        {"displayName": "Win", "platform": "windows10AndLater", "rule": "(device.osVersion -startsWith \"10\")",
         "roleScopeTags": ["Helpdesk", "Default"]},
    )  # fmt: skip
    snapshot = import_intunecd(tmp_path)
    (policy,) = snapshot.objects_of("settingsCatalog")
    elsewhere = synthetic_id("scopeTag", "Elsewhere")
    assert policy["roleScopeTagIds"] == ["0", "5", elsewhere]
    (found,) = snapshot.objects_of("assignmentFilters")
    assert found["roleScopeTags"] == ["5", "0"]
    assert snapshot.names.scope_tags == {"0": "Default", "5": "Helpdesk", elsewhere: "Elsewhere"}


def test_payload_json_is_base64_again(tmp_path: Path) -> None:
    payload = {"kind": "configuration", "settings": [{"key": "Server", "value": "contoso.com"}]}
    write(
        tmp_path / "App Configuration" / "Outlook_iosMobileAppConfiguration.json",
        {"displayName": "Outlook", "payloadJson": payload, "assignments": []},
    )
    (config,) = import_path(tmp_path).objects_of("appConfigManagedDevices")
    assert isinstance(config["payloadJson"], str)
    assert json.loads(base64.b64decode(config["payloadJson"])) == payload


def test_a_deleted_group_keeps_one_id_across_policies_and_imports(tmp_path: Path) -> None:
    deleted = {"target": {"@odata.type": GROUP_TARGET, "deviceAndAppManagementAssignmentFilterType": "none"}}
    for name in ("A", "B"):
        write(
            tmp_path / "Settings Catalog" / f"{name}_mdm.json", {"name": name, "settings": [], "assignments": [deleted]}
        )
    first = import_intunecd(tmp_path)
    ids = {p["assignments"][0]["target"]["groupId"] for p in first.objects_of("settingsCatalog")}
    assert len(ids) == 1
    assert ids <= first.names.unresolved_groups
    second = import_intunecd(tmp_path)
    assert {p["assignments"][0]["target"]["groupId"] for p in second.objects_of("settingsCatalog")} == ids
