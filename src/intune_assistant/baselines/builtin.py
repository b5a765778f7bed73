"""Built-in baselines as snapshots: compared like any export, offline, in the demo too.

``builtin_baseline`` builds the Graph-shaped settings-catalog policies (exactly as Graph returns
them, so every importer and analysis reads them unchanged) and ``builtin_definitions`` the
setting definitions that give their settings readable names without a tenant.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from intune_assistant.snapshot import Snapshot, TenantInfo, TypeResult, TypeStatus

from . import windows
from .windows import Choice, Group, Integer, Policy, Spec

__all__ = ["BUILTIN", "UnknownBaselineError", "builtin_baseline", "builtin_definitions"]

_GRAPH = "#microsoft.graph.deviceManagementConfiguration"
# The date the setting facts were last checked; a baseline is a document with a date.
_AUTHORED = datetime(2025, 1, 15, tzinfo=UTC)
BUILTIN: dict[str, tuple[Policy, ...]] = {windows.NAME: windows.POLICIES}


class UnknownBaselineError(KeyError):
    """A built-in baseline name that does not exist; the message lists the known ones."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown baseline"


def _instance(spec: Spec) -> dict[str, Any]:
    definition_id, _, value = spec
    head = {"settingDefinitionId": definition_id, "settingInstanceTemplateReference": None}
    if isinstance(value, Choice):
        return {
            "@odata.type": f"{_GRAPH}ChoiceSettingInstance",
            **head,
            "choiceSettingValue": {
                "settingValueTemplateReference": None,
                "value": f"{definition_id}_{value.suffix}",
                "children": [_instance(child) for child in value.children],
            },
        }
    if isinstance(value, Integer):
        return {
            "@odata.type": f"{_GRAPH}SimpleSettingInstance",
            **head,
            "simpleSettingValue": {
                "@odata.type": f"{_GRAPH}IntegerSettingValue",
                "settingValueTemplateReference": None,
                "value": value.value,
            },
        }
    return {
        "@odata.type": f"{_GRAPH}GroupSettingCollectionInstance",
        **head,
        "groupSettingCollectionValue": [
            {"settingValueTemplateReference": None, "children": [_instance(c) for c in value.children]}
        ],
    }


def _policy(baseline: str, index: int, policy: Policy) -> dict[str, Any]:
    return {
        "@odata.type": "#microsoft.graph.deviceManagementConfigurationPolicy",
        # Stable, readable ids: a baseline is never matched by id, only by name and settings.
        "id": f"builtin-{baseline}-{index}",
        "name": policy.name,
        "description": policy.description,
        "platforms": "windows10",
        "technologies": policy.technologies,
        "roleScopeTagIds": ["0"],
        "templateReference": {
            "templateId": "",
            "templateFamily": "none",
            "templateDisplayName": None,
            "templateDisplayVersion": None,
        },
        "settingCount": len(policy.settings),
        "settings": [{"id": str(i), "settingInstance": _instance(s)} for i, s in enumerate(policy.settings)],
        "assignments": [],
    }


def _policies(name: str) -> tuple[Policy, ...]:
    try:
        return BUILTIN[name]
    except KeyError:
        raise UnknownBaselineError(f"unknown built-in baseline {name!r}; known: {', '.join(BUILTIN)}") from None


def builtin_baseline(name: str = windows.NAME) -> Snapshot:
    """The built-in baseline ``name`` as a snapshot of settings-catalog policies, with definitions."""
    objects = [_policy(name, i, p) for i, p in enumerate(_policies(name))]
    return Snapshot(
        tenant=TenantInfo(display_name=f"Built-in baseline: {name}"),
        source="baseline",
        taken_at=_AUTHORED,
        objects={"settingsCatalog": objects},
        results={"settingsCatalog": TypeResult("settingsCatalog", TypeStatus.OK, len(objects), 0.0)},
        setting_definitions={d["id"]: d for d in builtin_definitions(name)},
    )


def _definitions(spec: Spec, parent: str | None, found: dict[str, dict[str, Any]]) -> None:
    definition_id, label, value = spec
    definition: dict[str, Any] = {
        "id": definition_id,
        "displayName": label,
        "dependentOn": [{"dependentOn": parent, "parentSettingId": parent}] if parent else [],
    }
    children: tuple[Spec, ...] = ()
    if isinstance(value, Choice):
        definition["@odata.type"] = f"{_GRAPH}ChoiceSettingDefinition"
        definition["options"] = [{"itemId": f"{definition_id}_{value.suffix}", "displayName": value.label}]
        children = value.children
    elif isinstance(value, Group):
        definition["@odata.type"] = f"{_GRAPH}SettingGroupCollectionDefinition"
        definition["childIds"] = [child[0] for child in value.children]
        children = value.children
    else:
        definition["@odata.type"] = f"{_GRAPH}SimpleSettingDefinition"
    # Several policies may hold one definition with different options: keep every option seen.
    known = found.get(definition_id)
    if known is not None and "options" in definition:
        seen = {o["itemId"] for o in known.get("options", [])}
        known.setdefault("options", []).extend(o for o in definition["options"] if o["itemId"] not in seen)
    else:
        found[definition_id] = definition
    for child in children:
        _definitions(child, definition_id, found)


def builtin_definitions(name: str = windows.NAME) -> list[dict[str, Any]]:
    """Graph-shaped setting definitions (display names, option labels) for baseline ``name``."""
    found: dict[str, dict[str, Any]] = {}
    for policy in _policies(name):
        for spec in policy.settings:
            _definitions(spec, None, found)
    return list(found.values())
