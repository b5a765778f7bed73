"""Apps, app configuration and app protection → rows.

Apps show their type, publisher and properties, then the install intent of each assignment;
app configuration shows its key/value pairs (and a managed Google Play payload decoded);
app protection shows its properties and the apps it protects.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from .context import PolicyContext
from .model import SettingRow
from .property_rows import decode_text, property_rows
from .targets import describe_target
from .values import display_value
from .words import readable_enum

__all__ = ["INTENT_CATEGORY", "app_config_rows", "app_protection_rows", "mobile_app_rows"]

INTENT_CATEGORY = "Install intent"


def mobile_app_rows(ctx: PolicyContext) -> list[SettingRow]:
    """Properties of an app, then one row per assignment with its intent (required/available...)."""
    rows = property_rows(ctx, ctx.obj)
    for assignment in ctx.obj.get("assignments") or ():
        target = assignment.get("target") if isinstance(assignment, Mapping) else None
        if not isinstance(target, Mapping):
            continue
        described = describe_target(target, ctx.names)
        intent = str(assignment.get("intent") or "")
        name = described.name if described.mode == "Included" else f"{described.name} (excluded)"
        key = described.group_id or described.kind
        rows.append(
            ctx.row(
                INTENT_CATEGORY, name, readable_enum(intent) if intent else "", f"assignments[{key}].intent", intent
            )
        )
    return rows


def _app_identifiers(apps: Any) -> list[str]:
    found: list[str] = []
    for app in apps if isinstance(apps, list) else ():
        identifier = app.get("mobileAppIdentifier") if isinstance(app, Mapping) else None
        if isinstance(identifier, Mapping):
            value = next((v for k, v in identifier.items() if not k.startswith("@") and isinstance(v, str)), None)
            found.append(value or str(app.get("id")))
        elif isinstance(app, Mapping) and app.get("id"):
            found.append(str(app["id"]))
    return found


def _targeted_apps(ctx: PolicyContext) -> list[SettingRow]:
    apps = _app_identifiers(ctx.obj.get("apps"))
    return [ctx.row("", "Targeted apps", ", ".join(apps), "apps", apps)] if apps else []


def app_protection_rows(ctx: PolicyContext) -> list[SettingRow]:
    """App protection settings and the apps they protect."""
    return property_rows(ctx, ctx.obj) + _targeted_apps(ctx)


def _key_values(ctx: PolicyContext, pairs: Any, key_field: str, value_field: str, path: str) -> list[SettingRow]:
    rows: list[SettingRow] = []
    for pair in pairs if isinstance(pairs, list) else ():
        if not isinstance(pair, Mapping) or not isinstance(pair.get(key_field), str):
            continue
        key = pair[key_field]
        value = pair.get(value_field)
        if value is None:
            value = next((v for k, v in pair.items() if k.startswith("value") and v is not None), None)
        rows.append(ctx.row("Configuration settings", key, display_value(value, "value"), f"{path}[{key}]", value))
    return rows


def app_config_rows(ctx: PolicyContext) -> list[SettingRow]:
    """Managed-device or managed-app configuration: targeted apps and key/value settings."""
    obj = ctx.obj
    handled = {"settings", "customSettings", "payloadJson", "targetedMobileApps", "encodedSettingXml"}
    rows = property_rows(ctx, obj, skip=handled)
    targeted = [a for a in obj.get("targetedMobileApps") or () if isinstance(a, str)]
    if targeted:
        shown = [ctx.references.apps.get(a, f"app not in this snapshot ({a})") for a in targeted]
        rows.append(ctx.row("", "Targeted apps", ", ".join(shown), "targetedMobileApps", targeted))
    rows += _targeted_apps(ctx)
    rows += _key_values(ctx, obj.get("settings"), "appConfigKey", "appConfigKeyValue", "settings")
    rows += _key_values(ctx, obj.get("customSettings"), "name", "value", "customSettings")
    payload = obj.get("payloadJson")
    if isinstance(payload, str) and payload:
        text = decode_text(payload)
        try:
            parsed = json.loads(text) if text is not None else None
        except ValueError:
            parsed = None
        if isinstance(parsed, Mapping):
            rows += _key_values(ctx, parsed.get("managedProperty"), "key", "valueString", "payloadJson")
        else:
            rows.append(
                ctx.row("Configuration settings", "Configuration payload", text or payload, "payloadJson", payload)
            )
    xml = obj.get("encodedSettingXml")
    if isinstance(xml, str) and xml:
        text = decode_text(xml)
        rows.append(
            ctx.row("Configuration settings", "Configuration XML", text or xml, "encodedSettingXml", text or xml)
        )
    return rows
