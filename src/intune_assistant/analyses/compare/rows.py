"""An object's settings as compare needs them: keyed, canonical, order-insensitive.

Rows come from the settings analysis (``policy_rows``: one row per configured value,
``setting_id`` = definition id for settings catalog, property path for other types), so compare
shows the same names and values as the documentation. Here they are grouped by setting id with
list positions removed, so a setting that occurs several times (a rule per item of a group
collection) compares as a multiset of values in any order. Raw values are made
tenant-independent (referenced ids become names) and stripped of volatile fields; annotations
and unset values never become settings; a secret compares by presence only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from intune_assistant.analyses.settings import (
    SETTINGS_POLICY_TYPES,
    References,
    SettingDefinitions,
    SettingRow,
    policy_rows,
)
from intune_assistant.catalog import ResourceType
from intune_assistant.snapshot import Names

from .normalize import SECRET, canonical, is_annotation, is_unset, without_annotations

__all__ = ["METADATA", "Setting", "object_settings"]

# Properties that describe a policy rather than configure devices, which the setting rows leave
# out; compared everywhere but against a baseline (which prescribes settings, not how a tenant
# describes, scopes or builds its copy).
METADATA: dict[str, str] = {
    "description": "Description",
    "roleScopeTagIds": "Scope tags",
    # Assignment filters name their scope tags so.
    "roleScopeTags": "Scope tags",
    "platforms": "Platform",
    "technologies": "Technologies",
    "templateReference": "Template",
    "templateId": "Template",
    "largeIcon": "Icon",
}
# Fields of list items the setting rows do not show, compared as settings of their own:
# (type key, list field, item key field) → {field: (label, describes rather than configures)}.
_ITEM_FIELDS: dict[tuple[str, str, str], dict[str, tuple[str, bool]]] = {
    ("deviceConfigurations", "omaSettings", "omaUri"): {
        "displayName": ("OMA-URI setting name", True),
        "description": ("OMA-URI setting description", True),
        "isReadOnly": ("OMA-URI setting read-only", False),
    },
    ("appConfigManagedDevices", "settings", "appConfigKey"): {"appConfigKeyType": ("Configuration key type", False)},
}
# Rows the settings analysis derives from other objects ("Used by" of a filter): a change there is
# reported on the object that changed, and a type one side could not read would show here too.
_DERIVED = frozenset({"usedBy"})
_POSITION = re.compile(r"\[\d+\]")
# "Firewall Rules #2": the item number of a group collection, which is no part of the area.
_ITEM_NUMBER = re.compile(r" #\d+")
_SEGMENTS = re.compile(r"[./\[\]]+")


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting of one object: its values as a sorted multiset of canonical strings."""

    setting_id: str
    name: str
    category: str
    values: tuple[str, ...]
    display: str
    is_secret: bool = False
    deprecated: bool = False
    replacement: str | None = None


@dataclass(frozen=True)
class RowContext:
    """What turning one side's objects into settings needs (built once per side)."""

    definitions: SettingDefinitions
    names: Names
    references: References
    # Lower-case GUID → name of every object of the side, for tenant-independent raw values.
    ids: Mapping[str, str]
    metadata: bool
    # (type key, setting id) → whether the id is compared; many objects share few ids.
    kept: dict[tuple[str, str], bool] = field(default_factory=dict)


def _kept(record: ResourceType, setting_id: str) -> bool:
    if setting_id in ("", "@odata.type", record.name_field) or setting_id in _DERIVED or "@odata." in setting_id:
        return False
    return not any(
        part in record.volatile_fields or is_annotation(part) for part in _SEGMENTS.split(setting_id) if part
    )


def _raw(record: ResourceType, value: Any, ctx: RowContext) -> Any:
    """``value`` without volatile fields at any depth, with referenced ids replaced by names."""
    if isinstance(value, str):
        return ctx.ids.get(value.lower(), value) if len(value) == 36 else value
    if isinstance(value, dict):
        return {k: _raw(record, v, ctx) for k, v in value.items() if k not in record.volatile_fields}
    if isinstance(value, list):
        return [_raw(record, v, ctx) for v in value]
    return value


def _group(record: ResourceType, rows: Iterable[SettingRow], ctx: RowContext) -> dict[str, Setting]:
    grouped: dict[str, list[SettingRow]] = {}
    for row in rows:
        # A secret's raw value is never kept (None): its presence is what compares.
        if is_unset(row.raw_value) and not row.is_secret:
            continue
        setting_id = _POSITION.sub("[]", row.setting_id) if "[" in row.setting_id else row.setting_id
        known = ctx.kept.get((record.key, setting_id))
        if known is None:
            known = ctx.kept[(record.key, setting_id)] = _kept(record, setting_id)
        if known:
            grouped.setdefault(setting_id, []).append(row)
    result: dict[str, Setting] = {}
    for setting_id, members in grouped.items():
        first = members[0]
        secret = any(m.is_secret for m in members)
        values = tuple(sorted(SECRET if secret else canonical(_raw(record, m.raw_value, ctx)) for m in members))
        display = "(secret: not compared)" if secret else "; ".join(sorted(str(m.value) for m in members))
        result[setting_id] = Setting(
            setting_id=setting_id,
            name=first.name or setting_id,
            category=_ITEM_NUMBER.sub("", first.category),
            values=values,
            display=display,
            is_secret=secret,
            deprecated=any(m.deprecated for m in members),
            replacement=next((m.replacement for m in members if m.replacement), None),
        )
    return result


def _metadata_value(key: str, value: Any, ctx: RowContext) -> tuple[Any, str] | None:
    """(comparable value, shown text) of a metadata property; None when it says nothing."""
    if key in ("roleScopeTagIds", "roleScopeTags") and isinstance(value, list):
        # Scope tags by name: ids are per tenant, and IntuneCD writes names here already.
        value = [(ctx.names.scope_tag(t) or t) if isinstance(t, str) else t for t in value]
    elif key == "templateReference":
        # The template a policy was made from, by id (its name and version follow from the id).
        value = value.get("templateId") if isinstance(value, Mapping) else None
    elif key == "largeIcon":
        if not isinstance(value, Mapping) or not value.get("value"):
            return None
        content = str(value.get("value"))
        return {
            "type": value.get("type"),
            "value": content,
        }, f"{value.get('type') or 'image'}, {len(content) * 3 // 4} bytes"
    if is_unset(value) or value == "":
        return None
    shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return value, shown


def _metadata(obj: Mapping[str, Any], found: dict[str, Setting], ctx: RowContext) -> None:
    for key, label in METADATA.items():
        if not ctx.metadata:
            found.pop(key, None)
            continue
        if key in found or key not in obj:
            continue
        described = _metadata_value(key, obj[key], ctx)
        if described is not None:
            found[key] = Setting(key, label, "", (canonical(described[0]),), described[1])


def _item_fields(record: ResourceType, obj: Mapping[str, Any], found: dict[str, Setting], metadata: bool) -> None:
    for (key, field_name, item_key), labels in _ITEM_FIELDS.items():
        if record.key != key or not isinstance(obj.get(field_name), list):
            continue
        for item in obj[field_name]:
            if not isinstance(item, Mapping):
                continue
            which = str(item.get(item_key) or "")
            for name, (label, describes) in labels.items():
                value = item.get(name)
                if (describes and not metadata) or is_unset(value) or value == "":
                    continue
                setting_id = f"{field_name}[{which}].{name}"
                found[setting_id] = Setting(setting_id, f"{label} ({which})", "", (canonical(value),), str(value))


def object_settings(record: ResourceType, obj: Mapping[str, Any], ctx: RowContext) -> dict[str, Setting]:
    """The settings of ``obj`` by setting id; ``ctx.metadata`` adds description and scope tags."""
    # Annotations go at every depth: an exporter's "value@odata.type" is no part of a value. The
    # settings of a settings-catalog policy are read key by key and need no copy (they are large).
    deep = record.key not in SETTINGS_POLICY_TYPES
    cleaned = {
        k: without_annotations(v) if deep or k != "settings" else v
        for k, v in obj.items()
        if k != "assignments" and not is_annotation(k)
    }
    found = _group(record, policy_rows(record, cleaned, ctx.definitions, ctx.names, ctx.references), ctx)
    # An empty description is what the portal writes for "none": not a setting.
    description = found.get("description")
    if description is not None and description.values == (canonical(""),):
        del found["description"]
    _item_fields(record, obj, found, ctx.metadata)
    _metadata(obj, found, ctx)
    return found
