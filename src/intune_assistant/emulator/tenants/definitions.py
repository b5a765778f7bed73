"""Settings-catalog definitions, built from the compact area tables into Graph's shape.

Each table row is ``(name, displayName, kind, arg, kids)`` (the last two optional):

- ``name``: the CSP/payload node as Intune spells it; the definition id is the area prefix plus
  the name in lower case (``/`` becomes ``_``), the ``offsetUri`` is the area offset plus the name.
- ``kind``: ``allow`` / ``enable`` / ``tf`` / ``asr`` (choice with a standard option set), ``c``
  (choice, ``arg`` = ``"0=Label|1=Label"``), ``cc`` (choice collection), ``i`` (integer,
  ``arg`` = ``(min, max)``), ``s`` (string, ``arg`` = sample values ``"a|b"``), ``x`` (secret),
  ``ss`` (string collection), ``g`` (group collection, ``arg`` = child names ``"a,b"``) and ``w``
  (a payload wrapper: a group collection that holds one item, as Apple payloads do).
- ``kids``: children that apply when an option is chosen, ``"1>childA,childB;2>childC"``.

The ids are the real Intune ids; the display names and descriptions are our own wording.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from .ids import stable_guid

Row = tuple[Any, ...]

_STANDARD_OPTIONS = {
    "allow": "0=Not allowed|1=Allowed",
    "enable": "0=Disabled|1=Enabled",
    "tf": "false=False|true=True",
    "asr": "off=Off|block=Block|audit=Audit|warn=Warn",
}
_CHOICE_KINDS = {"allow", "enable", "tf", "asr", "c"}
_GRAPH = "#microsoft.graph.deviceManagementConfiguration"


@dataclass(frozen=True)
class Area:
    """One group of related definitions sharing an id prefix, URI and applicability."""

    key: str
    prefix: str
    base_uri: str
    offset: str
    platform: str
    technologies: str
    category: str
    rows: tuple[Row, ...]
    usage: str = "configuration"


@dataclass(frozen=True)
class Catalogue:
    """The built definitions plus what the policy generator needs to pick from them."""

    definitions: tuple[dict[str, Any], ...]
    by_id: dict[str, dict[str, Any]]
    # Top-level definition ids per area key (children are reached through their parents).
    roots: dict[str, tuple[str, ...]]
    deprecated: frozenset[str]

    def get(self, definition_id: str) -> dict[str, Any]:
        """The definition with ``definition_id`` (KeyError when the catalogue lacks it)."""
        return self.by_id[definition_id]


def definition_id(area: Area, name: str) -> str:
    """The settings-catalog id of ``name`` in ``area``."""
    return area.prefix + name.lower().replace("/", "_")


def _options(def_id: str, spec: str) -> list[tuple[str, str, str]]:
    """``(itemId, name, displayName)`` for each option of an option spec."""
    result = []
    for part in spec.split("|"):
        suffix, _, label = part.partition("=")
        result.append((f"{def_id}_{suffix}", suffix, label))
    return result


def _option_value(suffix: str) -> dict[str, Any]:
    if suffix.lstrip("-").isdigit():
        return {
            "@odata.type": "#microsoft.graph.deviceManagementConfigurationIntegerSettingValue",
            "value": int(suffix),
        }
    return {"@odata.type": "#microsoft.graph.deviceManagementConfigurationStringSettingValue", "value": suffix}


def _applicability(area: Area) -> dict[str, Any]:
    kind = "Windows" if area.platform == "windows10" else ""
    return {
        "@odata.type": f"{_GRAPH}{kind}SettingApplicability",
        "description": None,
        "platform": area.platform,
        "deviceMode": "none",
        "technologies": area.technologies,
    }


def _describe(display: str, kind: str, area: Area) -> str:
    # Generated wording: short, factual, ours; the product shows it next to the display name.
    what = {
        "i": "Sets a number for",
        "s": "Sets a text value for",
        "x": "Sets a secret value for",
        "ss": "Lists values for",
        "cc": "Selects one or more options for",
        "g": "Defines a list of entries for",
        "w": "Groups the settings of",
    }.get(kind, "Chooses how the device handles")
    return f"{what} '{display}' ({area.category})."


def _kind_type(kind: str) -> str:
    return {
        "i": "SimpleSettingDefinition",
        "s": "SimpleSettingDefinition",
        "x": "SimpleSettingDefinition",
        "ss": "SimpleSettingCollectionDefinition",
        "cc": "ChoiceSettingCollectionDefinition",
        "g": "SettingGroupCollectionDefinition",
        "w": "SettingGroupCollectionDefinition",
    }.get(kind, "ChoiceSettingDefinition")


def _value_definition(kind: str, arg: Any) -> dict[str, Any]:
    if kind == "i":
        low, high = arg
        return {"@odata.type": f"{_GRAPH}IntegerSettingValueDefinition", "minimumValue": low, "maximumValue": high}
    return {
        "@odata.type": f"{_GRAPH}StringSettingValueDefinition",
        "format": "none",
        "inputValidationSchema": None,
        "maximumLength": 2048,
        "minimumLength": 0,
        "isSecret": kind == "x",
        "fileTypes": [],
    }


def _parse_kids(area: Area, kids: str | None, def_id: str) -> dict[str, list[str]]:
    """Child definition ids per option itemId."""
    result: dict[str, list[str]] = {}
    for part in (kids or "").split(";"):
        if not part:
            continue
        suffix, _, names = part.partition(">")
        result[f"{def_id}_{suffix}"] = [definition_id(area, n) for n in names.split(",")]
    return result


def _build(area: Area, row: Row, deprecated: dict[str, str]) -> dict[str, Any]:
    name, display, kind = row[0], row[1], row[2]
    arg = row[3] if len(row) > 3 else None
    kids = row[4] if len(row) > 4 else None
    def_id = definition_id(area, name)
    leaf = name.rsplit("/", 1)[-1]
    if def_id in deprecated:
        display = f"{display} (Deprecated)"
        description = f"Deprecated: use '{deprecated[def_id]}' instead."
    else:
        description = _describe(display, kind, area)
    result: dict[str, Any] = {
        "@odata.type": f"{_GRAPH}{_kind_type(kind)}",
        "id": def_id,
        "name": leaf,
        "displayName": display,
        "description": description,
        "helpText": description,
        "categoryId": stable_guid("category", area.category),
        "baseUri": area.base_uri,
        "offsetUri": area.offset + name,
        "rootDefinitionId": def_id,
        "keywords": [area.category, leaf],
        "infoUrls": [],
        "applicability": _applicability(area),
        "occurrence": {"minDeviceOccurrence": 0, "maxDeviceOccurrence": 1},
        "accessTypes": "add,delete,get,replace",
        "settingUsage": area.usage,
        "uxBehavior": {"tf": "toggle", "allow": "toggle", "enable": "toggle"}.get(kind, "default"),
        "visibility": "settingsCatalog,template",
        "version": "1",
        "dependentOn": [],
        "dependedOnBy": [],
    }
    if kind in _CHOICE_KINDS or kind == "cc":
        spec = _STANDARD_OPTIONS.get(kind) or str(arg)
        children = _parse_kids(area, kids, def_id)
        options = _options(def_id, spec)
        result["options"] = [
            {
                "itemId": item_id,
                "name": suffix,
                "displayName": label,
                "description": None,
                "helpText": None,
                "optionValue": _option_value(suffix),
                "dependentOn": [],
                "dependedOnBy": [{"dependedOnBy": c, "required": False} for c in children.get(item_id, [])],
            }
            for item_id, suffix, label in options
        ]
        result["defaultOptionId"] = options[0][0]
        if kind == "cc":
            result["maximumCount"], result["minimumCount"] = 100, 0
    elif kind in ("g", "w"):
        result["childIds"] = [definition_id(area, n) for n in str(arg).split(",")]
        result["maximumCount"], result["minimumCount"] = (1 if kind == "w" else 100), 0
    else:
        result["valueDefinition"] = _value_definition(kind, arg)
        result["defaultValue"] = None
        if kind == "ss":
            result["maximumCount"], result["minimumCount"] = 600, 0
    # Kept beside the Graph shape for the value generator; removed before serving.
    result["_kind"] = kind
    result["_samples"] = str(arg).split("|") if kind in ("s", "ss") and arg else []
    result["_range"] = tuple(arg) if kind == "i" and arg else ()
    return result


def _link_children(by_id: dict[str, dict[str, Any]]) -> set[str]:
    """Fill ``dependentOn`` and ``rootDefinitionId`` of children; return the child ids."""
    child_ids: set[str] = set()

    def visit(parent: dict[str, Any], root: str) -> None:
        links: list[tuple[str, str | None]] = [(c, None) for c in parent.get("childIds", [])]
        for option in parent.get("options", []):
            links += [(d["dependedOnBy"], option["itemId"]) for d in option["dependedOnBy"]]
        for child_id, item_id in links:
            child = by_id[child_id]
            child_ids.add(child_id)
            child["rootDefinitionId"] = root
            child["dependentOn"] = [{"dependentOn": item_id or parent["id"], "parentSettingId": parent["id"]}]
            parent["dependedOnBy"] = [*parent["dependedOnBy"], {"dependedOnBy": child_id, "required": False}]
            visit(child, root)

    for definition in list(by_id.values()):
        if definition["rootDefinitionId"] == definition["id"]:
            visit(definition, definition["id"])
    return child_ids


def build_catalogue(areas: Iterable[Area], deprecated: dict[str, str]) -> Catalogue:
    """Graph-shaped definitions for ``areas``; ``deprecated`` maps an id to its replacement's name."""
    built: dict[str, dict[str, Any]] = {}
    area_ids: dict[str, list[str]] = {}
    for area in areas:
        for row in area.rows:
            definition = _build(area, row, deprecated)
            built[definition["id"]] = definition
            area_ids.setdefault(area.key, []).append(definition["id"])
    child_ids = _link_children(built)
    roots = {key: tuple(i for i in ids if i not in child_ids) for key, ids in area_ids.items()}
    return Catalogue(tuple(built.values()), built, roots, frozenset(deprecated))


@cache
def catalogue() -> Catalogue:
    """The whole catalogue (built once per process, on first use)."""
    from .definitions_apple import APPLE_AREAS
    from .definitions_other import DEPRECATED, OTHER_AREAS
    from .definitions_windows import WINDOWS_AREAS

    return build_catalogue((*WINDOWS_AREAS, *APPLE_AREAS, *OTHER_AREAS), DEPRECATED)


def public_definitions() -> list[dict[str, Any]]:
    """Fresh Graph-shaped copies of every definition, without the generator's private keys."""
    return copy.deepcopy([{k: v for k, v in d.items() if not k.startswith("_")} for d in catalogue().definitions])
